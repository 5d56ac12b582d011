using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>A point of the held-out ROC curve: at this probability threshold, the false and true positive rates.</summary>
public sealed record RocPoint(double Threshold, double FalsePositiveRate, double TruePositiveRate);

/// <summary>Held-out quality of a churn model version (stored as its MetricsJson).</summary>
public sealed record ChurnModelMetrics(double Auc, double PrAuc, double Brier, double Ece, double LiftTopDecile,
    int HoldoutRows, int HoldoutChurned, IReadOnlyList<RocPoint> Roc);

/// <summary>What a training run did: a new active version, or why none was trained (said plainly).</summary>
public sealed record ChurnTrainingResult(bool Trained, string Message, long? ModelId = null, string? Version = null,
    int TrainingRows = 0, int Churned = 0, ChurnModelMetrics? Metrics = null);

/// <summary>One stored churn model version, for the admin page and rollback.</summary>
public sealed record ChurnModelVersion(long Id, string Version, DateTime TrainedAt, bool Active, int TrainingRows,
    string? TrainedByUserId, ChurnModelMetrics? Metrics, string SettingsJson);

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
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<ChurnTrainingResult> TrainAsync(ChurnScoringOptions options, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.HorizonDays);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var cutoff = now.AddDays(-options.HorizonDays);
            List<ChurnFeatureRow> rows;
            await using (var store = await stores.CreateDbContextAsync(cancellationToken))
                rows = await ChurnPurchases.FeatureRowsAsync(store, cutoff, options.HorizonDays, cancellationToken);

            var minimum = Math.Max(options.MinimumCustomers, 2 * HoldoutFolds);
            if (rows.Count < minimum)
                return new ChurnTrainingResult(false,
                    $"Not enough data to train a churn model: {rows.Count} customers bought before {cutoff:yyyy-MM-dd} (now − {options.HorizonDays} days); at least {minimum} are needed.",
                    TrainingRows: rows.Count);
            var table = ChurnTable.FromFeatureRows(rows);
            var churned = table.Positives;
            if (Math.Min(churned, table.RowCount - churned) < HoldoutFolds)
                return new ChurnTrainingResult(false,
                    $"Not enough data to train a churn model: {churned} of {table.RowCount} customers churned; both churned and retained customers are needed (at least {HoldoutFolds} of each).",
                    TrainingRows: table.RowCount, Churned: churned);

            var (model, metrics) = await Task.Run(() => Fit(table, options.Seed), cancellationToken);
            var bytes = model.Save();
            var settings = JsonSerializer.Serialize(new
            {
                churnDefinition = "no purchase within the horizon after the cut-off",
                horizonDays = options.HorizonDays,
                cutoff,
                validation = "stratified 20% holdout; stored model trained on all rows",
                learner = "LightGbm with Platt calibration",
                seed = options.Seed,
                features = ChurnFeatureBuilder.FeatureNames,
                churned,
            }, Json);

            var entity = new PredictionModel
            {
                Kind = ScoreKind.ChurnRisk,
                TrainedAt = now,
                Active = true,
                SettingsJson = settings,
                MetricsJson = JsonSerializer.Serialize(metrics, Json),
                TrainingRows = table.RowCount,
                ModelBytes = bytes,
                TrainedByUserId = actor.UserId,
            };
            await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            {
                await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
                var versions = await store.PredictionModels.Where(m => m.Kind == ScoreKind.ChurnRisk).Select(m => m.Version).ToListAsync(cancellationToken);
                entity.Version = $"churn-{versions.Select(VersionNumber).DefaultIfEmpty(0).Max() + 1}";
                await store.PredictionModels.Where(m => m.Kind == ScoreKind.ChurnRisk && m.Active)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Active, false), cancellationToken);
                store.PredictionModels.Add(entity);
                await store.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            await audit.WriteAsync(actor, "model.trained", "PredictionModel", entity.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{entity.Version}: {table.RowCount} rows, {churned} churned, AUC {metrics.Auc:0.000}, PR-AUC {metrics.PrAuc:0.000}, Brier {metrics.Brier:0.000}",
                cancellationToken);
            return new ChurnTrainingResult(true, $"Trained {entity.Version} on {table.RowCount} customers (AUC {metrics.Auc:0.000}).",
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
        string version;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
            var found = await store.PredictionModels.Where(m => m.Id == modelId && m.Kind == ScoreKind.ChurnRisk)
                .Select(m => m.Version).FirstOrDefaultAsync(cancellationToken);
            if (found is null) return false;
            version = found;
            await store.PredictionModels.Where(m => m.Kind == ScoreKind.ChurnRisk && m.Active && m.Id != modelId)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Active, false), cancellationToken);
            await store.PredictionModels.Where(m => m.Id == modelId)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Active, true), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await audit.WriteAsync(actor, "model.activated", "PredictionModel", modelId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            version, cancellationToken);
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

    /// <summary>The active churn version (without bytes), or null.</summary>
    public async Task<ChurnModelVersion?> ActiveAsync(CancellationToken cancellationToken = default) =>
        (await VersionsAsync(cancellationToken)).FirstOrDefault(v => v.Active);

    private static (ChurnModel Model, ChurnModelMetrics Metrics) Fit(ChurnTable table, int seed)
    {
        var folds = ChurnEvaluation.StratifiedFolds(table.Labels, HoldoutFolds, seed);
        var train = table.Subset(Enumerable.Range(0, table.RowCount).Where(i => folds[i] != 0).ToList());
        var holdout = table.Subset(Enumerable.Range(0, table.RowCount).Where(i => folds[i] == 0).ToList());
        var candidate = ChurnModel.Train(train, ChurnLearner.Blend, seed);
        var measured = ChurnEvaluation.Measure(candidate, holdout);
        var probabilities = candidate.PredictProbabilities(holdout);
        var metrics = new ChurnModelMetrics(measured.Auc, measured.PrAuc, measured.Brier, measured.Ece, measured.LiftTopDecile,
            holdout.RowCount, holdout.Positives, Roc(holdout.Labels, probabilities));
        return (ChurnModel.Train(table, ChurnLearner.Blend, seed), metrics);
    }

    private static IReadOnlyList<RocPoint> Roc(IReadOnlyList<bool> labels, float[] probabilities)
    {
        var positives = Math.Max(1, labels.Count(l => l));
        var negatives = Math.Max(1, labels.Count(l => !l));
        return new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 }.Select(t =>
        {
            int tp = 0, fp = 0;
            for (var i = 0; i < labels.Count; i++)
                if (probabilities[i] >= t) { if (labels[i]) tp++; else fp++; }
            return new RocPoint(t, Math.Round((double)fp / negatives, 4), Math.Round((double)tp / positives, 4));
        }).ToList();
    }

    private static int VersionNumber(string version) =>
        version.StartsWith("churn-", StringComparison.Ordinal) && int.TryParse(version.AsSpan(6), out var n) ? n : 0;

    private static ChurnModelMetrics? ReadMetrics(string json)
    {
        try { return string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<ChurnModelMetrics>(json, Json); }
        catch (JsonException) { return null; }
    }
}
