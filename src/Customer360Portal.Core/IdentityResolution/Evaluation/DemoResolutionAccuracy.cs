using Customer360Portal.Core.DemoData;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.IdentityResolution.Evaluation;

/// <summary>
/// How well the store's profiles match the demo generator's truth: pairwise precision, recall and F1 over every
/// stored record that belongs to a known demo person (anonymous-only visitors have no truth and are left out).
/// </summary>
public static class DemoResolutionAccuracy
{
    public static async Task<(PairwiseMetrics Metrics, int Records, int People, int Profiles)> MeasureAsync(ProfileStore store,
        IEnumerable<DemoRecord> records, CancellationToken cancellationToken = default)
    {
        var truth = new Dictionary<(string, string), string>();
        foreach (var record in records)
            if (!record.ExpectedInvalid && record.PersonId is not null && record.ExternalId is not null)
                truth[(record.SourceKey, record.ExternalId)] = record.PersonId;

        var redirects = await store.Customers.AsNoTracking().Where(c => c.MergedIntoId != null)
            .ToDictionaryAsync(c => c.Id, c => c.MergedIntoId!.Value, cancellationToken);
        long Resolve(long id)
        {
            for (var hops = 0; redirects.TryGetValue(id, out var next) && hops < 50; hops++) id = next;
            return id;
        }

        // The newest version of each record decides where it lives.
        var rows = await store.SourceRecords.AsNoTracking().Where(r => r.CustomerId != null)
            .OrderBy(r => r.Id).Select(r => new { r.SourceKey, r.ExternalId, r.CustomerId }).ToListAsync(cancellationToken);
        var placed = new Dictionary<(string, string), long>();
        foreach (var row in rows) placed[(row.SourceKey, row.ExternalId)] = Resolve(row.CustomerId!.Value);

        var cells = new Dictionary<(long Profile, string Person), long>();
        var profiles = new Dictionary<long, long>();
        var people = new Dictionary<string, long>();
        foreach (var (key, profile) in placed)
        {
            if (!truth.TryGetValue(key, out var person)) continue;
            cells[(profile, person)] = cells.GetValueOrDefault((profile, person)) + 1;
            profiles[profile] = profiles.GetValueOrDefault(profile) + 1;
            people[person] = people.GetValueOrDefault(person) + 1;
        }
        static long Pairs(long n) => n * (n - 1) / 2;
        var truePositives = cells.Values.Sum(Pairs);
        var predicted = profiles.Values.Sum(Pairs);
        var actual = people.Values.Sum(Pairs);
        return (new PairwiseMetrics(truePositives, predicted - truePositives, actual - truePositives),
            (int)profiles.Values.Sum(), people.Count, profiles.Count);
    }
}
