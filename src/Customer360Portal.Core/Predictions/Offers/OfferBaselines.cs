namespace Customer360Portal.Core.Predictions.Offers;

/// <summary>
/// The two yardsticks an offer model has to beat: the most popular items the customer does not own, and the items most
/// often bought with what the customer owns (summed confidence over the owned items, ties and gaps filled by popularity).
/// </summary>
public static class OfferBaselines
{
    public static IReadOnlyList<string> Popularity(CoPurchaseStats stats, IReadOnlySet<string> owned, int k) =>
        stats.ByPopularity.Where(i => !owned.Contains(i)).Take(k).ToList();

    public static IReadOnlyList<string> CoPurchase(CoPurchaseStats stats, IReadOnlySet<string> owned, int k)
    {
        var scores = CoPurchaseScores(stats, owned);
        var ranked = scores.OrderByDescending(s => s.Value).ThenByDescending(s => stats.CountOf(s.Key)).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => s.Key).Take(k).ToList();
        if (ranked.Count < k)
            ranked.AddRange(stats.ByPopularity.Where(i => !owned.Contains(i) && !scores.ContainsKey(i)).Take(k - ranked.Count));
        return ranked;
    }

    /// <summary>For every item bought with an owned item (and not owned): the summed confidence owned → item.</summary>
    public static Dictionary<string, double> CoPurchaseScores(CoPurchaseStats stats, IReadOnlySet<string> owned)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var have in owned)
        {
            var count = stats.CountOf(have);
            if (count == 0) continue;
            foreach (var (other, together) in stats.CoBought(have))
            {
                if (owned.Contains(other)) continue;
                scores[other] = scores.GetValueOrDefault(other) + (double)together / count;
            }
        }
        return scores;
    }
}
