using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.IdentityResolution;

/// <summary>The portal's incremental resolver on a real SQLite store, through real intake and projection.</summary>
public class IdentityResolverTests
{
    private static readonly AuditActor Reviewer = new("user-1", "reviewer@example.com");

    private static IncomingRecord Person(string source, string id, string? email, string first, string last, string? dob = null,
        string? phone = null, string? accountId = null, string line1 = "1 High Street", string postcode = "SW1A 1AA", string updatedAt = "2026-10-01T09:00:00Z")
    {
        var fields = new Dictionary<string, object?>
        {
            ["id"] = id, ["updatedAt"] = updatedAt, ["firstName"] = first, ["lastName"] = last, ["email"] = email, ["phone"] = phone,
            ["accountId"] = accountId, ["dateOfBirth"] = dob,
            ["address"] = new { line1, city = "London", postcode, country = "GB" },
        };
        var json = JsonSerializer.Serialize(fields.Where(f => f.Value is not null).ToDictionary());
        return Record(source, RecordKinds.Contact, json);
    }

    private static IncomingRecord Identify(string messageId, string anonymousId, string userId, string email, string timestamp = "2026-10-07T09:00:00Z") =>
        Record("web", RecordKinds.WebEvent,
            $$$"""{"messageId":"{{{messageId}}}","type":"identify","anonymousId":"{{{anonymousId}}}","userId":"{{{userId}}}","timestamp":"{{{timestamp}}}","traits":{"email":"{{{email}}}"}}""");

    private static async Task<TestProfileStore> StoreAsync(Action<ResolutionOptions>? configure = null)
    {
        var test = await CoreHost.CreateAsync(b => b.Services.Configure<ResolutionOptions>(o => configure?.Invoke(o)));
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("crm2", "Second CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        await registry.EnsureSourceAsync("web", "Web", SourceKind.WebAnalytics, ConnectorStyle.Tracking);
        return test;
    }

    private static async Task IngestAndProjectAsync(TestProfileStore test, string source, params IncomingRecord[] records)
    {
        await test.Get<IntakePipeline>().IngestAsync(source, records);
        await test.Get<ProfileProjection>().CatchUpAsync();
    }

    private static async Task<List<Customer>> ActiveAsync(TestProfileStore test)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return await store.Customers.Where(c => c.Status == CustomerStatus.Active).OrderBy(c => c.Id).ToListAsync();
    }

    private static void StrictMerging(ResolutionOptions options) => options.MergeProbability = 1 - 1e-9;

    [Fact]
    public async Task SameEmail_FromTwoSources_IsOneProfile()
    {
        await using var test = await StoreAsync();
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "jon@example.com", "Jonathan", "Smith"));
        await IngestAndProjectAsync(test, "shop", Order("1001", "JON@example.com"));

        var profile = Assert.Single(await ActiveAsync(test));
        Assert.Equal(1, profile.OrderCount);
    }

    [Fact]
    public async Task NoSharedIdentifier_SamePersonByNameDobAndAddress_MergesProbabilistically()
    {
        await using var test = await StoreAsync();
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "jon.smith@example.com", "Jonathan", "Smith", "1984-03-12", line1: "12 Acacia Avenue", postcode: "N1 7GU"));
        await IngestAndProjectAsync(test, "crm2", Person("crm2", "X-9", "jsmith84@mail.example", "Jon", "Smyth", "1984-03-12", line1: "12 Acacia Ave", postcode: "N1 7GU"));

        var profile = Assert.Single(await ActiveAsync(test));
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(2, await store.Identifiers.CountAsync(i => i.CustomerId == profile.Id && i.Type == IdentifierType.Email));
    }

    [Fact]
    public async Task SameNameOnly_DifferentDobAndAddress_StaysTwoPeople()
    {
        await using var test = await StoreAsync();
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "a@example.com", "John", "Smith", "1960-01-01", line1: "3 Mill Lane", postcode: "M1 1AA"));
        await IngestAndProjectAsync(test, "crm2", Person("crm2", "X-1", "b@example.com", "John", "Smith", "1991-07-23", line1: "80 Queens Road", postcode: "BS8 1QU"));

        Assert.Equal(2, (await ActiveAsync(test)).Count);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Empty(await store.Merges.ToListAsync());
    }

    [Fact]
    public async Task BorderlinePair_GoesToReview_AndRejectIsRemembered()
    {
        // Same name (a nickname) and address, different emails: very likely. A strict merge threshold makes it a review.
        await using var test = await StoreAsync(StrictMerging);
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "kate@example.com", "Katherine", "Oduya", line1: "4 Church Street", postcode: "OX1 1AA"));
        await IngestAndProjectAsync(test, "crm2", Person("crm2", "X-1", "k.oduya@example.net", "Kate", "Oduya", line1: "4 Church St", postcode: "OX1 1AB"));

        var queue = test.Get<ReviewQueue>();
        var open = await queue.OpenAsync();
        var review = Assert.Single(open);
        var detail = await queue.DetailAsync(review.Id, Reviewer);
        Assert.NotNull(detail);
        Assert.Contains(detail.Evidence, e => e.Field == "Family" && e.Weight > 0);

        await queue.RejectAsync(review.Id, Reviewer, "Different people: checked with the customer");
        // The same pair again (a changed record) is not proposed again.
        await IngestAndProjectAsync(test, "crm2", Person("crm2", "X-1", "k.oduya@example.net", "Kate", "Oduya", line1: "4 Church St", postcode: "OX1 1AB", updatedAt: "2026-10-09T09:00:00Z"));
        Assert.Empty(await queue.OpenAsync());
        Assert.Equal(2, (await ActiveAsync(test)).Count);
    }

    [Fact]
    public async Task AcceptedReview_MergesIntoTheOlderProfile_WithAuditAndRedirect()
    {
        await using var test = await StoreAsync(StrictMerging);
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "kate@example.com", "Katherine", "Oduya", line1: "4 Church Street", postcode: "OX1 1AA"));
        await IngestAndProjectAsync(test, "crm2", Person("crm2", "X-1", "k.oduya@example.net", "Kate", "Oduya", line1: "4 Church St", postcode: "OX1 1AB"));
        var queue = test.Get<ReviewQueue>();
        var review = Assert.Single(await queue.OpenAsync());

        await queue.AcceptAsync(review.Id, Reviewer, "Same person, confirmed by phone");

        await using var store = await test.Stores.CreateDbContextAsync();
        var survivor = Assert.Single(await store.Customers.Where(c => c.Status == CustomerStatus.Active).ToListAsync());
        var merged = await store.Customers.SingleAsync(c => c.Status == CustomerStatus.Merged);
        Assert.Equal(review.LeftCustomerId, survivor.Id);
        Assert.Equal(survivor.Id, merged.MergedIntoId);
        Assert.Equal("manual", (await store.Merges.SingleAsync()).Rule);
        Assert.Contains(await store.AuditLog.ToListAsync(), a => a.Action == "profile.merged" && a.UserId == Reviewer.UserId);
        var view = await test.Get<IdentityGraph>().GetAsync(merged.Id, Reviewer);
        Assert.Equal(survivor.Id, view!.CustomerId);
    }

    [Fact]
    public async Task SecondAccountIdOnASharedEmail_StartsAReviewInsteadOfMerging()
    {
        await using var test = await StoreAsync();
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "family@example.com", "Ann", "Lee", accountId: "ACC-1"));
        await IngestAndProjectAsync(test, "crm2", Person("crm2", "X-1", "family@example.com", "Ann", "Lee", accountId: "ACC-2"));

        Assert.Equal(2, (await ActiveAsync(test)).Count);
        var review = Assert.Single(await test.Get<ReviewQueue>().OpenAsync());
        Assert.Equal("identifier-limit", review.Reason);
    }

    [Fact]
    public async Task HouseholdSharingAnEmail_StaysTwoPeople_WithoutAReview()
    {
        await using var test = await StoreAsync();
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "family@example.com", "Ann", "Lee", "1980-01-01"));
        await IngestAndProjectAsync(test, "crm2", Person("crm2", "X-1", "family@example.com", "Ben", "Lee", "1979-05-05"));

        Assert.Equal(2, (await ActiveAsync(test)).Count);
        Assert.Empty(await test.Get<ReviewQueue>().OpenAsync());
    }

    [Fact]
    public async Task JunkEmail_NeverLinksStrangers()
    {
        await using var test = await StoreAsync();
        await IngestAndProjectAsync(test, "shop", Order("1", "test@test.com"), Order("2", "noreply@shop.example"));
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "test@test.com", "Ann", "Lee"), Person("crm", "C-2", "test@test.com", "Raj", "Patel", "1970-02-02", line1: "9 Elm Road", postcode: "B1 1AA"));

        Assert.Equal(4, (await ActiveAsync(test)).Count);
    }

    [Fact]
    public async Task AnonymousVisitor_WhoIdentifies_IsStitchedToTheKnownProfile()
    {
        await using var test = await StoreAsync();
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "jon@example.com", "Jonathan", "Smith", accountId: "U-1"));
        await IngestAndProjectAsync(test, "web", PageView("m-1", "cookie-1"), PageView("m-2", "cookie-1", "2026-10-06T09:00:00Z"));
        Assert.Equal(2, (await ActiveAsync(test)).Count);

        await IngestAndProjectAsync(test, "web", Identify("m-3", "cookie-1", "U-1", "jon@example.com"));

        var profile = Assert.Single(await ActiveAsync(test));
        Assert.False(profile.Anonymous);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(3, await store.Interactions.CountAsync(i => i.CustomerId == profile.Id && i.SourceKey == "web"));
        Assert.Equal("stitch", (await store.Merges.SingleAsync()).Rule);
    }

    [Fact]
    public async Task TraitChangedAfterAMergeInTheSameBatch_IsKept()
    {
        // One projection batch: Ann's tier is set, two other profiles are stitched (a merge moves rows past the change
        // tracker), then Ann's tier changes. The change must reach the store, not a row the merge let go.
        await using var test = await StoreAsync();
        static IncomingRecord Ann(string tier, string updatedAt) => Record("crm", RecordKinds.Contact,
            $$$"""{"id":"C-1","updatedAt":"{{{updatedAt}}}","firstName":"Ann","lastName":"Lee","email":"ann@example.com","traits":{"tier":"{{{tier}}}"}}""");
        var intake = test.Get<IntakePipeline>();
        await intake.IngestAsync("crm", [Ann("silver", "2026-10-01T09:00:00Z")]);
        await intake.IngestAsync("web", [PageView("m-1", "cookie-1")]);
        await intake.IngestAsync("crm", [Person("crm", "C-2", "ben@example.com", "Ben", "Okafor", accountId: "U-2", line1: "7 Park Road", postcode: "LS1 1AA")]);
        await intake.IngestAsync("web", [Identify("m-2", "cookie-1", "U-2", "ben@example.com")]);
        await intake.IngestAsync("crm", [Ann("gold", "2026-10-09T09:00:00Z")]);
        await test.Get<ProfileProjection>().CatchUpAsync();

        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal("stitch", (await store.Merges.SingleAsync()).Rule);
        var ann = await store.Identifiers.Where(i => i.Value == "ann@example.com").Select(i => i.CustomerId).SingleAsync();
        Assert.Equal("gold", (await store.Traits.SingleAsync(t => t.CustomerId == ann && t.Key == "tier")).Value);
    }

    [Fact]
    public async Task SharedDevice_NeverMergesTwoKnownPeople()
    {
        await using var test = await StoreAsync();
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "ann@example.com", "Ann", "Lee", accountId: "U-1"),
            Person("crm", "C-2", "ben@example.com", "Ben", "Okafor", accountId: "U-2", line1: "7 Park Road", postcode: "LS1 1AA"));
        await IngestAndProjectAsync(test, "web", Identify("m-1", "family-pc", "U-1", "ann@example.com"));
        await IngestAndProjectAsync(test, "web", Identify("m-2", "family-pc", "U-2", "ben@example.com", "2026-10-08T09:00:00Z"));

        Assert.Equal(2, (await ActiveAsync(test)).Count);
        Assert.Empty(await test.Get<ReviewQueue>().OpenAsync());
    }

    [Fact]
    public async Task Unmerge_SplitsTheRecordsTimelineAndIdentifiersBack()
    {
        await using var test = await StoreAsync();
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "jon@example.com", "Jonathan", "Smith", accountId: "U-1"));
        await IngestAndProjectAsync(test, "web", PageView("m-1", "cookie-1"), PageView("m-2", "cookie-1", "2026-10-06T09:00:00Z"));
        await IngestAndProjectAsync(test, "web", Identify("m-3", "cookie-1", "U-1", "jon@example.com"));
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var merge = await store.Merges.SingleAsync();
            await test.Get<IdentityGraph>().UnmergeAsync(merge.Id, Reviewer, "Library computer, not his");
        }

        await using var after = await test.Stores.CreateDbContextAsync();
        var merge2 = await after.Merges.SingleAsync();
        Assert.NotNull(merge2.UndoneAt);
        var visitor = await after.Customers.SingleAsync(c => c.Id == merge2.MergedId);
        Assert.Equal(CustomerStatus.Active, visitor.Status);
        Assert.Equal(2, await after.Interactions.CountAsync(i => i.CustomerId == visitor.Id));
        Assert.True(await after.Identifiers.AnyAsync(i => i.CustomerId == visitor.Id && i.Type == IdentifierType.CookieId && i.Value == "cookie-1"));
        Assert.Equal("Jonathan", (await after.Customers.SingleAsync(c => c.Id == merge2.SurvivorId)).GivenName);
        Assert.Contains(await after.AuditLog.ToListAsync(), a => a.Action == "profile.unmerged");
        // The decision is remembered: the same evidence does not merge them again.
        Assert.Contains(await after.MatchReviews.ToListAsync(), r => r.Status == ReviewStatus.Rejected && r.Reason == "unmerged");
    }

    [Fact]
    public async Task Merge_NeverWidensConsent()
    {
        await using var test = await StoreAsync();
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "jon@example.com", "Jonathan", "Smith", accountId: "U-1"));
        await IngestAndProjectAsync(test, "web", PageView("m-1", "cookie-1"));
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var known = await store.Customers.SingleAsync(c => !c.Anonymous);
            var visitor = await store.Customers.SingleAsync(c => c.Anonymous);
            store.ConsentStates.Add(new ConsentState { CustomerId = known.Id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Withdrawn, UpdatedAt = new DateTime(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc) });
            store.ConsentStates.Add(new ConsentState { CustomerId = visitor.Id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Granted, UpdatedAt = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc) });
            await store.SaveChangesAsync();
        }

        await IngestAndProjectAsync(test, "web", Identify("m-2", "cookie-1", "U-1", "jon@example.com"));

        await using var after = await test.Stores.CreateDbContextAsync();
        var state = await after.ConsentStates.SingleAsync();
        Assert.Equal(ConsentStatus.Withdrawn, state.Status);
        Assert.Contains(await after.AuditLog.ToListAsync(), a => a.Action == "consent.merge-conflict");
    }

    [Theory]
    [InlineData(SurvivorshipRule.MostRecent, "Jon", "most-recent")]
    [InlineData(SurvivorshipRule.SourcePriority, "Jonathan", "source-priority")]
    [InlineData(SurvivorshipRule.MostComplete, "Jonathan", "most-complete")]
    public async Task Survivorship_FollowsTheConfiguredRule_WithLineage(SurvivorshipRule rule, string expected, string lineageRule)
    {
        await using var test = await CoreHost.CreateAsync(b => b.Services.Configure<ResolutionOptions>(o => o.Survivorship[nameof(Customer.GivenName)] = rule));
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            await store.DataSources.Where(s => s.Key == "crm").ExecuteUpdateAsync(s => s.SetProperty(x => x.TrustRank, 10));
        }
        await IngestAndProjectAsync(test, "crm", Person("crm", "C-1", "jon@example.com", "Jonathan", "Smith", updatedAt: "2026-10-01T09:00:00Z"));
        await IngestAndProjectAsync(test, "shop", Record("shop", RecordKinds.Order,
            """{"orderNumber":"9","placedAt":"2026-10-20T10:00:00Z","currency":"GBP","total":"5.00","email":"jon@example.com","firstName":"Jon","lastName":"Smith"}"""));

        await using var after = await test.Stores.CreateDbContextAsync();
        var profile = await after.Customers.SingleAsync();
        Assert.Equal(expected, profile.GivenName);
        Assert.Equal(lineageRule, profile.Lineage.Single(l => l.Field == nameof(Customer.GivenName)).Rule);
    }

    [Fact]
    public async Task Survivorship_MostFrequent_TakesTheValueMostRecordsAgreeOn()
    {
        await using var test = await CoreHost.CreateAsync(b => b.Services.Configure<ResolutionOptions>(o => o.Survivorship[nameof(Customer.FamilyName)] = SurvivorshipRule.MostFrequent));
        await test.Get<SourceRegistry>().EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await IngestAndProjectAsync(test, "crm",
            Person("crm", "C-1", "jo@example.com", "Jo", "Smith", updatedAt: "2026-10-01T09:00:00Z"),
            Person("crm", "C-2", "jo@example.com", "Jo", "Smith", updatedAt: "2026-10-02T09:00:00Z"),
            Person("crm", "C-3", "jo@example.com", "Jo", "Smithe", updatedAt: "2026-10-03T09:00:00Z"));

        await using var after = await test.Stores.CreateDbContextAsync();
        var profile = await after.Customers.SingleAsync();
        Assert.Equal("Smith", profile.FamilyName);
        Assert.Equal("most-frequent", profile.Lineage.Single(l => l.Field == nameof(Customer.FamilyName)).Rule);
    }
}
