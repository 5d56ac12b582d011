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
        var ordered = history.OrderBy(p => p.Timestamp).ToList();
        double DaysBefore(PurchaseEvent p) => (cutoff - p.Timestamp).TotalDays;
        int CountWithin(double from, double to) => ordered.Count(p => DaysBefore(p) > from && DaysBefore(p) <= to);
        double SpendWithin(double from, double to) => ordered.Where(p => DaysBefore(p) > from && DaysBefore(p) <= to).Sum(p => (double)p.Amount);

        var recency = DaysBefore(ordered[^1]);
        var tenure = DaysBefore(ordered[0]);
        var total = ordered.Sum(p => (double)p.Amount);
        var gaps = ordered.Zip(ordered.Skip(1), (a, b) => (b.Timestamp - a.Timestamp).TotalDays).ToList();
        var meanGap = gaps.Count > 0 ? gaps.Average() : double.NaN;
        var gapStd = gaps.Count > 0 ? Math.Sqrt(gaps.Sum(g => (g - meanGap) * (g - meanGap)) / gaps.Count) : double.NaN;
        var last90 = CountWithin(0, 90);
        var previous90 = CountWithin(90, 180);
        var spendLast90 = SpendWithin(0, 90);
        var spendPrevious90 = SpendWithin(90, 180);

        var values = new double[]
        {
            recency, CountWithin(0, 30), last90, previous90, CountWithin(0, 365), ordered.Count, total, total / ordered.Count,
            spendLast90, spendPrevious90, spendLast90 - spendPrevious90, last90 - previous90, tenure, meanGap, gapStd,
            gaps.Count > 0 ? recency / Math.Max(meanGap, 1) : double.NaN, (double)ordered[^1].Amount,
        };
        return values.Select(v => (float)v).ToArray();
    }
}
