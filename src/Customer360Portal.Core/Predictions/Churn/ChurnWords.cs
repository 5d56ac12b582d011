using System.Globalization;

namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>Plain words for a churn factor: "no purchase for 140 days, usually every 30 days raises the risk".</summary>
public static class ChurnWords
{
    /// <summary>
    /// Features that say the same thing to a reader share one factor, worded by the first feature of the group: the
    /// blended model's linear part gives correlated features opposite weights ("buys every 30 days" raising the risk
    /// and "no purchase for 40 days, usually every 30" lowering it), which only make sense summed.
    /// </summary>
    public static string? GroupOf(string feature) => feature switch
    {
        ChurnFeatureBuilder.DaysSinceLastPurchase or ChurnFeatureBuilder.RecencyToMeanGap or ChurnFeatureBuilder.MeanGapDays
            or ChurnFeatureBuilder.GapStdDays => ChurnFeatureBuilder.DaysSinceLastPurchase,
        ChurnFeatureBuilder.SpendLast90Days or ChurnFeatureBuilder.SpendPrevious90Days or ChurnFeatureBuilder.SpendTrend => ChurnFeatureBuilder.SpendTrend,
        ChurnFeatureBuilder.PurchasesLast90Days or ChurnFeatureBuilder.PurchasesPrevious90Days or ChurnFeatureBuilder.PurchaseTrend => ChurnFeatureBuilder.PurchaseTrend,
        _ => null,
    };

    public static string Generic(string column, string value, bool raises) => $"{column} = {value} {Effect(raises)}";

    /// <summary>Words for a feature of <see cref="ChurnFeatureBuilder"/>; other columns get "column = value raises/lowers the risk".</summary>
    public static string Describe(string feature, float value, Func<string, float> other, bool raises)
    {
        var ci = CultureInfo.InvariantCulture;
        string Days(float days) => Plural((int)Math.Round(days), "day");
        string Money(float amount) => amount.ToString("0.00", ci);
        string Recency()
        {
            var recency = other(ChurnFeatureBuilder.DaysSinceLastPurchase);
            var gap = other(ChurnFeatureBuilder.MeanGapDays);
            if (float.IsNaN(recency)) return $"{feature} = {value.ToString("0.##", ci)}";
            if (float.IsNaN(gap)) return $"no purchase for {Days(recency)}, only one purchase so far";
            return gap < 1 ? $"no purchase for {Days(recency)}, earlier purchases all on the same day" : $"no purchase for {Days(recency)}, usually every {Days(gap)}";
        }
        if (float.IsNaN(value) && feature != ChurnFeatureBuilder.RecencyToMeanGap)
            return ChurnFeatureBuilder.FeatureNames.Contains(feature) ? $"{feature} unknown {Effect(raises)}" : Generic(feature, "(blank)", raises);
        var text = feature switch
        {
            ChurnFeatureBuilder.DaysSinceLastPurchase or ChurnFeatureBuilder.RecencyToMeanGap => Recency(),
            ChurnFeatureBuilder.PurchasesLast30Days => $"{Plural((int)value, "purchase")} in the last 30 days",
            ChurnFeatureBuilder.PurchasesLast90Days => $"{Plural((int)value, "purchase")} in the last 90 days",
            ChurnFeatureBuilder.PurchasesPrevious90Days => $"{Plural((int)value, "purchase")} in the 90 days before those",
            ChurnFeatureBuilder.PurchasesLast365Days => $"{Plural((int)value, "purchase")} in the last year",
            ChurnFeatureBuilder.TotalPurchases => $"{Plural((int)value, "purchase")} in total",
            ChurnFeatureBuilder.TotalSpend => $"spent {Money(value)} in total",
            ChurnFeatureBuilder.AverageSpend => $"spends {Money(value)} per purchase on average",
            ChurnFeatureBuilder.SpendLast90Days or ChurnFeatureBuilder.SpendPrevious90Days or ChurnFeatureBuilder.SpendTrend =>
                $"spent {Money(other(ChurnFeatureBuilder.SpendLast90Days))} in the last 90 days against {Money(other(ChurnFeatureBuilder.SpendPrevious90Days))} in the 90 days before",
            ChurnFeatureBuilder.PurchaseTrend =>
                $"{Plural((int)other(ChurnFeatureBuilder.PurchasesLast90Days), "purchase")} in the last 90 days against {(int)other(ChurnFeatureBuilder.PurchasesPrevious90Days)} in the 90 days before",
            ChurnFeatureBuilder.TenureDays => $"customer for {Days(value)}",
            ChurnFeatureBuilder.MeanGapDays => $"buys about every {Days(value)}",
            ChurnFeatureBuilder.GapStdDays => $"time between purchases varies by about {Days(value)}",
            ChurnFeatureBuilder.LastPurchaseAmount => $"last purchase was {Money(value)}",
            _ => $"{feature} = {value.ToString("0.##", ci)}",
        };
        return $"{text} {Effect(raises)}";
    }

    private static string Effect(bool raises) => raises ? "raises the risk" : "lowers the risk";

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
