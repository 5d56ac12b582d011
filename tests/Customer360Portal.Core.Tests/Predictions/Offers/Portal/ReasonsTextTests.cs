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
            var expected = NboScoring.Reasons(stats, catalogue, shopper, item, 90);
            kinds.Add(expected.Count);

            Assert.Equal(JsonSerializer.Serialize(expected), text.For(shopper, item));
        }
        Assert.True(kinds.Count >= 3, "shoppers with few and many reasons were in play");
    }
}
