using Customer360Portal.Core.Predictions.Offers;

namespace Customer360Portal.Core.Tests.Predictions.Offers;

/// <summary>Synthetic purchase histories with a known pattern.</summary>
internal static class OfferData
{
    /// <summary>
    /// Customers buy a few of six very popular staples (P0..P5, each bought by 35-60%), then one of ten "starter" items
    /// A0..A9, then (last in time) its companion B0..B9: whoever buys Aj almost always buys Bj. The companions are far
    /// less popular than the staples, so popularity misses them and co-purchase finds them.
    /// </summary>
    public static IReadOnlyList<PurchaseHistory> StarterCompanion(int customers, int seed = 1)
    {
        var random = new Random(seed);
        var histories = new List<PurchaseHistory>(customers);
        for (var c = 0; c < customers; c++)
        {
            var items = new List<string>();
            for (var p = 0; p < 6; p++)
                if (random.NextDouble() < 0.6 - 0.05 * p) items.Add($"P{p}");
            var j = random.Next(10);
            items.Add($"A{j}");
            if (random.NextDouble() < 0.95) items.Add($"B{j}");
            else items.Add($"P{random.Next(6)}");
            histories.Add(new PurchaseHistory($"c{c}", items));
        }
        return histories;
    }
}
