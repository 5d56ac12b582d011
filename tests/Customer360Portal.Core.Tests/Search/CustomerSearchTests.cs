using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Core.Search;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.Search;

/// <summary>The agents' search on a real SQLite store, fed through real intake, projection and the search indexer.</summary>
public class CustomerSearchTests
{
    private static readonly AuditActor Agent = new("user-1", "agent@example.com");

    private static IncomingRecord Person(string source, string id, string email, string first, string last, string? phone = null,
        string? accountId = null, string line1 = "1 High Street", string postcode = "SW1A 1AA", string city = "London", string updatedAt = "2026-10-01T09:00:00Z")
    {
        var fields = new Dictionary<string, object?>
        {
            ["id"] = id, ["updatedAt"] = updatedAt, ["firstName"] = first, ["lastName"] = last, ["email"] = email, ["phone"] = phone,
            ["accountId"] = accountId, ["address"] = new { line1, city, postcode, country = "GB" },
        };
        return Record(source, RecordKinds.Contact, JsonSerializer.Serialize(fields.Where(f => f.Value is not null).ToDictionary()));
    }

    private static async Task<TestProfileStore> StoreAsync(Action<ResolutionOptions>? configure = null)
    {
        var test = await CoreHost.CreateAsync(b =>
        {
            b.Services.Configure<ResolutionOptions>(o => configure?.Invoke(o));
            b.AddSearch(runInBackground: false);
        });
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("crm2", "Second CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        return test;
    }

    private static async Task IngestAndIndexAsync(TestProfileStore test, string source, params IncomingRecord[] records)
    {
        await test.Get<IntakePipeline>().IngestAsync(source, records);
        await test.Get<ProfileProjection>().CatchUpAsync();
        await test.Get<SearchIndex>().RunOnceAsync();
    }

    private static async Task<TestProfileStore> PeopleAsync()
    {
        var test = await StoreAsync();
        await IngestAndIndexAsync(test, "crm",
            Person("crm", "C-1", "Jonathan.Smith@example.com", "Jonathan", "Smith", phone: "+44 7700 900123", accountId: "ACC-77812", city: "Leeds"),
            Person("crm", "C-2", "mary.jones@example.org", "Mary", "Jones", phone: "+44 7700 900456", line1: "9 Park Road", postcode: "M1 1AA", city: "Manchester"),
            Person("crm", "C-3", "p.okafor@example.net", "Peter", "Okafor", line1: "3 Mill Lane", postcode: "BS8 1QU", city: "Bristol"));
        ((FakeTimeProvider)test.Get<TimeProvider>()).Advance(TimeSpan.FromMinutes(1));
        await IngestAndIndexAsync(test, "shop", Order("ORD-10023", "jonathan.smith@example.com"));
        return test;
    }

    private static Task<IReadOnlyList<CustomerSearchResult>> SearchAsync(TestProfileStore test, string query) =>
        test.Get<CustomerSearch>().SearchAsync(query, Agent);

    [Theory]
    [InlineData("jon smyth")]
    [InlineData("Jonathan Smith")]
    [InlineData("smith jonathan")]
    [InlineData("Jonathan Smiht")]
    [InlineData("smyth")]
    public async Task SearchAsync_NameWithNicknameSoundOrTypo_FindsJonathanSmithFirst(string query)
    {
        await using var test = await PeopleAsync();

        var results = await SearchAsync(test, query);

        var top = Assert.IsType<CustomerSearchResult>(results.FirstOrDefault());
        Assert.Equal("Jonathan Smith", top.DisplayName);
        Assert.Equal("name", top.MatchedOn);
        Assert.Equal("Leeds", top.City);
        Assert.Equal("j***@example.com", top.MaskedEmail);
        Assert.EndsWith("123", top.MaskedPhone);
        Assert.DoesNotContain("7700", top.MaskedPhone);
    }

    [Theory]
    [InlineData("JONATHAN.SMITH@EXAMPLE.COM", "email")]
    [InlineData("jonathan.smith@example.com", "email")]
    [InlineData("07700 900123", "phone")]
    [InlineData("+44 (0)7700-900123", "phone")]
    [InlineData("447700900123", "phone")]
    [InlineData("ORD-10023", "order number or account id")]
    [InlineData("ord-10023", "order number or account id")]
    [InlineData("ACC-77812", "order number or account id")]
    public async Task SearchAsync_ContactDetailOrNumberInAnyFormat_FindsTheOwner(string query, string matchedOn)
    {
        await using var test = await PeopleAsync();

        var results = await SearchAsync(test, query);

        Assert.Equal("Jonathan Smith", results[0].DisplayName);
        Assert.Equal(matchedOn, results[0].MatchedOn);
    }

    [Fact]
    public async Task SearchAsync_NothingMatches_ReturnsNothing()
    {
        await using var test = await PeopleAsync();

        Assert.Empty(await SearchAsync(test, "zebedee quillfeather"));
        Assert.Empty(await SearchAsync(test, "   "));
    }

    [Fact]
    public async Task SearchAsync_IsAuditedWithoutTheQueryText()
    {
        await using var test = await PeopleAsync();

        await SearchAsync(test, "jon smyth");
        await SearchAsync(test, "jonathan.smith@example.com");

        await using var store = await test.Stores.CreateDbContextAsync();
        var entries = await store.AuditLog.Where(a => a.Action == "customer.searched").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(2, entries.Count);
        Assert.Equal("name query, 2 words, 1 results", entries[0].Details);
        Assert.Equal("email query, 1 results", entries[1].Details);
        Assert.All(entries, e => Assert.Equal(Agent.UserId, e.UserId));
        Assert.All(entries, e => Assert.DoesNotContain("jon", e.Details + e.TargetId, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Indexer_ChangedName_IsFoundByTheNewNameOnly()
    {
        await using var test = await PeopleAsync();
        ((FakeTimeProvider)test.Get<TimeProvider>()).Advance(TimeSpan.FromMinutes(5));

        await IngestAndIndexAsync(test, "crm", Person("crm", "C-2", "mary.jones@example.org", "Mary", "Featherstone",
            phone: "+44 7700 900456", line1: "9 Park Road", postcode: "M1 1AA", city: "Manchester", updatedAt: "2026-11-01T09:00:00Z"));

        Assert.Equal("Mary Featherstone", Assert.Single(await SearchAsync(test, "mary featherstone")).DisplayName);
        Assert.DoesNotContain(await SearchAsync(test, "jones"), r => r.DisplayName.Contains("Mary", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Indexer_MergedProfile_IsNotReturnedButItsSurvivorIs()
    {
        // Same person under a nickname with different emails: a strict threshold makes it a review that an agent accepts.
        await using var test = await StoreAsync(o => o.MergeProbability = 1 - 1e-9);
        await IngestAndIndexAsync(test, "crm", Person("crm", "C-1", "kate@example.com", "Katherine", "Oduya", line1: "4 Church Street", postcode: "OX1 1AA"));
        await IngestAndIndexAsync(test, "crm2", Person("crm2", "X-1", "k.oduya@example.net", "Kate", "Oduya", line1: "4 Church St", postcode: "OX1 1AB"));
        Assert.Equal(2, (await SearchAsync(test, "oduya")).Count);
        var queue = test.Get<ReviewQueue>();
        var review = Assert.Single(await queue.OpenAsync());
        ((FakeTimeProvider)test.Get<TimeProvider>()).Advance(TimeSpan.FromMinutes(5));

        await queue.AcceptAsync(review.Id, Agent, "Same person, confirmed by phone");
        await test.Get<SearchIndex>().RunOnceAsync();

        var hit = Assert.Single(await SearchAsync(test, "oduya"));
        Assert.Equal(review.LeftCustomerId, hit.CustomerId);
        // The merged profile's email now belongs to the survivor.
        Assert.Equal(review.LeftCustomerId, Assert.Single(await SearchAsync(test, "k.oduya@example.net")).CustomerId);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.False(await store.SearchKeys.AnyAsync(k => k.CustomerId == review.RightCustomerId));
    }

    [Fact]
    public void Query_JonSmyth_SharesNoTrigramWithJonathanSmithButSharesKeys()
    {
        var (kind, terms, words) = SearchKeys.OfQuery("jon smyth");
        var profile = SearchKeys.OfProfile("Jonathan", "Smith", [], [], []);

        Assert.Equal(SearchQueryKind.Name, kind);
        Assert.Equal(2, words);
        Assert.Contains(terms, t => t.Kind == SearchTermKind.FormalGivenName && profile.Contains(t.Hash));
        Assert.Contains(terms, t => t.Kind == SearchTermKind.NameSound && profile.Contains(t.Hash));
    }

    [Fact]
    public async Task ProfileSavedWithATimestampOlderThanAnythingIndexed_IsStillIndexedOnTheNextPass()
    {
        await using var test = await PeopleAsync();
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            // A writer that read its clock long before it could commit (it waited for the write lock behind a long batch).
            var mary = await store.Customers.SingleAsync(c => c.GivenName == "Mary");
            mary.FamilyName = "Featherstonehaugh";
            mary.UpdatedAt = mary.UpdatedAt.AddHours(-1);
            await store.SaveChangesAsync();
        }

        await test.Get<SearchIndex>().RunOnceAsync();

        // Only the new family name can match: the keys of the old profile hold "Jones".
        Assert.Contains(await SearchAsync(test, "featherstonehaugh"), r => r.DisplayName == "Mary Featherstonehaugh");
        Assert.DoesNotContain(await SearchAsync(test, "jones"), r => r.DisplayName.StartsWith("Mary", StringComparison.Ordinal));
        await using var after = await test.Stores.CreateDbContextAsync();
        Assert.Equal(0, await after.ProfileChanges.CountAsync());
    }

    [Fact]
    public async Task EachChangeOfAProfile_IsIndexedByThePassAfterIt()
    {
        await using var test = await PeopleAsync();
        var index = test.Get<SearchIndex>();
        async Task RenamePeterAsync(string familyName)
        {
            await using var store = await test.Stores.CreateDbContextAsync();
            (await store.Customers.SingleAsync(c => c.GivenName == "Peter")).FamilyName = familyName;
            await store.SaveChangesAsync();
        }

        await RenamePeterAsync("Okonkwo");
        await index.RunOnceAsync();
        Assert.Contains(await SearchAsync(test, "okonkwo"), r => r.DisplayName == "Peter Okonkwo");

        // The first change's note went with that pass: the second change leaves its own.
        await RenamePeterAsync("Obi");
        Assert.DoesNotContain(await SearchAsync(test, "obi"), r => r.DisplayName == "Peter Obi");
        await index.RunOnceAsync();

        Assert.Contains(await SearchAsync(test, "obi"), r => r.DisplayName == "Peter Obi");
    }

    [Fact]
    public async Task ProfilesWrittenByAFullResolution_AreIndexed()
    {
        await using var test = await StoreAsync();
        await test.Get<IntakePipeline>().IngestAsync("crm",
        [
            Person("crm", "C-1", "jonathan.smith@example.com", "Jonathan", "Smith"),
            Person("crm", "C-2", "mary.jones@example.org", "Mary", "Jones", line1: "9 Park Road", postcode: "M1 1AA"),
        ]);

        // The full run writes profiles set-based, bypassing the saves that note changes.
        await test.Get<FullResolution>().RunAsync();
        await test.Get<SearchIndex>().RunOnceAsync();

        Assert.Equal("Jonathan Smith", Assert.Single(await SearchAsync(test, "jonathan.smith@example.com")).DisplayName);
        Assert.Contains(await SearchAsync(test, "mary jones"), r => r.DisplayName == "Mary Jones");
    }
}
