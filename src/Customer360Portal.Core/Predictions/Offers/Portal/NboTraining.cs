using System.Globalization;
using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Offers.Portal;

/// <summary>Held-out quality of an offer model version (stored as its MetricsJson): hit rate at k against both baselines.</summary>
public sealed record NboModelMetrics(int K, double HitAtK, double BaselinePopularity, double BaselineCoPurchase, int Evaluated,
    int FeedbackPairs, int FeedbackAccepted);

/// <summary>What a training run did: a new active version, or why none was trained.</summary>
public sealed record NboTrainingResult(bool Trained, string Message, string? Version = null, int Customers = 0, NboModelMetrics? Metrics = null);

/// <summary>One stored offer model version, for the models page and rollback.</summary>
public sealed record NboModelVersion(long Id, string Version, DateTime TrainedAt, bool Active, int TrainingRows, NboModelMetrics? Metrics);

/// <summary>
/// Trains the offer model from the store: purchase histories (one item hidden per customer, as in
/// <see cref="NboEvaluation"/>), the derived catalogue's categories and prices, channel engagement, and the accepts and
/// declines agents recorded. Quality is measured first on a customer holdout (model vs popularity vs co-purchase);
/// the stored model is then trained on everyone and becomes the active version ("nbo-N").
/// </summary>
public sealed class NboTraining(IDbContextFactory<ProfileStore> stores, AuditLog audit, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<NboTrainingResult> TrainAsync(NboOptions options, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            NboInputs inputs;
            using (PredictionsTelemetry.Source.StartActivity(NboTelemetry.Read))
                inputs = await NboData.LoadAsync(stores, now, options, cancellationToken);
            var usable = inputs.Histories.Count(h => h.DistinctItems().Count >= 2);
            var minimum = Math.Max(10, options.MinimumCustomers);
            if (usable < minimum)
                return new NboTrainingResult(false,
                    $"Not enough data to train an offer model: {usable} customers bought two or more different products; at least {minimum} are needed.",
                    Customers: inputs.Histories.Count);

            var modelOptions = new OfferModelOptions { Seed = options.Seed };
            OfferModel model;
            NboEvaluationResult evaluation;
            try
            {
                // The held-out measurement and the stored model are independent fits (each seeded, one LightGbm thread
                // each): run side by side, on two cores they take the time of one.
                using var span = PredictionsTelemetry.Source.StartActivity(NboTelemetry.Fit);
                var measuring = Task.Run(() =>
                {
                    // Measured with the same product and engagement knowledge as the stored model (answers left out: they
                    // are about offers, not the held-out purchases).
                    var measuredContext = new OfferContext { Items = inputs.Context.Items, Engagement = inputs.Context.Engagement };
                    return NboEvaluation.Run(inputs.Histories,
                        new NboEvaluationOptions { Seed = options.Seed, HoldOut = HoldOutRule.Last, Model = modelOptions, Context = measuredContext }, cancellationToken);
                }, cancellationToken);
                var training = Task.Run(() => OfferModel.Train(inputs.Histories, HoldOutRule.Last, modelOptions, cancellationToken, inputs.Context), cancellationToken);
                // The measurement's failure first, as when they ran one after the other.
                try
                {
                    evaluation = await measuring;
                }
                finally
                {
                    // A failed measurement still waits for the fit beside it, so nothing is left running.
                    await Task.WhenAny(training);
                }
                model = await training;
            }
            catch (InvalidOperationException e)
            {
                // Too little variety to learn from (the message says counts, never people).
                return new NboTrainingResult(false, e.Message, Customers: inputs.Histories.Count);
            }
            var metrics = new NboModelMetrics(evaluation.K, evaluation.HitAtK, evaluation.BaselinePopularity, evaluation.BaselineCoPurchase,
                evaluation.Evaluated, model.FeedbackPairs, inputs.Context.Feedback.Count(f => f.Accepted));
            var entity = new PredictionModel
            {
                Kind = ScoreKind.NextBestOffer,
                TrainedAt = now,
                Active = true,
                SettingsJson = JsonSerializer.Serialize(new
                {
                    learner = "LightGbm binary over (customer, product) pairs",
                    holdOut = "last new product per customer",
                    validation = "hit rate at 5 on a 20% customer holdout; stored model trained on everyone",
                    features = OfferModel.FeatureNames,
                    feedbackWeight = modelOptions.FeedbackWeight,
                    seed = options.Seed,
                    products = inputs.Catalogue.Count,
                }, Json),
                MetricsJson = JsonSerializer.Serialize(metrics, Json),
                TrainingRows = inputs.Histories.Count,
                ModelBytes = model.Save(),
                TrainedByUserId = actor.UserId,
            };
            await ModelVersions.AddActiveAsync(stores, entity, "nbo", cancellationToken);
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"{entity.Version}: {inputs.Histories.Count} customers, hit@{metrics.K} {metrics.HitAtK:0.000} (popularity {metrics.BaselinePopularity:0.000}, co-purchase {metrics.BaselineCoPurchase:0.000}), {metrics.FeedbackPairs} feedback answers");
            await audit.WriteAsync(actor, "model.trained", "PredictionModel", entity.Id.ToString(CultureInfo.InvariantCulture), summary, cancellationToken);
            return new NboTrainingResult(true, $"Trained {summary}.", entity.Version, inputs.Histories.Count, metrics);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Every offer model version, newest first (no model bytes).</summary>
    public async Task<IReadOnlyList<NboModelVersion>> VersionsAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var rows = await store.PredictionModels.AsNoTracking().Where(m => m.Kind == ScoreKind.NextBestOffer)
            .OrderByDescending(m => m.TrainedAt).ThenByDescending(m => m.Id)
            .Select(m => new { m.Id, m.Version, m.TrainedAt, m.Active, m.TrainingRows, m.MetricsJson }).ToListAsync(cancellationToken);
        return rows.Select(m => new NboModelVersion(m.Id, m.Version, m.TrainedAt, m.Active, m.TrainingRows, ReadMetrics(m.MetricsJson))).ToList();
    }

    public async Task<NboModelVersion?> ActiveAsync(CancellationToken cancellationToken = default) =>
        (await VersionsAsync(cancellationToken)).FirstOrDefault(v => v.Active);

    /// <summary>Makes a stored offer model version the active one (rollback); false when there is no such version.</summary>
    public async Task<bool> ActivateAsync(long modelId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        if (await ModelVersions.ActivateAsync(stores, ScoreKind.NextBestOffer, modelId, cancellationToken) is not (var version, _)) return false;
        await audit.WriteAsync(actor, "model.activated", "PredictionModel", modelId.ToString(CultureInfo.InvariantCulture), version, cancellationToken);
        return true;
    }

    private static NboModelMetrics? ReadMetrics(string json)
    {
        try { return string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<NboModelMetrics>(json, Json); }
        catch (JsonException) { return null; }
    }
}
