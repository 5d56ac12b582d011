namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>How churn is decided for the label window (cut-off, cut-off + horizon].</summary>
public sealed record ChurnDefinition
{
    public required int HorizonDays { get; init; }

    /// <summary>When set, churn means an explicit cancellation in the window; otherwise it means no purchase in the window.</summary>
    public IReadOnlyList<CancellationEvent>? Cancellations { get; init; }

    public static ChurnDefinition ByInactivity(int horizonDays) => new() { HorizonDays = horizonDays };

    public static ChurnDefinition ByCancellation(IReadOnlyList<CancellationEvent> cancellations, int horizonDays) =>
        new() { HorizonDays = horizonDays, Cancellations = cancellations };
}

/// <summary>One customer at the cut-off: features (in <see cref="ChurnFeatureBuilder.FeatureNames"/> order) and the label.</summary>
public sealed record ChurnFeatureRow(string CustomerId, float[] Features, bool Churned);

/// <summary>
/// Builds churn features from a purchase log, time-correctly: features use only purchases strictly before the cut-off
/// instant; the label looks only at (cut-off, cut-off + horizon]. One row per customer with at least one purchase
/// before the cut-off. Pure and deterministic (rows sorted by customer id). Undefined values (gaps of a one-time buyer)
/// are NaN, which the model pipeline treats as missing.
/// </summary>
public static class ChurnFeatureBuilder
{
    public const string DaysSinceLastPurchase = "days_since_last_purchase";
    public const string PurchasesLast30Days = "purchases_last_30d";
    public const string PurchasesLast90Days = "purchases_last_90d";
    public const string PurchasesPrevious90Days = "purchases_prev_90d";
    public const string PurchasesLast365Days = "purchases_last_365d";
    public const string TotalPurchases = "total_purchases";
    public const string TotalSpend = "total_spend";
    public const string AverageSpend = "avg_spend";
    public const string SpendLast90Days = "spend_last_90d";
    public const string SpendPrevious90Days = "spend_prev_90d";
    public const string SpendTrend = "spend_trend_90d";
    public const string PurchaseTrend = "purchase_trend_90d";
    public const string TenureDays = "tenure_days";
    public const string MeanGapDays = "mean_gap_days";
    public const string GapStdDays = "gap_std_days";
    public const string RecencyToMeanGap = "recency_to_mean_gap";
    public const string LastPurchaseAmount = "last_purchase_amount";

    public static IReadOnlyList<string> FeatureNames { get; } =
    [
        DaysSinceLastPurchase, PurchasesLast30Days, PurchasesLast90Days, PurchasesPrevious90Days, PurchasesLast365Days,
        TotalPurchases, TotalSpend, AverageSpend, SpendLast90Days, SpendPrevious90Days, SpendTrend, PurchaseTrend,
        TenureDays, MeanGapDays, GapStdDays, RecencyToMeanGap, LastPurchaseAmount,
    ];

    public static IReadOnlyList<ChurnFeatureRow> Build(IEnumerable<PurchaseEvent> purchases, DateTime cutoff, ChurnDefinition definition)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(definition.HorizonDays);
        var horizonEnd = cutoff.AddDays(definition.HorizonDays);
        var before = new Dictionary<string, List<PurchaseEvent>>(StringComparer.Ordinal);
        var activeAfter = new HashSet<string>(StringComparer.Ordinal);
        foreach (var purchase in purchases)
        {
            if (purchase.Timestamp < cutoff)
            {
                if (!before.TryGetValue(purchase.CustomerId, out var list)) before[purchase.CustomerId] = list = [];
                list.Add(purchase);
            }
            else if (purchase.Timestamp <= horizonEnd)
            {
                activeAfter.Add(purchase.CustomerId);
            }
        }
        var cancelled = definition.Cancellations is { } cancellations
            ? cancellations.Where(c => c.Timestamp >= cutoff && c.Timestamp <= horizonEnd).Select(c => c.CustomerId).ToHashSet(StringComparer.Ordinal)
            : null;

        var rows = new List<ChurnFeatureRow>(before.Count);
        foreach (var (customer, history) in before.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var churned = cancelled is not null ? cancelled.Contains(customer) : !activeAfter.Contains(customer);
            rows.Add(new ChurnFeatureRow(customer, Features(history, cutoff), churned));
        }
        return rows;
    }

    /// <summary>The features of one customer's purchases before the cut-off (all of them must be before it).</summary>
    public static float[] Features(IReadOnlyList<PurchaseEvent> history, DateTime cutoff)
    {
        // Plain loops over the purchases in time order (scoring runs this for a million customers); sums go in the same
        // order as before, so the values are the same to the last bit.
        var ordered = InTimeOrder(history) ? history : history.OrderBy(p => p.Timestamp).ToList();
        double DaysBefore(PurchaseEvent p) => (cutoff - p.Timestamp).TotalDays;
        int within30 = 0, last90 = 0, previous90 = 0, within365 = 0;
        double total = 0, spendLast90 = 0, spendPrevious90 = 0, gapSum = 0;
        for (var i = 0; i < ordered.Count; i++)
        {
            var days = DaysBefore(ordered[i]);
            var amount = (double)ordered[i].Amount;
            total += amount;
            if (days > 0 && days <= 30) within30++;
            if (days > 0 && days <= 90) { last90++; spendLast90 += amount; }
            if (days > 90 && days <= 180) { previous90++; spendPrevious90 += amount; }
            if (days > 0 && days <= 365) within365++;
            if (i > 0) gapSum += (ordered[i].Timestamp - ordered[i - 1].Timestamp).TotalDays;
        }
        var gapCount = ordered.Count - 1;
        var meanGap = gapCount > 0 ? gapSum / gapCount : double.NaN;
        var squares = 0.0;
        for (var i = 1; i < ordered.Count; i++)
        {
            var gap = (ordered[i].Timestamp - ordered[i - 1].Timestamp).TotalDays;
            squares += (gap - meanGap) * (gap - meanGap);
        }
        var gapStd = gapCount > 0 ? Math.Sqrt(squares / gapCount) : double.NaN;
        var recency = DaysBefore(ordered[^1]);
        var tenure = DaysBefore(ordered[0]);

        var values = new double[]
        {
            recency, within30, last90, previous90, within365, ordered.Count, total, total / ordered.Count,
            spendLast90, spendPrevious90, spendLast90 - spendPrevious90, last90 - previous90, tenure, meanGap, gapStd,
            gapCount > 0 ? recency / Math.Max(meanGap, 1) : double.NaN, (double)ordered[^1].Amount,
        };
        var features = new float[values.Length];
        for (var i = 0; i < values.Length; i++) features[i] = (float)values[i];
        return features;
    }

    private static bool InTimeOrder(IReadOnlyList<PurchaseEvent> history)
    {
        for (var i = 1; i < history.Count; i++)
            if (history[i].Timestamp < history[i - 1].Timestamp) return false;
        return true;
    }
}
