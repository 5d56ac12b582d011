using System.Globalization;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>
/// The store's profiles as churn feature rows. Streams the interactions churn features read (orders, returns, tickets,
/// emails, web visits and the rule's own activity or cancellation types) of active profiles in (customer, time) order
/// through the (CustomerId, OccurredAt) index, reading only the columns needed, and hands one customer's history at a
/// time to <see cref="ChurnFeatureLayout.Row"/> for every requested cut-off: memory holds one customer's events plus
/// the rows, the email-consent changes and the layout's traits, so it works at a million profiles.
/// </summary>
internal static class ChurnPurchases
{
    public const string OrderPlaced = ChurnRule.OrderPlaced;

    /// <summary>How many customers have been read so far (reported every 1,000).</summary>
    public delegate void ReadProgress(long customers);

    public static async Task<List<ChurnFeatureRow>> FeatureRowsAsync(ProfileStore store, DateTime cutoff, ChurnRule rule,
        ChurnFeatureLayout layout, CancellationToken cancellationToken) =>
        (await FeatureRowsAsync(store, [cutoff], rule, layout, null, cancellationToken))[0];

    /// <summary>One list of rows per cut-off, read in one pass over the store.</summary>
    public static async Task<List<ChurnFeatureRow>[]> FeatureRowsAsync(ProfileStore store, IReadOnlyList<DateTime> cutoffs, ChurnRule rule,
        ChurnFeatureLayout layout, ReadProgress? progress, CancellationToken cancellationToken)
    {
        // Reading and building are interleaved here (one customer at a time): one span for both.
        using var span = PredictionsTelemetry.Source.StartActivity(PredictionsTelemetry.FeatureRead);
        // Traits and consent changes are read once, ordered by customer, into compact lists that are walked alongside
        // the interaction stream (also ordered by customer): no per-customer dictionary at a million profiles.
        var traitKeys = layout.TraitKeys.Append(rule.CancellationTraitKey).OfType<string>().Distinct().ToList();
        var traits = new ByCustomer<TraitValue>();
        if (traitKeys.Count > 0)
            await foreach (var t in store.Traits.AsNoTracking().Where(t => traitKeys.Contains(t.Key)).OrderBy(t => t.CustomerId)
                               .Select(t => new { t.CustomerId, t.Key, t.Value, t.UpdatedAt }).AsAsyncEnumerable().WithCancellation(cancellationToken))
                traits.Add(t.CustomerId, new TraitValue(t.Key, t.Value, Utc(t.UpdatedAt)));
        var consent = new ByCustomer<ConsentChange>();
        await foreach (var c in store.ConsentEvents.AsNoTracking().Where(e => e.Purpose == ConsentPurpose.EmailMarketing).OrderBy(e => e.CustomerId)
                           .Select(e => new { e.CustomerId, e.Status, e.EffectiveAt }).AsAsyncEnumerable().WithCancellation(cancellationToken))
            consent.Add(c.CustomerId, new ConsentChange(c.Status == ConsentStatus.Granted, Utc(c.EffectiveAt)));

        // The rule's own types (logins, cancellations) besides what the features read.
        var extraTypes = rule.ActivityTypes.Append(rule.CancellationEventType).OfType<string>().Distinct().ToList();
        var events = store.Interactions.AsNoTracking()
            .Where(i => (i.Type.StartsWith("order.") || i.Type.StartsWith("ticket.") || i.Type.StartsWith("email.") ||
                         i.Type.StartsWith("page.") || i.Type.StartsWith("screen.") || i.Type.StartsWith("track:") || extraTypes.Contains(i.Type)) &&
                        store.Customers.Any(c => c.Id == i.CustomerId && c.Status == CustomerStatus.Active))
            .OrderBy(i => i.CustomerId).ThenBy(i => i.OccurredAt)
            .Select(i => new
            {
                i.CustomerId, i.Type, i.OccurredAt, i.AmountMinor,
                // Only tickets need their reference (to follow one ticket's state) and their rating.
                Reference = i.Type.StartsWith("ticket.") ? i.Reference : null,
                DetailJson = i.Type.StartsWith("ticket.") ? i.DetailJson : null,
            });

        var rows = cutoffs.Select(_ => new List<ChurnFeatureRow>()).ToArray();
        CustomerHistory? history = null;
        var currentId = 0L;
        long customers = 0;
        void Flush()
        {
            if (history is null) return;
            traits.CopyTo(currentId, history.Traits);
            consent.CopyTo(currentId, history.EmailConsent);
            for (var c = 0; c < cutoffs.Count; c++)
                if (layout.Row(history, cutoffs[c], rule) is { } row) rows[c].Add(row);
            history = null;
            if (++customers % 1000 == 0) progress?.Invoke(customers);
        }
        await foreach (var e in events.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (history is null || e.CustomerId != currentId)
            {
                Flush();
                currentId = e.CustomerId;
                history = new CustomerHistory(CustomerKey(e.CustomerId));
            }
            var satisfaction = e.DetailJson is null ? null : InteractionDetails.Read(e.DetailJson).Satisfaction;
            history.Events.Add(new ActivityEvent(e.Type, Utc(e.OccurredAt), (e.AmountMinor ?? 0) / 100m, satisfaction, e.Reference));
        }
        Flush();
        progress?.Invoke(customers);
        return rows;
    }

    /// <summary>The configured traits' values (set before the cut-off) with their counts, for <see cref="ChurnFeatureLayout.TraitColumns"/>.</summary>
    public static async Task<Dictionary<string, IReadOnlyList<(string Value, int Count)>>> TraitValuesAsync(ProfileStore store,
        IReadOnlyList<string> keys, DateTime cutoff, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, IReadOnlyList<(string Value, int Count)>>(StringComparer.Ordinal);
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            var counts = await store.Traits.AsNoTracking().Where(t => t.Key == key && t.UpdatedAt < cutoff)
                .GroupBy(t => t.Value).Select(g => new { g.Key, Count = g.Count() })
                .OrderByDescending(g => g.Count).Take(200).ToListAsync(cancellationToken);
            result[key] = counts.Select(c => (c.Key, c.Count)).ToList();
        }
        return result;
    }

    /// <summary>Values added in customer order, handed out to customers asked for in increasing order.</summary>
    private sealed class ByCustomer<T>
    {
        private readonly List<long> ids = [];
        private readonly List<T> values = [];
        private int next;

        public void Add(long customerId, T value)
        {
            ids.Add(customerId);
            values.Add(value);
        }

        public void CopyTo(long customerId, List<T> target)
        {
            while (next < ids.Count && ids[next] < customerId) next++;
            while (next < ids.Count && ids[next] == customerId) target.Add(values[next++]);
        }
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    public static string CustomerKey(long customerId) => customerId.ToString(CultureInfo.InvariantCulture);

    public static long CustomerId(string key) => long.Parse(key, CultureInfo.InvariantCulture);
}
