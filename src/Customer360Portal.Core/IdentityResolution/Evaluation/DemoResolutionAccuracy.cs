using Customer360Portal.Core.DemoData;
using Customer360Portal.Data;

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

        var accuracy = await ResolutionAccuracy.MeasureAsync(store, truth, cancellationToken);
        return (accuracy.Metrics, accuracy.Records, accuracy.Entities, accuracy.Profiles);
    }
}
