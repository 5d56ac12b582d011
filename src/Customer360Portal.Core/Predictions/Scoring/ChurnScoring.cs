using System.Text.Json;
using System.Threading.Channels;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>What a scoring pass did. Skipped counts are by consent-check reason ("no consent on record", ...).</summary>
public sealed record ChurnScoringResult(string Message, string? ModelVersion, int Scored, IReadOnlyDictionary<string, int> SkippedByReason,
    int Removed)
{
    public int Skipped => SkippedByReason.Values.Sum();
}

/// <summary>
/// Scores every active customer who has bought at least once with the active churn model: probability, band and the
/// top 3 factors in plain words (<see cref="ChurnModel.Explain(ChurnTable, IReadOnlyList{float}, int)"/>), replacing
/// their previous churn score. Profiling is <see cref="ConsentPurpose.Personalisation"/>: people the consent check
/// does not allow (no consent, withdrawn, restricted...) are not scored, and their existing churn scores are removed.
/// Built for a million customers: features read set-based on one connection per core (<see cref="ChurnPurchases"/>),
/// predictions and explanations by batches of rows featurised once, through ML.NET data views on every core, and scores
/// written by one writer, in place, a short transaction per batch, while the next batch is being explained (nothing
/// holds the write lock while the model works).
/// </summary>
public sealed class ChurnScoring(IDbContextFactory<ProfileStore> stores, ConsentCheck consent, TimeProvider clock,
    IOptions<ChurnScoringOptions> options)
{
    public const int Factors = 3;
    // Rows a worker predicts and explains at a time (ML.NET views over a slice of the feature table).
    private const int ScoreChunk = 20_000;
    // Rows per write transaction. New scores land at random places in the (Kind, Value) index, so one commit rewrites
    // most of its pages whatever its size: at 2,000 rows a 1M-row rescoring wrote about ten times its index to the log
    // (19 s of the writer's CPU against 9 s at 20,000). A commit still takes well under a second.
    private const int WriteChunk = 20_000;
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>≥ 0.7 high, ≥ 0.4 medium, else low.</summary>
    public static string Band(double probability) => probability >= 0.7 ? "high" : probability >= 0.4 ? "medium" : "low";

    public async Task<ChurnScoringResult> ScoreAllAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await ScoreAllCoreAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ChurnScoringResult> ScoreAllCoreAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Consent for everyone, and whose churn score is stored, are read on their own connections while the features are
        // read: three long reads of different tables at once.
        var decisionsRead = Task.Run(async () =>
        {
            using (PredictionsTelemetry.Source.StartActivity(PredictionsTelemetry.Consent))
                return await consent.DecideEveryoneAsync(ConsentPurpose.Personalisation, cancellationToken);
        }, cancellationToken);
        var scoredRead = Task.Run(async () =>
        {
            using (PredictionsTelemetry.Source.StartActivity(PredictionsTelemetry.Consent))
            {
                await using var store = await stores.CreateDbContextAsync(cancellationToken);
                return StoredScores.HolderSet(store, ScoreKind.ChurnRisk);
            }
        }, cancellationToken);
        PredictionModel? active;
        List<ChurnFeatureRow> rows;
        ChurnModelSettings? settings = null;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            active = await store.PredictionModels.AsNoTracking().Where(m => m.Kind == ScoreKind.ChurnRisk && m.Active)
                .OrderByDescending(m => m.Id).FirstOrDefaultAsync(cancellationToken);
            // The version's own churn rule and columns: a rolled-back version is scored as it was trained.
            settings = active is null ? null : ChurnModelSettings.Read(active.SettingsJson) ?? new ChurnModelSettings { HorizonDays = options.Value.HorizonDays };
            rows = settings is null ? [] : await ChurnPurchases.FeatureRowsAsync(store, now, settings.Rule(), settings.Layout(), cancellationToken);
        }
        var decisions = await decisionsRead;
        var alreadyScored = await scoredRead;

        // Candidates: the consent check decides; the skipped ones are reported. People holding a churn score who are
        // no longer candidates (restricted, merged away, no orders left) are checked too, so stale scores go.
        var candidateIds = rows.Select(r => ChurnPurchases.CustomerId(r.CustomerId)).ToList();
        var candidates = decisions.Filter(candidateIds);
        var allowed = candidates.Allowed.ToHashSet();
        var candidateSet = candidateIds.ToHashSet();
        var remove = candidateIds.Where(id => !allowed.Contains(id))
            .Concat(alreadyScored.Where(id => !candidateSet.Contains(id) && !decisions.Of(id).Allowed)).ToList();
        var removed = await StoredScores.RemoveAsync(stores, ScoreKind.ChurnRisk, remove, cancellationToken);

        if (active is null)
            return new ChurnScoringResult("No active churn model: nothing scored.", null, 0, candidates.SkippedByReason, removed);

        var columns = settings!.Layout().Columns;
        var model = ChurnModel.Load(active.ModelBytes, columns);
        var scoredRows = Enumerable.Range(0, rows.Count).Where(i => allowed.Contains(candidateIds[i])).ToList();
        var table = ChurnTable.FromFeatureRows(rows, columns);
        rows.Clear();

        // The model works on batches on every core while the one writer stores the batches before.
        var batches = Channel.CreateBounded<CustomerScore[]>(new BoundedChannelOptions(2 * Environment.ProcessorCount) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = Task.Run(async () =>
        {
            try
            {
                return await new ChurnScoreWriter(stores).WriteAllAsync(batches.Reader, stop.Token);
            }
            catch
            {
                await stop.CancelAsync();
                throw;
            }
        }, CancellationToken.None);
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = stop.Token };
            await Parallel.ForEachAsync(scoredRows.Chunk(ScoreChunk), parallel, async (chunk, token) =>
            {
                var explanations = model.PredictAndExplain(table.Subset(chunk), Factors);
                // The rows are made here, on every core, so the one writer only writes.
                foreach (var batch in explanations.Chunk(WriteChunk))
                    await batches.Writer.WriteAsync(batch.Select(e => Row(e, active.Version, now)).ToArray(), token);
            });
            batches.Writer.Complete();
        }
        catch (Exception e)
        {
            batches.Writer.TryComplete(e);
            // Cancelled because the writer failed: its own failure (awaited below) is the one to report.
            if (e is not OperationCanceledException || cancellationToken.IsCancellationRequested) throw;
        }
        var scored = await writer;
        return new ChurnScoringResult($"Scored {scored} customers with {active.Version}; skipped {candidates.SkippedCount}; removed {removed} old scores.",
            active.Version, scored, candidates.SkippedByReason, removed);
    }

    private static CustomerScore Row(ChurnExplanation explained, string version, DateTime now)
    {
        var id = ChurnPurchases.CustomerId(explained.CustomerId);
        return new CustomerScore
        {
            CustomerId = id,
            OriginCustomerId = id,
            Kind = ScoreKind.ChurnRisk,
            ModelVersion = version,
            Value = Math.Round(explained.Probability, 4),
            Label = Band(explained.Probability),
            ReasonsJson = JsonSerializer.Serialize(explained.Factors.Select(f => f.Text).ToList(), ReasonsJson.Default.ListString),
            ScoredAt = now,
        };
    }
}
