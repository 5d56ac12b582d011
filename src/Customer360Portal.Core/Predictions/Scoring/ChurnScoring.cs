using System.Text.Json;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
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
/// top 3 factors in plain words (<see cref="ChurnModel.Explain"/>), replacing their previous churn score. Profiling
/// is <see cref="ConsentPurpose.Personalisation"/>: people the consent check does not allow (no consent, withdrawn,
/// restricted...) are not scored, and their existing churn scores are removed.
/// </summary>
public sealed class ChurnScoring(IDbContextFactory<ProfileStore> stores, ConsentCheck consent, TimeProvider clock,
    IOptions<ChurnScoringOptions> options)
{
    public const int Factors = 3;
    private const int ExplainChunk = 5000;
    private const int WriteChunk = 1000;
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
        PredictionModel? active;
        List<ChurnFeatureRow> rows;
        List<long> alreadyScored;
        ChurnModelSettings? settings = null;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            active = await store.PredictionModels.AsNoTracking().Where(m => m.Kind == ScoreKind.ChurnRisk && m.Active)
                .OrderByDescending(m => m.Id).FirstOrDefaultAsync(cancellationToken);
            // The version's own churn rule and columns: a rolled-back version is scored as it was trained.
            settings = active is null ? null : ChurnModelSettings.Read(active.SettingsJson) ?? new ChurnModelSettings { HorizonDays = options.Value.HorizonDays };
            rows = settings is null ? [] : await ChurnPurchases.FeatureRowsAsync(store, now, settings.Rule(), settings.Layout(), cancellationToken);
            alreadyScored = await store.Scores.Where(s => s.Kind == ScoreKind.ChurnRisk).Select(s => s.CustomerId).Distinct()
                .ToListAsync(cancellationToken);
        }

        // Candidates: the consent check decides; the skipped ones are reported. People holding a churn score who are
        // no longer candidates (restricted, merged away, no orders left) are checked too, so stale scores go.
        var candidateIds = rows.Select(r => ChurnPurchases.CustomerId(r.CustomerId)).ToList();
        var candidates = await consent.FilterAsync(candidateIds, ConsentPurpose.Personalisation, cancellationToken);
        var allowed = candidates.Allowed.ToHashSet();
        var candidateSet = candidateIds.ToHashSet();
        var others = alreadyScored.Where(id => !candidateSet.Contains(id)).ToList();
        var othersAllowed = (await consent.FilterAsync(others, ConsentPurpose.Personalisation, cancellationToken)).Allowed.ToHashSet();
        var remove = candidateIds.Where(id => !allowed.Contains(id)).Concat(others.Where(id => !othersAllowed.Contains(id))).ToList();
        var removed = await RemoveAsync(remove, cancellationToken);

        if (active is null)
            return new ChurnScoringResult("No active churn model: nothing scored.", null, 0, candidates.SkippedByReason, removed);

        var columns = settings!.Layout().Columns;
        var model = ChurnModel.Load(active.ModelBytes, columns);
        var scoredRows = Enumerable.Range(0, rows.Count).Where(i => allowed.Contains(candidateIds[i])).ToList();
        var table = ChurnTable.FromFeatureRows(rows, columns);
        rows.Clear();
        var scored = 0;
        foreach (var chunk in scoredRows.Chunk(ExplainChunk))
        {
            var explanations = model.Explain(table.Subset(chunk), Factors);
            foreach (var batch in explanations.Chunk(WriteChunk))
            {
                await WriteAsync(batch, active.Version, now, cancellationToken);
                scored += batch.Length;
            }
        }
        return new ChurnScoringResult($"Scored {scored} customers with {active.Version}; skipped {candidates.SkippedCount}; removed {removed} old scores.",
            active.Version, scored, candidates.SkippedByReason, removed);
    }

    private async Task WriteAsync(ChurnExplanation[] batch, string version, DateTime now, CancellationToken cancellationToken)
    {
        var ids = batch.Select(e => ChurnPurchases.CustomerId(e.CustomerId)).ToList();
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        await store.Scores.Where(s => s.Kind == ScoreKind.ChurnRisk && ids.Contains(s.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        store.Scores.AddRange(batch.Select((e, i) => new CustomerScore
        {
            CustomerId = ids[i],
            OriginCustomerId = ids[i],
            Kind = ScoreKind.ChurnRisk,
            ModelVersion = version,
            Value = Math.Round(e.Probability, 4),
            Label = Band(e.Probability),
            ReasonsJson = JsonSerializer.Serialize(e.Factors.Select(f => f.Text).ToList()),
            ScoredAt = now,
        }));
        await store.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<int> RemoveAsync(IReadOnlyList<long> customerIds, CancellationToken cancellationToken)
    {
        var removed = 0;
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        foreach (var chunk in customerIds.Chunk(WriteChunk))
            removed += await store.Scores.Where(s => s.Kind == ScoreKind.ChurnRisk && chunk.Contains(s.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        return removed;
    }
}
