using System.Globalization;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>
/// The store's purchases ("order.placed" interactions of active profiles) as churn feature rows. Streams the orders
/// in (customer, time) order through the (CustomerId, OccurredAt) index, reading only customer, time and amount, and
/// hands one customer's purchases at a time to <see cref="ChurnFeatureBuilder.Build"/>: memory holds one customer's
/// orders plus one feature row per customer, so it works at a million profiles.
/// </summary>
internal static class ChurnPurchases
{
    public const string OrderPlaced = "order.placed";

    public static async Task<List<ChurnFeatureRow>> FeatureRowsAsync(ProfileStore store, DateTime cutoff, int horizonDays,
        CancellationToken cancellationToken)
    {
        var definition = ChurnDefinition.ByInactivity(horizonDays);
        var orders = store.Interactions.AsNoTracking()
            .Where(i => i.Type == OrderPlaced && store.Customers.Any(c => c.Id == i.CustomerId && c.Status == CustomerStatus.Active))
            .OrderBy(i => i.CustomerId).ThenBy(i => i.OccurredAt)
            .Select(i => new { i.CustomerId, i.OccurredAt, i.AmountMinor });

        var rows = new List<ChurnFeatureRow>();
        var history = new List<PurchaseEvent>();
        var currentId = 0L;
        var currentKey = "";
        void Flush()
        {
            if (history.Count == 0) return;
            rows.AddRange(ChurnFeatureBuilder.Build(history, cutoff, definition));
            history.Clear();
        }
        await foreach (var order in orders.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (order.CustomerId != currentId || currentKey.Length == 0)
            {
                Flush();
                currentId = order.CustomerId;
                currentKey = CustomerKey(order.CustomerId);
            }
            history.Add(new PurchaseEvent(currentKey, DateTime.SpecifyKind(order.OccurredAt, DateTimeKind.Utc), (order.AmountMinor ?? 0) / 100m));
        }
        Flush();
        return rows;
    }

    public static string CustomerKey(long customerId) => customerId.ToString(CultureInfo.InvariantCulture);

    public static long CustomerId(string key) => long.Parse(key, CultureInfo.InvariantCulture);
}
