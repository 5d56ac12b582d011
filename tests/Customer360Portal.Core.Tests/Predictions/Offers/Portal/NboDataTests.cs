using Customer360Portal.Core.Predictions.Offers.Portal;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;

namespace Customer360Portal.Core.Tests.Predictions.Offers.Portal;

public sealed class NboDataTests
{
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime;

    [Fact]
    public async Task Load_OneScanOfTheItems_GivesTheHistoriesAndCatalogueOfTheQueries()
    {
        await using var test = await CoreHost.CreateAsync(b => NboSetup.AddNextBestOffer(b, runInBackground: false));
        var random = new Random(4);
        // Names as SQLite's MAX compares them (bytes): accents, a private-use character and one beyond the BMP, which
        // UTF-16 and UTF-8 order differently; nulls; the same sku sold under other names and prices.
        string?[] names = ["Crème", "Creme", "Zoë", "\uE000 private", "🍰 cake", null, "zebra"];
        string?[] categories = ["Kitchen", "kitchen", "Bäckerei", null];
        string?[] currencies = ["EUR", "GBP", null];
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var people = Enumerable.Range(0, 60).Select(i => new Customer
            {
                Status = i % 9 == 4 ? CustomerStatus.Restricted : i % 17 == 3 ? CustomerStatus.Merged : CustomerStatus.Active, CreatedAt = Now, UpdatedAt = Now,
            }).ToList();
            store.Customers.AddRange(people);
            await store.SaveChangesAsync();
            // Written in no particular order of customer or time, with equal times now and then (the id decides), and fractions of seconds.
            for (var n = 0; n < 900; n++)
            {
                var person = people[random.Next(people.Count)];
                store.PurchasedItems.Add(new PurchasedItem
                {
                    CustomerId = person.Id, Sku = $"S{random.Next(25)}", Name = names[random.Next(names.Length)], Category = categories[random.Next(categories.Length)],
                    Quantity = 1, UnitPriceMinor = random.Next(100_000), Currency = currencies[random.Next(currencies.Length)],
                    PurchasedAt = Now.AddDays(-random.Next(30)).AddTicks(random.Next(3) == 0 ? 0 : random.Next(10_000_000)),
                });
            }
            await store.SaveChangesAsync();
            // Engagement: recent email, web and app activity counts; older activity and other channels do not.
            InteractionChannel[] channels = [InteractionChannel.Email, InteractionChannel.Web, InteractionChannel.App, InteractionChannel.Phone, InteractionChannel.Store];
            for (var n = 0; n < 700; n++)
                store.Interactions.Add(new Interaction
                {
                    CustomerId = people[random.Next(people.Count)].Id, SourceKey = "web", Type = "page.viewed", Channel = channels[random.Next(channels.Length)],
                    JourneyStage = LifecycleStage.Consideration, OccurredAt = Now.AddDays(-random.Next(200)).AddTicks(random.Next(10_000_000)), Summary = "Viewed",
                });
            await store.SaveChangesAsync();
        }

        var scanned = await NboData.LoadAsync(test.Stores, Now, new NboOptions(), CancellationToken.None);
        var queried = await NboData.LoadAsync(test.Stores, Now, new NboOptions(), CancellationToken.None, direct: false);

        Assert.Equal(queried.Histories.Count, scanned.Histories.Count);
        for (var h = 0; h < queried.Histories.Count; h++)
        {
            Assert.Equal(queried.Histories[h].CustomerId, scanned.Histories[h].CustomerId);
            Assert.Equal(queried.Histories[h].Items, scanned.Histories[h].Items);
        }
        Assert.Equal(queried.Catalogue.OrderBy(p => p.Key, StringComparer.Ordinal), scanned.Catalogue.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.True(queried.Histories.Count is > 30 and < 60);
        Assert.Contains(scanned.Catalogue.Values, p => p.Name == "🍰 cake");
        Assert.Equal(queried.Context.Engagement.OrderBy(e => e.Key, StringComparer.Ordinal), scanned.Context.Engagement.OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.True(scanned.Context.Engagement.Count > 20, $"{scanned.Context.Engagement.Count} engaged customers");
    }
}
