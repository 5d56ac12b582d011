using Customer360Portal.Core.Audit;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.Predictions.Offers;

/// <summary>Order lines become the customer's purchased items when the order is resolved, and go with the person.</summary>
public sealed class PurchasedItemsTests
{
    private static readonly AuditActor Officer = new("officer-1", "Privacy officer");

    private static async Task<TestProfileStore> StoreAsync()
    {
        var test = await CoreHost.CreateAsync(b =>
        {
            b.AddErasure(runInBackground: false);
            // Strict: the two CRM records below go to review instead of merging on their own.
            b.Services.Configure<ResolutionOptions>(o => o.MergeProbability = 1 - 1e-9);
        });
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("crm2", "Second CRM", SourceKind.Crm, ConnectorStyle.Push);
        return test;
    }

    private static async Task IngestAndProjectAsync(TestProfileStore test, params IncomingRecord[] records)
    {
        foreach (var group in records.GroupBy(r => r.SourceKey))
            await test.Get<IntakePipeline>().IngestAsync(group.Key, group.ToList());
        await test.Get<ProfileProjection>().CatchUpAsync();
    }

    private static IncomingRecord Kate(string source, string id, string email, string first, string line1, string postcode) => Record(source, RecordKinds.Contact,
        $$"""{"id":"{{id}}","updatedAt":"2026-10-01T09:00:00Z","firstName":"{{first}}","lastName":"Oduya","email":"{{email}}","address":{"line1":"{{line1}}","city":"Oxford","postcode":"{{postcode}}","country":"GB"} }""");

    [Fact]
    public async Task MergeAndUnmerge_ItemsAndOfferAnswersTravelWithTheirProfile()
    {
        await using var test = await StoreAsync();
        await IngestAndProjectAsync(test, Kate("crm", "C-1", "kate@example.com", "Katherine", "4 Church Street", "OX1 1AA"));
        await IngestAndProjectAsync(test, Kate("crm2", "X-1", "k.oduya@example.net", "Kate", "4 Church St", "OX1 1AB"), TwoLineOrder("1001", "k.oduya@example.net"));
        var review = Assert.Single(await test.Get<ReviewQueue>().OpenAsync());
        long second;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            second = await store.Identifiers.Where(i => i.Value == "k.oduya@example.net").Select(i => i.CustomerId).SingleAsync();
            store.OfferFeedback.Add(new OfferFeedback { CustomerId = second, OriginCustomerId = second, OfferCode = "x", Outcome = OfferOutcome.Accepted, RecordedAt = CoreHost.Now.UtcDateTime });
            await store.SaveChangesAsync();
        }

        await test.Get<ReviewQueue>().AcceptAsync(review.Id, Officer, "Same person");

        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var merge = await store.Merges.SingleAsync();
            Assert.Equal(second, merge.MergedId);
            Assert.All(await store.PurchasedItems.ToListAsync(), i => Assert.Equal(merge.SurvivorId, i.CustomerId));
            Assert.Equal(merge.SurvivorId, (await store.OfferFeedback.SingleAsync()).CustomerId);
            await test.Get<IdentityGraph>().UnmergeAsync(merge.Id, Officer, "Two people after all");
        }

        await using var after = await test.Stores.CreateDbContextAsync();
        Assert.Equal(2, await after.PurchasedItems.CountAsync(i => i.CustomerId == second));
        Assert.Equal(second, (await after.OfferFeedback.SingleAsync()).CustomerId);
    }

    private static IncomingRecord TwoLineOrder(string number, string email, string status = "paid") => Record("shop", RecordKinds.Order,
        $$"""{"orderNumber":"{{number}}","placedAt":"2026-10-05T10:30:00Z","currency":"GBP","total":"60.00","status":"{{status}}","email":"{{email}}","lines":[{"sku":"HP-KIT-115","name":"Oak  Chopping Board","category":"Kitchen","quantity":2,"unitPrice":"18.00"},{"name":"Gift wrap","quantity":1,"unitPrice":"24"}]}""");

    [Fact]
    public async Task PlacedOrder_LinesBecomePurchasedItemsOfTheProfile()
    {
        await using var test = await StoreAsync();

        await IngestAndProjectAsync(test, TwoLineOrder("1001", "ann@example.com"), TwoLineOrder("1002", "ben@example.com", status: "cancelled"));

        await using var store = await test.Stores.CreateDbContextAsync();
        var ann = await store.Identifiers.Where(i => i.Value == "ann@example.com").Select(i => i.CustomerId).SingleAsync();
        var items = await store.PurchasedItems.OrderBy(i => i.Id).ToListAsync();
        Assert.Equal(2, items.Count); // the cancelled order adds nothing
        Assert.All(items, i => Assert.Equal((ann, "GBP", "1001"), (i.CustomerId, i.Currency, i.OrderReference)));
        Assert.Equal(("HP-KIT-115", "Oak Chopping Board", "Kitchen", 2, 1800L), (items[0].Sku, items[0].Name, items[0].Category, items[0].Quantity, items[0].UnitPriceMinor));
        Assert.Equal(("Gift wrap", (string?)null, 2400L), (items[1].Sku, items[1].Category, items[1].UnitPriceMinor)); // no sku: the name is the key
    }

    [Fact]
    public async Task Erasure_DeletesThePersonsPurchasedItemsAndOfferAnswers()
    {
        await using var test = await StoreAsync();
        await IngestAndProjectAsync(test, TwoLineOrder("1001", "ann@example.com"), TwoLineOrder("1003", "cy@example.com"));
        long ann;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            ann = await store.Identifiers.Where(i => i.Value == "ann@example.com").Select(i => i.CustomerId).SingleAsync();
            store.OfferFeedback.Add(new OfferFeedback { CustomerId = ann, OriginCustomerId = ann, OfferCode = "x", Item = "HP-KIT-115", Outcome = OfferOutcome.Declined, RecordedAt = CoreHost.Now.UtcDateTime });
            await store.SaveChangesAsync();
        }

        await test.Get<PersonErasure>().EraseAsync(ann, requestId: null, Officer);

        await using var after = await test.Stores.CreateDbContextAsync();
        Assert.False(await after.PurchasedItems.AnyAsync(i => i.CustomerId == ann));
        Assert.False(await after.OfferFeedback.AnyAsync());
        Assert.Equal(2, await after.PurchasedItems.CountAsync()); // the other customer's stay
    }
}
