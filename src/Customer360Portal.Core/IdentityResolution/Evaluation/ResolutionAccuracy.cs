using Customer360Portal.Data;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.IdentityResolution.Evaluation;

/// <summary>How well the store's profiles match a known truth, over the stored records the truth names.</summary>
/// <param name="Metrics">Pairwise precision, recall and F1 (the contingency of profile × true entity).</param>
/// <param name="Records">Stored, resolved records that the truth names.</param>
/// <param name="Entities">Distinct true entities (people) among them.</param>
/// <param name="Profiles">Distinct profiles they were put in.</param>
public sealed record ResolutionAccuracy(PairwiseMetrics Metrics, int Records, int Entities, int Profiles)
{
    /// <summary>
    /// Scores where the store put each record that <paramref name="truth"/> names, by (source key, external id), against
    /// the entity the truth says it is. The newest version of a record decides its profile; merged profiles are followed
    /// to the one they were merged into. Records the truth does not name, or that are not resolved yet, are left out.
    /// </summary>
    public static async Task<ResolutionAccuracy> MeasureAsync<TEntity>(ProfileStore store,
        IReadOnlyDictionary<(string SourceKey, string ExternalId), TEntity> truth, CancellationToken cancellationToken = default)
        where TEntity : notnull
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(truth);
        var redirects = await store.Customers.AsNoTracking().Where(c => c.MergedIntoId != null)
            .ToDictionaryAsync(c => c.Id, c => c.MergedIntoId!.Value, cancellationToken);
        long Resolve(long id)
        {
            for (var hops = 0; redirects.TryGetValue(id, out var next) && hops < 50; hops++) id = next;
            return id;
        }

        var placed = new Dictionary<(string, string), long>();
        var rows = store.SourceRecords.AsNoTracking().Where(r => r.CustomerId != null)
            .OrderBy(r => r.Id).Select(r => new { r.SourceKey, r.ExternalId, r.CustomerId }).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
            if (truth.ContainsKey((row.SourceKey, row.ExternalId)))
                placed[(row.SourceKey, row.ExternalId)] = Resolve(row.CustomerId!.Value);

        var cells = new Dictionary<(long Profile, TEntity Entity), long>();
        var profiles = new Dictionary<long, long>();
        var entities = new Dictionary<TEntity, long>();
        foreach (var (key, profile) in placed)
        {
            var entity = truth[key];
            cells[(profile, entity)] = cells.GetValueOrDefault((profile, entity)) + 1;
            profiles[profile] = profiles.GetValueOrDefault(profile) + 1;
            entities[entity] = entities.GetValueOrDefault(entity) + 1;
        }
        static long Pairs(long n) => n * (n - 1) / 2;
        var truePositives = cells.Values.Sum(Pairs);
        var predicted = profiles.Values.Sum(Pairs);
        var actual = entities.Values.Sum(Pairs);
        return new ResolutionAccuracy(new PairwiseMetrics(truePositives, predicted - truePositives, actual - truePositives),
            placed.Count, entities.Count, profiles.Count);
    }
}
