using System.Globalization;
using System.Text.Json;
using Customer360Portal.Core.Predictions.Offers;
using Customer360Portal.Core.Predictions.Offers.Portal;

namespace Customer360Portal.Core.Tests.Predictions.Offers.Portal;

public class ReasonsTextTests
{
    [Fact]
    public void For_ManyShoppersAndNames_IsExactlyTheJsonOfTheReasonsList()
    {
        var histories = OfferData.StarterCompanion(800, seed: 6);
        var stats = CoPurchaseStats.Build(histories.Select(h => h.Items));
        var items = histories.SelectMany(h => h.Items).Distinct().Order(StringComparer.Ordinal).ToList();
        var random = new Random(6);
        // Names an agent might meet: plain, non-ASCII, characters JSON escapes, very long ones (past the first buffer), none.
        string?[] names = ["Cast Iron Skillet", "🍰 cake \"deluxe\" <b>&</b>", "Café crème", new string('x', 700), null];
        string?[] categories = ["Kitchen", "Garden", null, "Bäckerei"];
        var catalogue = items.ToDictionary(i => i, i => new CatalogueProduct(i, names[random.Next(names.Length)], categories[random.Next(categories.Length)],
            random.Next(3) == 0 ? 0 : 100 + random.Next(5000), "EUR", 10), StringComparer.Ordinal);
        var context = new OfferContext
        {
            Items = catalogue.ToDictionary(p => p.Key, p => new ItemInfo(p.Value.Category, p.Value.TypicalPriceMinor), StringComparer.Ordinal),
            Engagement = histories.ToDictionary(h => h.CustomerId, _ => random.Next(12), StringComparer.Ordinal),
        };
        var text = new NboScoring.ReasonsText(stats, catalogue, 90);
        var kinds = new HashSet<int>();

        for (var c = 0; c < 500; c++)
        {
            var owned = histories[c].Items.ToHashSet(StringComparer.Ordinal);
            var shopper = context.ShopperOf(histories[c].CustomerId, owned);
            var item = items[random.Next(items.Count)];
            var expected = Plain(stats, catalogue, shopper, item, 90);
            kinds.Add(expected.Count);

            Assert.Equal(JsonSerializer.Serialize(expected), text.For(shopper, item));
        }
        Assert.True(kinds.Count >= 3, "shoppers with few and many reasons were in play");
    }

    /// <summary>
    /// The reasons of an offer written out plainly as a list (the definition <see cref="NboScoring.ReasonsText"/> keeps to):
    /// the owned product with the strongest co-purchase link or its popularity; the customer's liking for the category,
    /// their price level and their engagement.
    /// </summary>
    internal static List<string> Plain(CoPurchaseStats stats, IReadOnlyDictionary<string, CatalogueProduct> catalogue, Shopper shopper, string item,
        int engagementDays)
    {
        string Name(string sku) => ProductCatalogue.NameOf(catalogue, sku);
        var reasons = new List<string>();
        // Agents repeat this to customers: only a link seen often enough and clearly above chance is worded as one.
        var link = OfferReason.StrongestLink(stats, shopper.Owned, item, NboScoring.MinimumPairCount);
        reasons.Add(link.BecauseOf is { } because && link.Lift >= NboScoring.MinimumLift
            ? $"bought {Name(because)}; customers who buy {Name(because)} often buy {Name(item)}"
            : $"{Name(item)} is popular with customers");
        if (catalogue.TryGetValue(item, out var product) && product.Category is { } category)
        {
            var same = shopper.Owned.Count(o => catalogue.TryGetValue(o, out var p) && p.Category == category);
            if (same > 0)
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{same} of the {shopper.Owned.Count} products they bought are {category}"));
            if (shopper.MeanPrice > 0 && product.TypicalPriceMinor > 0)
            {
                var ratio = product.TypicalPriceMinor / shopper.MeanPrice;
                if (ratio <= 1.25) reasons.Add("priced within what they usually spend on a product");
                else if (ratio >= 2) reasons.Add("a step up from what they usually spend on a product");
            }
        }
        if (shopper.Engagement >= 5)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"active on email and the website ({shopper.Engagement} interactions in {engagementDays} days)"));
        return reasons;
    }
}
