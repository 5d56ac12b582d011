using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>
/// Validation quality of a churn model version (stored as its MetricsJson). Out-of-time when there is enough history: a
/// model trained at an earlier cut-off is measured on the customers of the latest labelled cut-off; otherwise on a
/// stratified 20% holdout of the latest cut-off. <see cref="HoldoutRows"/> and <see cref="HoldoutChurned"/> count the
/// validation rows.
/// </summary>
public sealed record ChurnModelMetrics(double Auc, double PrAuc, double Brier, double Ece, double LiftTopDecile,
    int HoldoutRows, int HoldoutChurned, IReadOnlyList<RocPoint> Roc)
{
    public const string OutOfTime = "out-of-time";
    public const string Holdout = "holdout";

    /// <summary><see cref="OutOfTime"/> or <see cref="Holdout"/>.</summary>
    public string Validation { get; init; } = Holdout;
    public DateTime? TrainCutoff { get; init; }
    public DateTime? ValidationCutoff { get; init; }
    public int ValidationTrainRows { get; init; }
    public int ValidationTrainChurned { get; init; }
    public double ChurnRate => HoldoutRows == 0 ? 0 : (double)HoldoutChurned / HoldoutRows;
    public double Accuracy { get; init; }
    public double LogLoss { get; init; }
    /// <summary>AUC of a logistic regression on the same rows: whether the boosted trees earn their complexity.</summary>
    public double? BaselineAuc { get; init; }
    public IReadOnlyList<ReliabilityBin> Reliability { get; init; } = [];
    public IReadOnlyList<LiftPoint> LiftByDecile { get; init; } = [];
    /// <summary>Mean absolute contribution per column on validation rows, as shares summing to 1, largest first.</summary>
    public IReadOnlyList<FeatureImportance> Importance { get; init; } = [];
}

/// <summary>How much a column moves the risk on average, as a share of all columns' movement.</summary>
public sealed record FeatureImportance(string Column, double Share);

/// <summary>What a training run did: a new active version, or why none was trained (said plainly).</summary>
public sealed record ChurnTrainingResult(bool Trained, string Message, long? ModelId = null, string? Version = null,
    int TrainingRows = 0, int Churned = 0, ChurnModelMetrics? Metrics = null);

/// <summary>One stored churn model version, for the admin page and rollback.</summary>
public sealed record ChurnModelVersion(long Id, string Version, DateTime TrainedAt, bool Active, int TrainingRows,
    string? TrainedByUserId, ChurnModelMetrics? Metrics, string SettingsJson)
{
    public ChurnModelSettings? Settings { get; } = ChurnModelSettings.Read(SettingsJson);
}

/// <summary>
/// Trains churn models from the store's purchases and keeps their versions. Training looks back one horizon:
/// features from purchases before the cut-off (now − horizon), label = no purchase in (cut-off, now]. Quality is
/// measured on a stratified 20% holdout (same seed, same split as fold 1 of <see cref="ChurnEvaluation.StratifiedFolds"/>);
/// the stored model is then trained on all rows. The new version becomes the active one.
/// </summary>
public sealed class ChurnTraining(IDbContextFactory<ProfileStore> stores, AuditLog audit, TimeProvider clock)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
    private const int HoldoutFolds = 5;
    private const int ImportanceRows = 2000;
    private readonly SemaphoreSlim gate = new(1, 1);

    public Task<ChurnTrainingResult> TrainAsync(ChurnScoringOptions options, AuditActor actor, CancellationToken cancellationToken = default) =>
        TrainAsync(options, actor, null, cancellationToken);

    public async Task<ChurnTrainingResult> TrainAsync(ChurnScoringOptions options, AuditActor actor, IProgress<ChurnJobProgress>? progress,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.HorizonDays);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var rule = options.Rule();
            // The latest cut-off whose churn window has fully passed, and the one before it for out-of-time validation:
            // its window ends where the latest one starts, so the validation labels are never seen in training.
            var cutoff = now.AddDays(-options.HorizonDays);
            var earlierCutoff = cutoff.AddDays(-options.HorizonDays);
            ChurnFeatureLayout layout;
            List<ChurnFeatureRow>[] read;
            await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            {
                // The trait that marks a cancellation is the label: never a feature.
                var traitKeys = options.Traits.Where(k => !string.IsNullOrWhiteSpace(k) && k != rule.CancellationTraitKey).Select(k => k.Trim()).ToList();
                layout = ChurnFeatureLayout.WithTraits(traitKeys.Count == 0 ? []
                    : ChurnFeatureLayout.TraitColumns(await ChurnPurchases.TraitValuesAsync(store, traitKeys, cutoff, cancellationToken)));
                var buyers = await store.Customers.CountAsync(c => c.Status == CustomerStatus.Active && c.OrderCount > 0, cancellationToken);
                progress?.Report(new ChurnJobProgress("Reading profiles", 0, buyers));
                read = await ChurnPurchases.FeatureRowsAsync(store, [cutoff, earlierCutoff], rule, layout,
                    customers => progress?.Report(new ChurnJobProgress("Reading profiles", Math.Min(customers, buyers), buyers)), cancellationToken);
            }
            var rows = read[0];

            var minimum = Math.Max(options.MinimumCustomers, 2 * HoldoutFolds);
            if (rows.Count < minimum)
                return new ChurnTrainingResult(false,
                    $"Not enough data to train a churn model: {rows.Count} customers bought before {cutoff:yyyy-MM-dd} (now − {options.HorizonDays} days); at least {minimum} are needed.",
                    TrainingRows: rows.Count);
            var table = ChurnTable.FromFeatureRows(rows, layout.Columns);
            var churned = table.Positives;
            if (Math.Min(churned, table.RowCount - churned) < HoldoutFolds)
                return new ChurnTrainingResult(false,
                    $"Not enough data to train a churn model: {churned} of {table.RowCount} customers churned; both churned and retained customers are needed (at least {HoldoutFolds} of each).",
                    TrainingRows: table.RowCount, Churned: churned);
            var earlier = ChurnTable.FromFeatureRows(read[1], layout.Columns);
            var outOfTime = earlier.RowCount >= minimum && Math.Min(earlier.Positives, earlier.RowCount - earlier.Positives) >= HoldoutFolds;

            progress?.Report(new ChurnJobProgress(outOfTime ? "Validating out of time" : "Validating on a holdout", 1, 3));
            var (model, metrics) = await Task.Run(() => Fit(table, outOfTime ? earlier : null, options.Seed, progress), cancellationToken);
            metrics = metrics with { ValidationCutoff = cutoff, TrainCutoff = outOfTime ? earlierCutoff : cutoff };
            progress?.Report(new ChurnJobProgress("Saving the model", 3, 3));
            var bytes = model.Save();
            var settings = new ChurnModelSettings
            {
                ChurnDefinition = rule.Describe(),
                HorizonDays = options.HorizonDays,
                ActivityTypes = rule.ByCancellation ? null : rule.ActivityTypes,
                CancellationEventType = rule.CancellationEventType,
                CancellationTraitKey = rule.CancellationTraitKey,
                CancellationTraitValue = rule.CancellationTraitValue,
                Cutoff = cutoff,
                Validation = outOfTime
                    ? $"out-of-time: trained at {earlierCutoff:yyyy-MM-dd}, validated at {cutoff:yyyy-MM-dd}; the stored model is retrained on the {cutoff:yyyy-MM-dd} rows"
                    : "stratified 20% holdout (not enough history for out-of-time); the stored model is trained on all rows",
                Learner = "calibrated LightGbm blended with logistic regression (log-odds average)",
                Seed = options.Seed,
                Features = layout.Columns,
                Traits = options.Traits,
                Churned = churned,
            };

            var entity = new PredictionModel
            {
                Kind = ScoreKind.ChurnRisk,
                TrainedAt = now,
                Active = true,
                SettingsJson = JsonSerializer.Serialize(settings, Json),
                MetricsJson = JsonSerializer.Serialize(metrics, Json),
                TrainingRows = table.RowCount,
                ModelBytes = bytes,
                TrainedByUserId = actor.UserId,
            };
            await ModelVersions.AddActiveAsync(stores, entity, "churn", cancellationToken);
            await audit.WriteAsync(actor, "model.trained", "PredictionModel", entity.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{entity.Version}: {table.RowCount} rows, {churned} churned, {metrics.Validation} AUC {metrics.Auc:0.000}, PR-AUC {metrics.PrAuc:0.000}, Brier {metrics.Brier:0.000}",
                cancellationToken);
            return new ChurnTrainingResult(true, $"Trained {entity.Version} on {table.RowCount} customers ({metrics.Validation} AUC {metrics.Auc:0.000}).",
                entity.Id, entity.Version, table.RowCount, churned, metrics);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Makes a stored churn version the active one (rollback). False when there is no such churn model.</summary>
    public async Task<bool> ActivateAsync(long modelId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        if (await ModelVersions.ActivateAsync(stores, ScoreKind.ChurnRisk, modelId, cancellationToken) is not (var version, var previous)) return false;
        // A rollback is an activation of an older version: the details say which one it replaced.
        await audit.WriteAsync(actor, "model.activated", "PredictionModel", modelId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            previous is null || previous == version ? version : $"{version} (replacing {previous})", cancellationToken);
        return true;
    }

    /// <summary>Every churn version, newest first, with its held-out metrics (no model bytes).</summary>
    public async Task<IReadOnlyList<ChurnModelVersion>> VersionsAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var rows = await store.PredictionModels.AsNoTracking().Where(m => m.Kind == ScoreKind.ChurnRisk)
            .OrderByDescending(m => m.TrainedAt).ThenByDescending(m => m.Id)
            .Select(m => new { m.Id, m.Version, m.TrainedAt, m.Active, m.TrainingRows, m.TrainedByUserId, m.MetricsJson, m.SettingsJson })
            .ToListAsync(cancellationToken);
        return rows.Select(m => new ChurnModelVersion(m.Id, m.Version, m.TrainedAt, m.Active, m.TrainingRows, m.TrainedByUserId,
            ReadMetrics(m.MetricsJson), m.SettingsJson)).ToList();
    }

    /// <summary>
    /// How many active customers bought before the training cut-off (now − horizon), for the "not enough data yet"
    /// state of the models page; read from the profiles' first-purchase dates, so it is one cheap count.
    /// </summary>
    public async Task<(int Customers, DateTime Cutoff)> ReadinessAsync(ChurnScoringOptions options, CancellationToken cancellationToken = default)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-options.HorizonDays);
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var customers = await store.Customers.CountAsync(c => c.Status == CustomerStatus.Active && c.FirstPurchaseAt < cutoff, cancellationToken);
        return (customers, cutoff);
    }

    /// <summary>The active churn version (without bytes), or null.</summary>
    public async Task<ChurnModelVersion?> ActiveAsync(CancellationToken cancellationToken = default) =>
        (await VersionsAsync(cancellationToken)).FirstOrDefault(v => v.Active);

    /// <summary>
    /// Measures a model trained on <paramref name="earlier"/> on <paramref name="latest"/> (out of time), or without
    /// earlier rows on a stratified 20% holdout of the latest ones; the returned model is trained on all latest rows.
    /// </summary>
    private static (ChurnModel Model, ChurnModelMetrics Metrics) Fit(ChurnTable latest, ChurnTable? earlier, int seed, IProgress<ChurnJobProgress>? progress)
    {
        ChurnTable train, validation;
        if (earlier is not null)
            (train, validation) = (earlier, latest);
        else
        {
            var folds = ChurnEvaluation.StratifiedFolds(latest.Labels, HoldoutFolds, seed);
            train = latest.Subset(Enumerable.Range(0, latest.RowCount).Where(i => folds[i] != 0).ToList());
            validation = latest.Subset(Enumerable.Range(0, latest.RowCount).Where(i => folds[i] == 0).ToList());
        }
        var candidate = ChurnModel.Train(train, ChurnLearner.Blend, seed);
        var measured = ChurnEvaluation.Measure(candidate, validation);
        var probabilities = candidate.PredictProbabilities(validation);
        var baseline = ChurnEvaluation.Measure(ChurnModel.Train(train, ChurnLearner.LogisticRegression, seed), validation);
        var metrics = new ChurnModelMetrics(measured.Auc, measured.PrAuc, measured.Brier, measured.Ece, measured.LiftTopDecile,
            validation.RowCount, validation.Positives, ChurnEvaluation.RocCurve(validation.Labels, probabilities))
        {
            Validation = earlier is null ? ChurnModelMetrics.Holdout : ChurnModelMetrics.OutOfTime,
            ValidationTrainRows = train.RowCount,
            ValidationTrainChurned = train.Positives,
            Accuracy = measured.Accuracy,
            LogLoss = measured.LogLoss,
            BaselineAuc = baseline.Auc,
            Reliability = ChurnEvaluation.Reliability(validation.Labels, probabilities),
            LiftByDecile = ChurnEvaluation.LiftByDecile(validation.Labels, probabilities),
            Importance = Importance(candidate, validation),
        };
        progress?.Report(new ChurnJobProgress("Training on the latest data", 2, 3));
        return (ChurnModel.Train(latest, ChurnLearner.Blend, seed), metrics);
    }

    /// <summary>Mean absolute feature contribution per column over up to 2,000 validation rows, as shares.</summary>
    private static IReadOnlyList<FeatureImportance> Importance(ChurnModel model, ChurnTable validation)
    {
        var sample = validation.RowCount <= ImportanceRows ? validation : validation.Subset(Enumerable.Range(0, ImportanceRows).ToList());
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var explanation in model.Explain(sample, validation.Numeric.Count + validation.Categorical.Count))
            foreach (var factor in explanation.Factors)
                totals[factor.Column] = totals.GetValueOrDefault(factor.Column) + Math.Abs(factor.Contribution);
        var sum = totals.Values.Sum();
        return sum == 0 ? [] : totals.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new FeatureImportance(t.Key, Math.Round(t.Value / sum, 4))).ToList();
    }

    private static ChurnModelMetrics? ReadMetrics(string json)
    {
        try { return string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<ChurnModelMetrics>(json, Json); }
        catch (JsonException) { return null; }
    }
}
