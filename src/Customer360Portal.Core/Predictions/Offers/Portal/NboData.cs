using System.Globalization;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Offers.Portal;

/// <summary>What training and scoring read from the store: histories, catalogue, engagement and feedback.</summary>
internal sealed record NboInputs(IReadOnlyList<PurchaseHistory> Histories, IReadOnlyDictionary<string, CatalogueProduct> Catalogue, OfferContext Context)
{
    public IReadOnlyDictionary<string, ItemInfo> Items => Context.Items;
}

internal static class NboData
{
    private static readonly InteractionChannel[] EngagementChannels = [InteractionChannel.Email, InteractionChannel.Web, InteractionChannel.App];

    public static async Task<NboInputs> LoadAsync(ProfileStore store, DateTime now, NboOptions options, CancellationToken cancellationToken)
    {
        // Purchases of active profiles only: restricted, merged-away and erased people are not learned from.
        var rows = store.PurchasedItems.AsNoTracking()
            .Where(i => store.Customers.Any(c => c.Id == i.CustomerId && c.Status == CustomerStatus.Active))
            .OrderBy(i => i.CustomerId).ThenBy(i => i.PurchasedAt).ThenBy(i => i.Id)
            .Select(i => new { i.CustomerId, i.Sku });
        var histories = new List<PurchaseHistory>();
        var items = new List<string>();
        long current = 0;
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (row.CustomerId != current && items.Count > 0)
            {
                histories.Add(new PurchaseHistory(Key(current), items));
                items = [];
            }
            current = row.CustomerId;
            items.Add(row.Sku);
        }
        if (items.Count > 0) histories.Add(new PurchaseHistory(Key(current), items));

        var catalogue = (await ProductCatalogue.ListAsync(store, cancellationToken)).ToDictionary(p => p.Sku, StringComparer.Ordinal);
        var since = now.AddDays(-options.EngagementDays);
        var engagement = await store.Interactions.AsNoTracking()
            .Where(i => i.OccurredAt >= since && EngagementChannels.Contains(i.Channel))
            .GroupBy(i => i.CustomerId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => Key(g.Key), g => g.Count, StringComparer.Ordinal, cancellationToken);
        var feedback = await store.OfferFeedback.AsNoTracking().Where(f => f.Item != null)
            .Where(f => store.Customers.Any(c => c.Id == f.CustomerId && c.Status == CustomerStatus.Active))
            .Select(f => new { f.CustomerId, f.Item, f.Outcome }).ToListAsync(cancellationToken);

        var context = new OfferContext
        {
            Items = catalogue.ToDictionary(p => p.Key, p => new ItemInfo(p.Value.Category, p.Value.TypicalPriceMinor), StringComparer.Ordinal),
            Engagement = engagement,
            Feedback = feedback.Select(f => new FeedbackExample(Key(f.CustomerId), f.Item!, f.Outcome == OfferOutcome.Accepted)).ToList(),
        };
        return new NboInputs(histories, catalogue, context);
    }

    public static string Key(long customerId) => customerId.ToString(CultureInfo.InvariantCulture);

    public static long Id(string key) => long.Parse(key, CultureInfo.InvariantCulture);
}
