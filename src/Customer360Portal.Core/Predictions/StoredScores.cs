using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions;

/// <summary>What scoring jobs share about the scores they store.</summary>
internal static class StoredScores
{
    private const int Chunk = 2_000;

    /// <summary>
    /// Removes the customers' scores of one kind (people who may no longer be profiled, or no longer qualify), in
    /// short statements that let other writers in between; returns how many rows went.
    /// </summary>
    public static async Task<int> RemoveAsync(IDbContextFactory<ProfileStore> stores, ScoreKind kind, IReadOnlyCollection<long> customerIds,
        CancellationToken cancellationToken)
    {
        if (customerIds.Count == 0) return 0;
        var removed = 0;
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var turns = WriteTurns.For(store);
        foreach (var chunk in customerIds.Chunk(Chunk))
        {
            removed += await store.Scores.Where(s => s.Kind == kind && chunk.Contains(s.CustomerId)).ExecuteDeleteAsync(cancellationToken);
            await turns.AfterCommitAsync(cancellationToken);
        }
        return removed;
    }
}
