using Customer360Portal.Data;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Offers.Portal;

/// <summary>A product as sales show it: the most recent name and category, the average unit price paid and how many customers bought it.</summary>
public sealed record CatalogueProduct(string Sku, string? Name, string? Category, long TypicalPriceMinor, string? Currency, int Customers);

/// <summary>
/// The product catalogue derived from what was sold (purchased items of active profiles), so offers can name real
/// products and categories without a separate product feed. Prices are averaged across currencies as they were paid.
/// </summary>
public sealed class ProductCatalogue(IDbContextFactory<ProfileStore> stores)
{
    public async Task<IReadOnlyList<CatalogueProduct>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await ListAsync(store, cancellationToken);
    }

    internal static async Task<IReadOnlyList<CatalogueProduct>> ListAsync(ProfileStore store, CancellationToken cancellationToken)
    {
        var rows = await store.PurchasedItems.AsNoTracking()
            .GroupBy(i => i.Sku)
            .Select(g => new
            {
                Sku = g.Key,
                Name = g.Max(i => i.Name),
                Category = g.Max(i => i.Category),
                Price = g.Average(i => (double)i.UnitPriceMinor),
                Currency = g.Max(i => i.Currency),
                Customers = g.Select(i => i.CustomerId).Distinct().Count(),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new CatalogueProduct(r.Sku, r.Name, r.Category, (long)Math.Round(r.Price), r.Currency, r.Customers))
            .OrderByDescending(p => p.Customers).ThenBy(p => p.Sku, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every category sold, alphabetically.</summary>
    public async Task<IReadOnlyList<string>> CategoriesAsync(CancellationToken cancellationToken = default) =>
        (await ListAsync(cancellationToken)).Select(p => p.Category).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The name of a product for people: "Oak Chopping Board" rather than its sku.</summary>
    public static string NameOf(IReadOnlyDictionary<string, CatalogueProduct> catalogue, string sku) =>
        catalogue.TryGetValue(sku, out var product) && !string.IsNullOrWhiteSpace(product.Name) ? product.Name : sku;
}
