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
        if (ProfileWords(feature, value, other) is { } profile) return $"{profile} {Effect(raises)}";
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

    /// <summary>Words for the profile and trait columns of <see cref="ChurnFeatureLayout"/>; null for other columns.</summary>
    private static string? ProfileWords(string feature, float value, Func<string, float> other)
    {
        var ci = CultureInfo.InvariantCulture;
        var known = !float.IsNaN(value);
        var count = known ? (int)Math.Round(value) : 0;
        string Days(string what, string never) => known ? $"last {what} {Plural(count, "day")} ago" : never;
        if (feature.StartsWith(ChurnFeatureLayout.TraitPrefix, StringComparison.Ordinal))
        {
            var trait = feature[ChurnFeatureLayout.TraitPrefix.Length..];
            var equals = trait.IndexOf('=');
            if (!known) return $"{(equals < 0 ? trait : trait[..equals])} not known";
            return equals < 0 ? $"{trait} is {value.ToString("0.##", ci)}"
                : value >= 0.5 ? $"{trait[..equals]} is {trait[(equals + 1)..]}" : $"{trait[..equals]} is not {trait[(equals + 1)..]}";
        }
        return feature switch
        {
            ChurnFeatureLayout.ReturnsTotal => $"{Plural(count, "return")} in total",
            ChurnFeatureLayout.ReturnsLast90Days => $"{Plural(count, "return")} in the last 90 days",
            ChurnFeatureLayout.ReturnRate => $"returns {value.ToString("P0", ci)} of orders",
            ChurnFeatureLayout.TicketsTotal => $"{Plural(count, "support ticket")} in total",
            ChurnFeatureLayout.TicketsLast90Days => $"{Plural(count, "support ticket")} in the last 90 days",
            ChurnFeatureLayout.TicketsUnresolved => count == 0 ? "no unresolved support ticket" : $"{Plural(count, "unresolved support ticket")}",
            ChurnFeatureLayout.SatisfactionAverage => known ? $"rates support {value.ToString("0.#", ci)} of 5 on average" : "never rated support",
            ChurnFeatureLayout.LowSatisfactionTickets => $"{Plural(count, "poorly rated ticket")}",
            ChurnFeatureLayout.EmailsOpenedLast90Days => $"opened {Plural(count, "email")} in the last 90 days",
            ChurnFeatureLayout.EmailsClickedLast90Days => $"clicked {Plural(count, "email")} in the last 90 days",
            ChurnFeatureLayout.EmailOpenRate180Days => known ? $"opens {value.ToString("P0", ci)} of emails" : "no emails sent in the last 180 days",
            ChurnFeatureLayout.DaysSinceEmailEngagement => Days("opened an email", "never opened an email"),
            ChurnFeatureLayout.WebVisitsLast30Days => $"{Plural(count, "web visit")} in the last 30 days",
            ChurnFeatureLayout.WebVisitsLast90Days or ChurnFeatureLayout.WebVisitsPrevious90Days or ChurnFeatureLayout.WebTrend =>
                $"{Plural((int)other(ChurnFeatureLayout.WebVisitsLast90Days), "web visit")} in the last 90 days against {(int)other(ChurnFeatureLayout.WebVisitsPrevious90Days)} in the 90 days before",
            ChurnFeatureLayout.DaysSinceWebVisit => Days("visited the website or app", "never visited the website or app"),
            ChurnFeatureLayout.EmailMarketingConsent => !known ? "no email-marketing consent on record"
                : value >= 0.5 ? "agreed to marketing emails" : "declined marketing emails",
            ChurnFeatureLayout.ConsentWithdrawalsLastYear => $"withdrew email consent {Plural(count, "time")} in the last year",
            _ => null,
        };
    }

    private static string Effect(bool raises) => raises ? "raises the risk" : "lowers the risk";

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
