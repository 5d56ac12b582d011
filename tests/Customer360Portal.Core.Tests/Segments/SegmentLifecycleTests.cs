using System.Text;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Segments;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.Segments;

/// <summary>Saving, versions, duplicates, archiving, membership refresh with entered/exited counts, exports and the API's pages.</summary>
public class SegmentLifecycleTests
{
    private static readonly AuditActor Marketer = new("marketer-1", "marketer@example.com");

    private static SegmentRule City(string city) => SegmentRuleJson.Parse(
        $$"""{ "type": "group", "combinator": "all", "rules": [ { "type": "field", "field": "city", "operator": "equals", "values": ["{{city}}"] } ] }""");

    [Fact]
    public async Task Save_KeepsThePreviousDefinitionAsAVersion()
    {
        var world = await SegmentWorld.CreateAsync();
        await using var _ = world.Test;
        var catalog = world.Test.Get<SegmentCatalog>();
        var id = await catalog.CreateAsync("Londoners", City("London"), Marketer);

        var version = await catalog.SaveAsync(id, "Parisians", City("Paris"), Marketer);

        Assert.Equal(2, version);
        var previous = Assert.Single(await catalog.VersionsAsync(id));
        Assert.Equal(1, previous.Version);
        Assert.Equal("Londoners", previous.Name);
        Assert.Contains("London", previous.DefinitionJson);
        var segment = (await catalog.GetAsync(id))!;
        Assert.Contains("Paris", segment.DefinitionJson);
        Assert.Equal("Parisians", segment.Name);
    }

    [Fact]
    public async Task Duplicate_Archive_AndSelfReferenceRefused()
    {
        var world = await SegmentWorld.CreateAsync();
        await using var _ = world.Test;
        var catalog = world.Test.Get<SegmentCatalog>();
        var id = await catalog.CreateAsync("Londoners", City("London"), Marketer);

        var copy = await catalog.DuplicateAsync(id, Marketer);
        await catalog.SetArchivedAsync(id, archived: true, Marketer);

        Assert.Equal(["Copy of Londoners"], (await catalog.ListAsync()).Select(s => s.Name));
        Assert.Equal(2, (await catalog.ListAsync(includeArchived: true)).Count);
        var loop = SegmentRuleJson.Parse($$"""{ "type": "group", "combinator": "all", "rules": [ { "type": "segment", "segmentId": {{copy}}, "member": true } ] }""");
        var error = await Assert.ThrowsAsync<SegmentRuleException>(() => catalog.SaveAsync(copy, "Loop", loop, Marketer));
        Assert.Contains("cannot depend on itself", error.Message);
        var missing = SegmentRuleJson.Parse("""{ "type": "group", "combinator": "all", "rules": [ { "type": "segment", "segmentId": 999, "member": true } ] }""");
        Assert.Contains("#999 does not exist", (await Assert.ThrowsAsync<SegmentRuleException>(() => catalog.CreateAsync("Ghost", missing, Marketer))).Message);
    }

    [Fact]
    public async Task Refresh_StoresMembersAndCountsWhoEnteredAndWhoLeft()
    {
        var world = await SegmentWorld.CreateAsync();
        await using var _ = world.Test;
        await world.AddAsync("Ada", c => c.City = "London");
        await world.AddAsync("Ben", c => c.City = "London");
        var catalog = world.Test.Get<SegmentCatalog>();
        var refresher = world.Test.Get<SegmentRefresher>();
        var id = await catalog.CreateAsync("Londoners", City("London"), Marketer);
        Assert.Equal(1, await refresher.RunDueAsync());

        await using (var store = await world.Test.Stores.CreateDbContextAsync())
            await store.Customers.Where(c => c.GivenName == "Ben").ExecuteUpdateAsync(u => u.SetProperty(c => c.City, "Leeds"));
        await world.AddAsync("Cat", c => c.City = "London");
        await world.AddAsync("Dan", c => c.City = "London");
        var second = await refresher.RefreshAsync(id);

        Assert.Equal(new SegmentRefreshResult(id, 3, 2, 1, second!.DurationMs), second);
        var history = await catalog.HistoryAsync(id);
        Assert.Equal([(2, 2, 0), (3, 2, 1)], history.Select(h => (h.Size, h.Entered, h.Exited)));
        var segment = (await catalog.GetAsync(id))!;
        Assert.Equal(3, segment.Size);
        Assert.Null(segment.RefreshRequestedAt);
        Assert.Equal(0, await refresher.RunDueAsync()); // nothing due until the interval passes or someone asks
    }

    [Fact]
    public async Task CsvExport_LeavesOutTheNonConsentedAndRestricted_AndAuditsTheSegment()
    {
        var world = await SegmentWorld.CreateAsync();
        await using var _ = world.Test;
        await world.AddAsync("Granted", c => c.City = "London");
        await world.AddAsync("Withdrawn", c => c.City = "London");
        await world.AddAsync("Restricted", c => c.City = "London", CustomerStatus.Restricted);
        await world.AddAsync("Leeds", c => c.City = "Leeds");
        await world.AddConsentAsync("Granted", ConsentPurpose.EmailMarketing, ConsentStatus.Granted);
        await world.AddConsentAsync("Withdrawn", ConsentPurpose.EmailMarketing, ConsentStatus.Withdrawn);
        await world.AddConsentAsync("Restricted", ConsentPurpose.EmailMarketing, ConsentStatus.Granted);
        await world.AddConsentAsync("Leeds", ConsentPurpose.EmailMarketing, ConsentStatus.Granted);
        var id = await world.Test.Get<SegmentCatalog>().CreateAsync("Londoners", City("London"), Marketer);

        using var output = new MemoryStream();
        var result = await world.Test.Get<SegmentExport>().WriteCsvAsync(id, ConsentPurpose.EmailMarketing, output, Marketer);

        var csv = Encoding.UTF8.GetString(output.ToArray());
        Assert.Contains("granted@example.com", csv);
        Assert.DoesNotContain("withdrawn@example.com", csv);
        Assert.DoesNotContain("restricted@example.com", csv);
        Assert.DoesNotContain("leeds@example.com", csv);
        Assert.Equal(1, result.Exported);
        Assert.Equal(1, result.SkippedByReason[ConsentCheck.Reasons.Withdrawn]);
        Assert.Equal(1, result.SkippedByReason[ConsentCheck.Reasons.Restricted]);
        await using var store = await world.Test.Stores.CreateDbContextAsync();
        var audit = await store.AuditLog.SingleAsync(a => a.Action == SegmentExport.ExportAction);
        Assert.Equal(id.ToString(), audit.TargetId);
        Assert.Equal("marketer@example.com", audit.UserName);
        Assert.Contains("EmailMarketing: 1 exported, 2 skipped", audit.Details);
        Assert.DoesNotContain("@example.com", audit.Details);
    }

    [Fact]
    public async Task MembersPage_PagesThroughConsentedMembersOfTheLastRefresh()
    {
        var world = await SegmentWorld.CreateAsync();
        await using var _ = world.Test;
        foreach (var name in new[] { "A", "B", "C", "D" })
        {
            await world.AddAsync(name, c => c.City = "London");
            await world.AddConsentAsync(name, ConsentPurpose.EmailMarketing, name == "C" ? ConsentStatus.Denied : ConsentStatus.Granted);
        }
        var id = await world.Test.Get<SegmentCatalog>().CreateAsync("Londoners", City("London"), Marketer);
        await world.Test.Get<SegmentRefresher>().RefreshAsync(id);
        var export = world.Test.Get<SegmentExport>();

        var first = await export.PageAsync(id, ConsentPurpose.EmailMarketing, 0, 2, AuditActor.System("api-key:1"));
        var second = await export.PageAsync(id, ConsentPurpose.EmailMarketing, first.NextAfter!.Value, 2, AuditActor.System("api-key:1"));

        Assert.Equal(["a@example.com", "b@example.com"], first.Members.Select(m => m["email"]));
        Assert.Equal(["d@example.com"], second.Members.Select(m => m["email"]));
        Assert.Equal(1, second.SkippedByReason[ConsentCheck.Reasons.Denied]);
        Assert.Null(second.NextAfter);
        await using var store = await world.Test.Stores.CreateDbContextAsync();
        Assert.Equal(2, await store.AuditLog.CountAsync(a => a.Action == SegmentExport.ApiAction && a.TargetId == id.ToString()));
    }
}
