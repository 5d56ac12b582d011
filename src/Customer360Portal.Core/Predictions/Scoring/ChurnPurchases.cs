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
        var traitKeys = layout.TraitKeys.Append(rule.CancellationTraitKey).OfType<string>().Distinct().ToList();
        var traits = new Dictionary<long, List<TraitValue>>();
        if (traitKeys.Count > 0)
            await foreach (var t in store.Traits.AsNoTracking().Where(t => traitKeys.Contains(t.Key))
                               .Select(t => new { t.CustomerId, t.Key, t.Value, t.UpdatedAt }).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                if (!traits.TryGetValue(t.CustomerId, out var list)) traits[t.CustomerId] = list = [];
                list.Add(new TraitValue(t.Key, t.Value, Utc(t.UpdatedAt)));
            }
        var consent = new Dictionary<long, List<ConsentChange>>();
        await foreach (var c in store.ConsentEvents.AsNoTracking().Where(e => e.Purpose == ConsentPurpose.EmailMarketing)
                           .Select(e => new { e.CustomerId, e.Status, e.EffectiveAt }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (!consent.TryGetValue(c.CustomerId, out var list)) consent[c.CustomerId] = list = [];
            list.Add(new ConsentChange(c.Status == ConsentStatus.Granted, Utc(c.EffectiveAt)));
        }

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
            if (traits.TryGetValue(currentId, out var customerTraits)) history.Traits.AddRange(customerTraits);
            if (consent.TryGetValue(currentId, out var changes)) history.EmailConsent.AddRange(changes);
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

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    public static string CustomerKey(long customerId) => customerId.ToString(CultureInfo.InvariantCulture);

    public static long CustomerId(string key) => long.Parse(key, CultureInfo.InvariantCulture);
}
