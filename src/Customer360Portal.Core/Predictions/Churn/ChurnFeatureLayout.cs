using System.Globalization;

namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>
/// The portal's churn features over a customer's whole profile: the purchase features of
/// <see cref="ChurnFeatureBuilder"/> plus returns, support tickets, email engagement, web activity, email-marketing
/// consent and selected custom traits. A layout is a list of column names, stored with each model version, so a model
/// is always scored with the columns it was trained on (older versions included).
/// Time-correct: a feature at cut-off T reads only events, consent changes and trait values from strictly before T.
/// Trait columns are "trait:key" (the value as a number) or "trait:key=value" (1 when the trait has that value, else 0);
/// a trait set at or after the cut-off is unknown then (the store keeps only the current value).
/// </summary>
public sealed class ChurnFeatureLayout
{
    public const string ReturnsTotal = "returns_total";
    public const string ReturnsLast90Days = "returns_last_90d";
    public const string ReturnRate = "return_rate";
    public const string TicketsTotal = "tickets_total";
    public const string TicketsLast90Days = "tickets_last_90d";
    public const string TicketsUnresolved = "tickets_unresolved";
    public const string SatisfactionAverage = "satisfaction_avg";
    public const string LowSatisfactionTickets = "low_satisfaction_tickets";
    public const string EmailsOpenedLast90Days = "emails_opened_last_90d";
    public const string EmailsClickedLast90Days = "emails_clicked_last_90d";
    public const string EmailOpenRate180Days = "email_open_rate_180d";
    public const string DaysSinceEmailEngagement = "days_since_email_engagement";
    public const string WebVisitsLast30Days = "web_visits_last_30d";
    public const string WebVisitsLast90Days = "web_visits_last_90d";
    public const string WebVisitsPrevious90Days = "web_visits_prev_90d";
    public const string WebTrend = "web_trend_90d";
    public const string DaysSinceWebVisit = "days_since_web_visit";
    public const string EmailMarketingConsent = "email_marketing_consent";
    public const string ConsentWithdrawalsLastYear = "consent_withdrawals_last_365d";
    public const string TraitPrefix = "trait:";

    /// <summary>Profile features beyond purchases, in order.</summary>
    public static IReadOnlyList<string> ProfileFeatureNames { get; } =
    [
        ReturnsTotal, ReturnsLast90Days, ReturnRate, TicketsTotal, TicketsLast90Days, TicketsUnresolved, SatisfactionAverage,
        LowSatisfactionTickets, EmailsOpenedLast90Days, EmailsClickedLast90Days, EmailOpenRate180Days, DaysSinceEmailEngagement,
        WebVisitsLast30Days, WebVisitsLast90Days, WebVisitsPrevious90Days, WebTrend, DaysSinceWebVisit, EmailMarketingConsent,
        ConsentWithdrawalsLastYear,
    ];

    /// <summary>Purchase features then profile features: the columns of a layout without traits.</summary>
    public static IReadOnlyList<string> StandardColumns { get; } = [.. ChurnFeatureBuilder.FeatureNames, .. ProfileFeatureNames];

    public const string OrderReturned = "order.returned";
    private static readonly string[] TicketClosedTypes = ["ticket.solved", "ticket.closed", "ticket.resolved"];

    private readonly (int Standard, string? TraitKey, string? TraitValue)[] sources;

    public ChurnFeatureLayout(IReadOnlyList<string> columns)
    {
        Columns = columns;
        sources = columns.Select(Source).ToArray();
        TraitKeys = sources.Where(s => s.TraitKey is not null).Select(s => s.TraitKey!).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The standard columns plus the given trait columns.</summary>
    public static ChurnFeatureLayout WithTraits(IEnumerable<string> traitColumns) => new([.. StandardColumns, .. traitColumns]);

    public IReadOnlyList<string> Columns { get; }

    /// <summary>The trait keys this layout reads.</summary>
    public IReadOnlyList<string> TraitKeys { get; }

    public static string NumericTraitColumn(string key) => TraitPrefix + key;

    public static string TraitValueColumn(string key, string value) => $"{TraitPrefix}{key}={value}";

    /// <summary>
    /// The customer's row at the cut-off, or null when they are not in the population then: no purchase before the
    /// cut-off, or (churn by cancellation) already cancelled before it. The label looks only at (cut-off, cut-off + horizon].
    /// </summary>
    public ChurnFeatureRow? Row(CustomerHistory history, DateTime cutoff, ChurnRule rule)
    {
        var purchases = new List<PurchaseEvent>();
        foreach (var e in history.Events)
            if (e.At < cutoff && e.Type == ChurnRule.OrderPlaced) purchases.Add(new PurchaseEvent(history.CustomerId, e.At, e.Amount));
        if (purchases.Count == 0) return null;

        var horizonEnd = cutoff.AddDays(rule.HorizonDays);
        bool churned;
        if (rule.ByCancellation)
        {
            bool IsCancelEvent(ActivityEvent e) => rule.CancellationEventType is not null && e.Type == rule.CancellationEventType;
            var cancelledTimes = history.Events.Where(IsCancelEvent).Select(e => e.At)
                .Concat(history.Traits.Where(rule.IsCancellationTrait).Select(t => t.UpdatedAt)).ToList();
            if (cancelledTimes.Any(t => t < cutoff)) return null;
            churned = cancelledTimes.Any(t => t <= horizonEnd);
        }
        else
        {
            churned = !history.Events.Any(e => e.At >= cutoff && e.At <= horizonEnd && rule.ActivityTypes.Contains(e.Type));
        }
        return new ChurnFeatureRow(history.CustomerId, Features(history, purchases, cutoff), churned);
    }

    /// <summary>The feature values at the cut-off, in <see cref="Columns"/> order (NaN = unknown).</summary>
    private float[] Features(CustomerHistory history, List<PurchaseEvent> purchases, DateTime cutoff)
    {
        var purchaseValues = purchases.Count > 0
            ? ChurnFeatureBuilder.Features(purchases, cutoff)
            : Enumerable.Repeat(float.NaN, ChurnFeatureBuilder.FeatureNames.Count).ToArray();
        var profileValues = ProfileFeatures(history, purchases.Count, cutoff);
        var values = new float[sources.Length];
        for (var i = 0; i < sources.Length; i++)
        {
            var (standard, key, value) = sources[i];
            values[i] = key is not null ? TraitFeature(history, key, value, cutoff)
                : standard < purchaseValues.Length ? purchaseValues[standard] : profileValues[standard - purchaseValues.Length];
        }
        return values;
    }

    private static float[] ProfileFeatures(CustomerHistory history, int orders, DateTime cutoff)
    {
        int returnsTotal = 0, returns90 = 0, opened90 = 0, clicked90 = 0, sent180 = 0, opened180 = 0;
        int web30 = 0, web90 = 0, webPrevious90 = 0;
        double? lastEngagement = null, lastWeb = null;
        // Per ticket (reference, or the row itself without one): its latest state before the cut-off and last rating.
        var tickets = new Dictionary<string, (DateTime Last, bool Closed, int? Rating)>(StringComparer.Ordinal);
        var unreferenced = 0;
        foreach (var e in history.Events)
        {
            if (e.At >= cutoff) continue;
            var days = (cutoff - e.At).TotalDays;
            switch (e.Type)
            {
                case OrderReturned:
                    returnsTotal++;
                    if (days <= 90) returns90++;
                    break;
                case "email.sent":
                    if (days <= 180) sent180++;
                    break;
                case "email.opened" or "email.clicked":
                    if (e.Type == "email.opened" && days <= 180) opened180++;
                    if (days <= 90) { if (e.Type == "email.opened") opened90++; else clicked90++; }
                    lastEngagement = Math.Min(lastEngagement ?? double.MaxValue, days);
                    break;
                case var t when t.StartsWith("ticket.", StringComparison.Ordinal):
                    var key = e.Reference ?? $"#row{unreferenced++}";
                    var known = tickets.TryGetValue(key, out var ticket);
                    var newer = !known || e.At >= ticket.Last;
                    tickets[key] = (newer ? e.At : ticket.Last, newer ? TicketClosedTypes.Contains(t) : ticket.Closed,
                        e.Satisfaction is not null && (newer || ticket.Rating is null) ? e.Satisfaction : ticket.Rating);
                    break;
                case var t when IsWebVisit(t):
                    if (days <= 30) web30++;
                    if (days <= 90) web90++;
                    else if (days <= 180) webPrevious90++;
                    lastWeb = Math.Min(lastWeb ?? double.MaxValue, days);
                    break;
            }
        }
        var ratings = tickets.Values.Where(t => t.Rating is not null).Select(t => t.Rating!.Value).ToList();

        var consentBefore = history.EmailConsent.Where(c => c.EffectiveAt < cutoff).OrderBy(c => c.EffectiveAt).ToList();
        var withdrawals = consentBefore.Count(c => !c.Granted && (cutoff - c.EffectiveAt).TotalDays <= 365);

        double[] values =
        [
            returnsTotal, returns90, (double)returnsTotal / Math.Max(1, orders),
            tickets.Count, tickets.Values.Count(t => (cutoff - t.Last).TotalDays <= 90), tickets.Values.Count(t => !t.Closed),
            ratings.Count > 0 ? ratings.Average() : double.NaN, ratings.Count(r => r <= 2),
            opened90, clicked90, sent180 > 0 ? Math.Min(1.0, (double)opened180 / sent180) : double.NaN, lastEngagement ?? double.NaN,
            web30, web90, webPrevious90, web90 - webPrevious90, lastWeb ?? double.NaN,
            consentBefore.Count > 0 ? (consentBefore[^1].Granted ? 1 : 0) : double.NaN, withdrawals,
        ];
        return values.Select(v => (float)v).ToArray();
    }

    /// <summary>Page and screen views and tracked events ("track:...").</summary>
    public static bool IsWebVisit(string type) =>
        type.StartsWith("page.", StringComparison.Ordinal) || type.StartsWith("screen.", StringComparison.Ordinal) ||
        type.StartsWith("track:", StringComparison.Ordinal);

    private static float TraitFeature(CustomerHistory history, string key, string? value, DateTime cutoff)
    {
        var trait = history.Traits.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.Ordinal));
        if (trait is null || trait.UpdatedAt >= cutoff) return float.NaN;
        if (value is not null) return string.Equals(trait.Value.Trim(), value, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        return float.TryParse(trait.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : float.NaN;
    }

    private static (int Standard, string? TraitKey, string? TraitValue) Source(string column)
    {
        if (column.StartsWith(TraitPrefix, StringComparison.Ordinal))
        {
            var rest = column[TraitPrefix.Length..];
            var equals = rest.IndexOf('=');
            return equals < 0 ? (-1, rest, null) : (-1, rest[..equals], rest[(equals + 1)..]);
        }
        var index = StandardColumns.ToList().IndexOf(column);
        if (index < 0) throw new InvalidDataException($"Unknown churn feature column \"{column}\".");
        return (index, null, null);
    }

    /// <summary>
    /// Trait columns for the configured keys from the values seen before the cut-off: a key whose values are mostly
    /// numbers (90%) becomes one numeric column; otherwise each of its <paramref name="topValues"/> most common values
    /// becomes a 0/1 column. Keys without values give no column.
    /// </summary>
    public static IReadOnlyList<string> TraitColumns(IReadOnlyDictionary<string, IReadOnlyList<(string Value, int Count)>> valuesByKey,
        int topValues = 5)
    {
        var columns = new List<string>();
        foreach (var (key, values) in valuesByKey.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var total = values.Sum(v => v.Count);
            if (total == 0) continue;
            var numeric = values.Where(v => double.TryParse(v.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)).Sum(v => v.Count);
            if (numeric >= 0.9 * total) columns.Add(NumericTraitColumn(key));
            else
                columns.AddRange(values
                    .GroupBy(v => v.Value.Trim().ToLowerInvariant()).Select(g => (Value: g.Key, Count: g.Sum(v => v.Count)))
                    .Where(v => v.Value.Length > 0)
                    .OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal).Take(topValues)
                    .Select(v => TraitValueColumn(key, v.Value)));
        }
        return columns;
    }
}
