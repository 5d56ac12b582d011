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
        string? best = null;
        double bestLift = 1, bestConfidence = 0;
        foreach (var have in owned.OrderBy(o => o, StringComparer.Ordinal))
        {
            if (string.Equals(have, item, StringComparison.Ordinal) || stats.PairCount(have, item) < Math.Max(1, minimumPairCount)) continue;
            var lift = stats.Lift(have, item);
            if (lift > bestLift)
            {
                best = have;
                bestLift = lift;
                bestConfidence = stats.Confidence(have, item);
            }
        }
        return best is null
            ? new OfferReason(PopularText, null, 0, 0)
            : new OfferReason(string.Create(CultureInfo.InvariantCulture,
                $"bought {best}; customers who buy {best} often buy {item} (lift {bestLift:F1}, {bestConfidence * 100:F0}% of them)"), best, bestLift, bestConfidence);
    }
}
