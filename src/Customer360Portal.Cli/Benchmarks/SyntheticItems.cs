using System.Globalization;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Customer360Portal.Cli.Benchmarks;

/// <summary>What <see cref="SyntheticItems"/> added to a purchase store.</summary>
internal sealed record ItemStoreReport(long Orders, long Lines, int Customers, int Products, int Offers, int EmailGranted);

/// <summary>
/// What next best offer reads, added to a <see cref="SyntheticPurchases"/> store for <c>c360 bench predict</c>: the
/// lines of every placed order (<see cref="PurchasedItem"/>: sku, name, category, price), the customers' facts offers
/// look at (country, lifecycle stage, orders, lifetime value), email-marketing consent for about 40%, and a handful of
/// offers (product offers and category campaigns, some with eligibility rules or that consent; one expired, one
/// switched off). A catalogue of <see cref="Categories"/> × <see cref="ProductsPerCategory"/> products; each customer
/// has a favourite and a second category and favours a category's first products, so co-purchases carry a signal.
/// Added only when the store has no purchased items yet, so stores built before the offer bench are completed in place.
/// </summary>
internal static class SyntheticItems
{
    public const int Categories = 12;
    public const int ProductsPerCategory = 10;
    private const int LinesPerTransaction = 200_000;
    private static readonly string[] CategoryNames =
        ["Kitchen", "Garden", "Bath", "Lighting", "Storage", "Textiles", "Tools", "Pets", "Outdoor", "Office", "Kids", "Decor"];
    private static readonly string[] Countries = ["GB", "GB", "GB", "DE", "DE", "FR", "NL", "US"];
    private static readonly LifecycleStage[] Stages = [LifecycleStage.Purchase, LifecycleStage.Onboarding, LifecycleStage.Retention, LifecycleStage.Retention,
        LifecycleStage.Advocacy, LifecycleStage.AtRisk, LifecycleStage.Lapsed];

    public static string Sku(int category, int product) => string.Create(CultureInfo.InvariantCulture, $"SKU-{category:00}-{product:00}");

    /// <summary>Null when the store already has purchased items (nothing to add).</summary>
    public static async Task<ItemStoreReport?> EnsureAsync(IDbContextFactory<ProfileStore> stores, int seed, DateTime now, CancellationToken cancellationToken)
    {
        await using (var check = await stores.CreateDbContextAsync(cancellationToken))
            if (await check.PurchasedItems.AnyAsync(cancellationToken)) return null;

        var rng = new Random(seed ^ 0x17e5);
        var facts = new Dictionary<long, (int Orders, long Value)>();
        long orders = 0, lines = 0;
        var batch = new List<PurchasedItem>(LinesPerTransaction + 3);
        await using var reader = await stores.CreateDbContextAsync(cancellationToken);
        await using var writer = await stores.CreateDbContextAsync(cancellationToken);
        await writer.Database.OpenConnectionAsync(cancellationToken);
        var placed = reader.Interactions.AsNoTracking().Where(i => i.Type == "order.placed")
            .Select(i => new { i.CustomerId, i.OccurredAt, i.Reference, i.AmountMinor });
        await foreach (var order in placed.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            orders++;
            var (favourite, second) = TasteOf(order.CustomerId, seed);
            var count = rng.NextDouble() switch { < 0.6 => 1, < 0.9 => 2, _ => 3 };
            long value = 0;
            for (var l = 0; l < count; l++)
            {
                var pick = rng.NextDouble();
                var category = pick < 0.6 ? favourite : pick < 0.85 ? second : rng.Next(Categories);
                // Skewed within a category: the first products sell most.
                var product = Math.Min(ProductsPerCategory - 1, (int)(ProductsPerCategory * Math.Pow(rng.NextDouble(), 2)));
                var price = (long)(PriceOf(category, product) * (0.9 + 0.2 * rng.NextDouble()));
                var quantity = rng.NextDouble() < 0.8 ? 1 : 2;
                value += price * quantity;
                batch.Add(new PurchasedItem
                {
                    CustomerId = order.CustomerId, Sku = Sku(category, product), Name = $"{CategoryNames[category]} product {product + 1}",
                    Category = CategoryNames[category], Quantity = quantity, UnitPriceMinor = price, Currency = "EUR", PurchasedAt = order.OccurredAt,
                    OrderReference = order.Reference,
                });
            }
            lines += count;
            var seen = facts.GetValueOrDefault(order.CustomerId);
            facts[order.CustomerId] = (seen.Orders + 1, seen.Value + value);
            if (batch.Count >= LinesPerTransaction)
            {
                await WriteAsync(writer, batch, cancellationToken);
                batch.Clear();
            }
        }
        await WriteAsync(writer, batch, cancellationToken);

        // The facts eligibility rules read, and a second consent some offers need.
        var emailGranted = 0;
        await using (var transaction = await writer.Database.BeginTransactionAsync(cancellationToken))
        {
            var dbTransaction = transaction.GetDbTransaction();
            var (entity, table, quote) = BulkRows<Customer>.Describe(writer);
            string Column(string property) => quote(entity.FindProperty(property)!.GetColumnName());
            await using var update = BulkRows<Customer>.Prepared(writer, dbTransaction,
                $"UPDATE {table} SET {Column(nameof(Customer.Country))} = @p0, {Column(nameof(Customer.LifecycleStage))} = @p1, "
                + $"{Column(nameof(Customer.OrderCount))} = @p2, {Column(nameof(Customer.LifetimeValueMinor))} = @p3 WHERE {Column(nameof(Customer.Id))} = @p4", 5);
            var consents = new List<ConsentState>();
            foreach (var (id, (count, value)) in facts.OrderBy(f => f.Key))
            {
                update.Parameters[0].Value = Countries[rng.Next(Countries.Length)];
                update.Parameters[1].Value = Stages[rng.Next(Stages.Length)].ToString();
                update.Parameters[2].Value = count;
                update.Parameters[3].Value = value;
                update.Parameters[4].Value = id;
                update.ExecuteNonQuery();
                if (rng.NextDouble() < 0.4)
                    consents.Add(new ConsentState
                    {
                        CustomerId = id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Granted, LawfulBasis = LawfulBasis.Consent,
                        UpdatedAt = now.AddDays(-30), LastEventId = id,
                    });
            }
            await using (var bulk = BulkRows<ConsentState>.InsertMany(writer, dbTransaction))
                foreach (var row in consents) bulk.Write(row);
            emailGranted = consents.Count;
            await transaction.CommitAsync(cancellationToken);
        }

        var offers = Offers(now);
        writer.Offers.AddRange(offers);
        await writer.SaveChangesAsync(cancellationToken);
        return new ItemStoreReport(orders, lines, facts.Count, Categories * ProductsPerCategory, offers.Count, emailGranted);
    }

    /// <summary>
    /// Four product offers and three campaigns that count, plus an expired campaign and a switched-off one that scoring
    /// must leave out. Rules: minimum orders, countries, lifecycle stages, minimum lifetime value, email consent.
    /// </summary>
    public static List<MarketingOffer> Offers(DateTime now)
    {
        MarketingOffer Offer(string code, OfferKind kind, int category, int product = -1) => new()
        {
            Code = code, Title = code, Kind = kind, Sku = kind == OfferKind.Product ? Sku(category, product) : null,
            Category = kind == OfferKind.Campaign ? CategoryNames[category] : null, Active = true, CreatedAt = now, UpdatedAt = now,
        };
        var offers = new List<MarketingOffer>
        {
            Offer("kitchen-best-seller", OfferKind.Product, 0, 0),
            Offer("garden-upgrade", OfferKind.Product, 1, 4),
            Offer("lighting-loyal", OfferKind.Product, 3, 2),
            Offer("textiles-by-email", OfferKind.Product, 5, 1),
            Offer("tools-week", OfferKind.Campaign, 6),
            Offer("pets-retention", OfferKind.Campaign, 7),
            Offer("decor-premium", OfferKind.Campaign, 11),
            Offer("office-last-year", OfferKind.Campaign, 9),
            Offer("kids-paused", OfferKind.Campaign, 10),
        };
        offers[1].Countries = "GB,DE";
        offers[2].MinimumOrders = 3;
        offers[3].RequiredConsent = ConsentPurpose.EmailMarketing;
        offers[5].LifecycleStages = "Retention,Advocacy,AtRisk";
        offers[6].MinimumLifetimeValueMinor = 50_000;
        offers[6].RequiredConsent = ConsentPurpose.EmailMarketing;
        (offers[7].ValidFrom, offers[7].ValidUntil) = (now.AddYears(-1), now.AddDays(-200));
        offers[8].Active = false;
        return offers;
    }

    private static async Task WriteAsync(ProfileStore writer, List<PurchasedItem> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await using var transaction = await writer.Database.BeginTransactionAsync(cancellationToken);
        await using (var bulk = BulkRows<PurchasedItem>.InsertMany(writer, transaction.GetDbTransaction()))
            foreach (var row in rows) bulk.Write(row);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A customer's favourite and second category, fixed by their id (orders are read in no particular order).</summary>
    private static (int Favourite, int Second) TasteOf(long customerId, int seed)
    {
        var hash = (ulong)customerId * 0x9E3779B97F4A7C15UL ^ (ulong)seed;
        hash ^= hash >> 29;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 32;
        // Favourites lean to the first categories, as a shop's best sellers do.
        var favourite = (int)(Categories * Math.Pow((hash & 0xFFFF) / 65536.0, 1.5));
        var second = (favourite + 1 + (int)((hash >> 16) % (Categories - 1))) % Categories;
        return (favourite, second);
    }

    private static long PriceOf(int category, int product) => 1_500 + 700L * category + 450L * product;
}
