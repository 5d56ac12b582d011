using System.Globalization;

namespace Customer360Portal.Core.Predictions.Offers;

/// <summary>Why an item is offered: the owned item with the strongest co-purchase link, or its popularity.</summary>
public sealed record OfferReason(string Text, string? BecauseOf, double Lift, double Confidence)
{
    public const string PopularText = "popular with customers like this";

    /// <summary>
    /// The owned item X with the highest lift X → <paramref name="item"/> among pairs bought together by at least
    /// <paramref name="minimumPairCount"/> customers and with lift above 1; otherwise the popularity reason.
    /// </summary>
    public static OfferReason For(CoPurchaseStats stats, IEnumerable<string> owned, string item, int minimumPairCount = 2)
    {
        var (best, bestLift) = StrongestLink(stats, owned, item, minimumPairCount);
        if (best is null) return new OfferReason(PopularText, null, 0, 0);
        var bestConfidence = stats.Confidence(best, item);
        return new OfferReason(string.Create(CultureInfo.InvariantCulture,
            $"bought {best}; customers who buy {best} often buy {item} (lift {bestLift:F1}, {bestConfidence * 100:F0}% of them)"), best, bestLift, bestConfidence);
    }

    /// <summary>
    /// The owned item of <see cref="For"/> and its lift, without the words (offer scoring asks for 2.6 million of these):
    /// the highest lift above 1 among pairs bought together often enough; between equal lifts, the first name in ordinal order.
    /// </summary>
    public static (string? BecauseOf, double Lift) StrongestLink(CoPurchaseStats stats, IEnumerable<string> owned, string item, int minimumPairCount = 2)
    {
        string? best = null;
        double bestLift = 1;
        foreach (var have in owned)
        {
            if (string.Equals(have, item, StringComparison.Ordinal) || stats.PairCount(have, item) < Math.Max(1, minimumPairCount)) continue;
            var lift = stats.Lift(have, item);
            if (lift > bestLift || lift == bestLift && best is not null && string.CompareOrdinal(have, best) < 0)
                (best, bestLift) = (have, lift);
        }
        return (best, bestLift);
    }
}
