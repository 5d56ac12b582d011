using System.Security.Cryptography;
using System.Text;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.Ingestion;

public class QuarantineServiceTests
{
    private static readonly AuditActor Admin = new("admin-id", "admin@example.com");

    private static async Task<TestProfileStore> StoreWithSourcesAsync()
    {
        var test = await CoreHost.CreateAsync();
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Pull);
        await registry.EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        await registry.EnsureSourceAsync("email", "Email", SourceKind.EmailPlatform, ConnectorStyle.Push);
        return test;
    }

    private static IncomingRecord EmailEvent(string eventId, string email, string type = "opened") =>
        Record("email", RecordKinds.EmailEvent,
            $$"""{"eventId":"{{eventId}}","email":"{{email}}","type":"{{type}}","occurredAt":"2026-10-01T09:00:00Z","campaignId":"CMP-7"}""");

    private static IncomingRecord ContactIn(string id, string country, string email = "ann@example.com") =>
        Record("crm", RecordKinds.Contact,
            $$"""{"id":"{{id}}","updatedAt":"2026-10-01T09:00:00Z","firstName":"Ann","lastName":"Lee","email":"{{email}}","address":{"city":"Leeds","country":"{{country}}"} }""");

    private static async Task<long> QuarantineIdAsync(TestProfileStore test, string externalId)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return await store.Quarantine.Where(q => q.ExternalId == externalId).Select(q => q.Id).SingleAsync();
    }

    /// <summary>The invariant of every source: received = stored + duplicates + quarantined, and quarantined = open rows.</summary>
    private static async Task<DataSource> AssertBalancedAsync(TestProfileStore test, string key)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        var source = await store.DataSources.AsNoTracking().SingleAsync(s => s.Key == key);
        Assert.Equal(source.Received, source.Stored + source.Duplicates + source.Quarantined);
        Assert.Equal(source.Quarantined, await store.Quarantine.CountAsync(q => q.SourceKey == key && q.ReplayedAt == null));
        Assert.Equal(source.Stored, await store.SourceRecords.CountAsync(r => r.SourceKey == key));
        return source;
    }

    [Fact]
    public async Task Summary_GroupsBySourceAndReason_CountingARecordUnderEachOfItsReasons()
    {
        await using var test = await StoreWithSourcesAsync();
        var pipeline = test.Get<IntakePipeline>();
        await pipeline.IngestAsync("email", [EmailEvent("E-1", "bad@@example.com"), EmailEvent("E-2", "also-bad"), EmailEvent("E-3", "ok@example.com", type: "waved")]);
        await pipeline.IngestAsync("crm", [ContactIn("C-1", "Untied Kingdom", email: "nope"), ContactIn("C-2", "GB")]);

        var summary = await test.Get<QuarantineService>().SummaryAsync();

        Assert.Equal(4, summary.Open);
        Assert.Equal([new QuarantineSourceCount("email", 3), new QuarantineSourceCount("crm", 1)], summary.BySource);
        var email = summary.ByReason.Single(r => r.Reason == "email: not a valid email address");
        Assert.Equal(3, email.Open); // E-1, E-2 and C-1
        Assert.Equal("email", email.Field);
        Assert.Equal(1, summary.ByReason.Single(r => r.Field == "address.country").Open);
        Assert.Equal(1, summary.ByReason.Single(r => r.Field == "type").Open);
        Assert.Equal(2, summary.BySourceAndReason.Single(g => g.SourceKey == "email" && g.Reason == "email: not a valid email address").Open);
        Assert.Equal(1, summary.BySourceAndReason.Single(g => g.SourceKey == "crm" && g.Reason == "email: not a valid email address").Open);
        Assert.DoesNotContain(summary.ByReason, r => r.Reason.Contains("Untied", StringComparison.Ordinal) || r.Reason.Contains("@@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_FiltersBySourceAndExactReason_AndPages()
    {
        await using var test = await StoreWithSourcesAsync();
        var pipeline = test.Get<IntakePipeline>();
        await pipeline.IngestAsync("email", Enumerable.Range(1, 7).Select(i => EmailEvent($"E-{i}", $"bad{i}@@x.com")).ToList());
        await pipeline.IngestAsync("email", [EmailEvent("E-T", "ok@example.com", type: "waved")]);
        await pipeline.IngestAsync("crm", [ContactIn("C-1", "GB", email: "nope")]);
        var quarantine = test.Get<QuarantineService>();

        var page1 = await quarantine.ListAsync(new QuarantineFilter("email", "email: not a valid email address", Page: 0, PageSize: 5));
        var page2 = await quarantine.ListAsync(new QuarantineFilter("email", "email: not a valid email address", Page: 1, PageSize: 5));
        var byType = await quarantine.ListAsync(new QuarantineFilter(Reason: "type: must be one of sent, delivered, opened, clicked, bounced, unsubscribed, complained"));
        var all = await quarantine.ListAsync(new QuarantineFilter());

        Assert.Equal(7, page1.Total);
        Assert.Equal(5, page1.Items.Count);
        Assert.Equal(2, page2.Items.Count);
        Assert.Empty(page1.Items.Select(i => i.Id).Intersect(page2.Items.Select(i => i.Id)));
        Assert.All(page1.Items.Concat(page2.Items), i => Assert.Equal(("email", RecordKinds.EmailEvent), (i.SourceKey, i.Kind)));
        Assert.Equal("E-T", Assert.Single(byType.Items).ExternalId);
        Assert.Equal(9, all.Total);
    }

    [Fact]
    public async Task Get_ShowsTheProblemFieldsWithTheirValues_AndAuditsTheViewByIdOnly()
    {
        await using var test = await StoreWithSourcesAsync();
        await test.Get<IntakePipeline>().IngestAsync("email", [EmailEvent("E-1", "jon@@example.com")]);
        var id = await QuarantineIdAsync(test, "E-1");

        var detail = await test.Get<QuarantineService>().GetAsync(id, Admin);

        Assert.NotNull(detail);
        Assert.Equal(["email: not a valid email address"], detail.Reasons);
        var field = Assert.Single(detail.Fields);
        Assert.Equal(("email", System.Text.Json.JsonValueKind.String, "jon@@example.com"), (field.Path, field.Kind, field.Value));
        Assert.True(detail.PayloadIsJson);
        Assert.Contains("\"campaignId\": \"CMP-7\"", detail.PayloadJson);
        var entry = Assert.Single(await test.Get<AuditLog>().RecentAsync(10, "quarantine."));
        Assert.Equal(("quarantine.viewed", "quarantine", id.ToString(System.Globalization.CultureInfo.InvariantCulture), null),
            (entry.Action, entry.TargetType, entry.TargetId, entry.Details));
    }

    [Fact]
    public async Task FixBadEmailAndReplay_StoresAPendingSourceRecord_MarksTheRowReplayed_AndProjectsIt()
    {
        await using var test = await StoreWithSourcesAsync();
        await test.Get<IntakePipeline>().IngestAsync("email", [EmailEvent("E-1", "jon@@example.com"), EmailEvent("E-2", "ann@example.com")]);
        await AssertBalancedAsync(test, "email");
        var id = await QuarantineIdAsync(test, "E-1");
        var quarantine = test.Get<QuarantineService>();

        var result = await quarantine.FixAndReplayAsync(id, QuarantineEdit.Field("email", "Jon@Example.com"), Admin);

        Assert.Equal(ReplayOutcome.Stored, result.Outcome);
        Assert.NotNull(result.SourceRecordId);
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var record = await store.SourceRecords.SingleAsync(r => r.Id == result.SourceRecordId);
            Assert.Equal(("email", "E-1", RecordKinds.EmailEvent, SourceRecordStatus.Pending), (record.SourceKey, record.ExternalId, record.Kind, record.Status));
            Assert.Contains("\"email\":\"jon@example.com\"", record.NormalizedJson);
            Assert.Contains("\"campaignId\":\"CMP-7\"", record.PayloadJson); // the rest of the payload is kept
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(record.PayloadJson))), record.PayloadHash);
            var row = await store.Quarantine.SingleAsync(q => q.Id == id);
            Assert.Equal(CoreHost.Now.UtcDateTime, row.ReplayedAt);
            Assert.Equal(result.SourceRecordId, row.ReplayedAsSourceRecordId);
        }
        var source = await AssertBalancedAsync(test, "email");
        Assert.Equal((2L, 2L, 0L, 0L), (source.Received, source.Stored, source.Duplicates, source.Quarantined));
        Assert.Equal(0, (await quarantine.ListAsync(new QuarantineFilter())).Total);
        Assert.Equal(0, (await quarantine.SummaryAsync()).Open);

        // Status Pending is all projection needs: the fixed record reaches a profile like any other.
        await test.Get<ProfileProjection>().CatchUpAsync();
        await using (var store = await test.Stores.CreateDbContextAsync())
            Assert.NotNull((await store.SourceRecords.SingleAsync(r => r.Id == result.SourceRecordId)).CustomerId);
    }

    [Fact]
    public async Task FixThatIsStillInvalid_KeepsTheRowOpenWithTheEditedPayloadAndTheNewReasons()
    {
        await using var test = await StoreWithSourcesAsync();
        await test.Get<IntakePipeline>().IngestAsync("email", [EmailEvent("E-1", "jon@@example.com", type: "waved")]);
        var id = await QuarantineIdAsync(test, "E-1");
        var quarantine = test.Get<QuarantineService>();

        var result = await quarantine.FixAndReplayAsync(id, QuarantineEdit.Field("email", "jon@example.com"), Admin);

        Assert.Equal(ReplayOutcome.StillInvalid, result.Outcome);
        Assert.Equal(["type: must be one of sent, delivered, opened, clicked, bounced, unsubscribed, complained"], result.Reasons);
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var row = await store.Quarantine.SingleAsync(q => q.Id == id);
            Assert.Null(row.ReplayedAt);
            Assert.Equal("type: must be one of sent, delivered, opened, clicked, bounced, unsubscribed, complained", row.Reason);
            Assert.Contains("\"email\":\"jon@example.com\"", row.PayloadJson);
            Assert.Equal(0, await store.SourceRecords.CountAsync());
        }
        await AssertBalancedAsync(test, "email");
        var detail = await quarantine.GetAsync(id, Admin);
        Assert.Equal("type", Assert.Single(detail!.Fields).Path);

        // The admin fixes what is still wrong, with the edit the detail panel makes from the typed text.
        var second = await quarantine.FixAndReplayAsync(id, new QuarantineEdit { Fields = [detail.Fields[0].Edit("clicked")] }, Admin);
        Assert.Equal(ReplayOutcome.Stored, second.Outcome);
        var source = await AssertBalancedAsync(test, "email");
        Assert.Equal((1L, 1L, 0L), (source.Received, source.Stored, source.Quarantined));
    }

    [Fact]
    public async Task ReplayTwice_StoresOnce_AndMovesTheCountersOnce()
    {
        await using var test = await StoreWithSourcesAsync();
        await test.Get<IntakePipeline>().IngestAsync("email", [EmailEvent("E-1", "jon@@example.com")]);
        var id = await QuarantineIdAsync(test, "E-1");
        var quarantine = test.Get<QuarantineService>();
        var fix = QuarantineEdit.Field("email", "jon@example.com");

        var first = await quarantine.FixAndReplayAsync(id, fix, Admin);
        var again = await quarantine.FixAndReplayAsync(id, fix, Admin);
        var asIs = await quarantine.ReplayAsync(id, Admin);
        var many = await quarantine.ReplayAsync([id, id], Admin);
        // Two admins at once: each claims the row with a conditional update, so only one replay can win.
        await test.Get<IntakePipeline>().IngestAsync("email", [EmailEvent("E-2", "ann@@example.com")]);
        var id2 = await QuarantineIdAsync(test, "E-2");
        var racing = await Task.WhenAll(
            quarantine.FixAndReplayAsync(id2, QuarantineEdit.Field("email", "ann@example.com"), Admin),
            quarantine.FixAndReplayAsync(id2, QuarantineEdit.Field("email", "ann@example.com"), Admin));

        Assert.Equal(ReplayOutcome.Stored, first.Outcome);
        Assert.Equal(ReplayOutcome.AlreadyReplayed, again.Outcome);
        Assert.Equal(first.SourceRecordId, again.SourceRecordId);
        Assert.Equal(ReplayOutcome.AlreadyReplayed, asIs.Outcome);
        Assert.Equal(new ReplaySummary(1, 0, 0, 0, 1), many);
        Assert.Equal(1, racing.Count(r => r.Outcome == ReplayOutcome.Stored));
        Assert.Equal(1, racing.Count(r => r.Outcome == ReplayOutcome.AlreadyReplayed));
        var source = await AssertBalancedAsync(test, "email");
        Assert.Equal((2L, 2L, 0L, 0L), (source.Received, source.Stored, source.Duplicates, source.Quarantined));
    }

    [Fact]
    public async Task FixedRecordEqualToOneStored_CountsAsDuplicate_AndPointsAtTheStoredRecord()
    {
        await using var test = await StoreWithSourcesAsync();
        var pipeline = test.Get<IntakePipeline>();
        var good = """{"eventId":"E-1","email":"jon@example.com","type":"opened","occurredAt":"2026-10-01T09:00:00Z"}""";
        await pipeline.IngestAsync("email", [Record("email", RecordKinds.EmailEvent, good)]);
        await pipeline.IngestAsync("email", [Record("email", RecordKinds.EmailEvent, good.Replace("jon@example.com", "jon@@example.com", StringComparison.Ordinal))]);
        var id = await QuarantineIdAsync(test, "E-1");

        var result = await test.Get<QuarantineService>().FixAndReplayAsync(id, QuarantineEdit.Field("email", "jon@example.com"), Admin);

        Assert.Equal(ReplayOutcome.Duplicate, result.Outcome);
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var stored = await store.SourceRecords.SingleAsync();
            Assert.Equal(stored.Id, result.SourceRecordId);
            Assert.Equal(stored.Id, (await store.Quarantine.SingleAsync()).ReplayedAsSourceRecordId);
        }
        var source = await AssertBalancedAsync(test, "email");
        Assert.Equal((2L, 1L, 1L, 0L), (source.Received, source.Stored, source.Duplicates, source.Quarantined));
    }

    [Fact]
    public async Task BulkMap_ReplacesTheExactValueInEveryMatchingRecordOfTheSource_AndReplaysThem()
    {
        await using var test = await StoreWithSourcesAsync();
        var pipeline = test.Get<IntakePipeline>();
        var contacts = Enumerable.Range(1, 12).Select(i => ContactIn($"C-{i}", "Untied Kingdom", email: $"p{i}@example.com")).ToList();
        contacts.Add(ContactIn("C-bad-email", "Untied Kingdom", email: "nope"));   // mapped, but still invalid
        contacts.Add(ContactIn("C-other", "Untied Staates"));                      // other value: untouched
        contacts.Add(ContactIn("C-email-only", "GB", email: "nope"));              // no country reason: untouched
        await pipeline.IngestAsync("crm", contacts);
        await AssertBalancedAsync(test, "crm");
        var quarantine = test.Get<QuarantineService>();

        var result = await quarantine.BulkMapAsync(new BulkMapRequest("crm", "address.country", "Untied Kingdom", "GB"), Admin);

        Assert.Equal(new BulkMapResult(Matched: 14, Changed: 13, Stored: 12, Duplicates: 0, StillInvalid: 1), result);
        Assert.Equal(12, result.BecameValid);
        var source = await AssertBalancedAsync(test, "crm");
        Assert.Equal((15L, 12L, 3L), (source.Received, source.Stored, source.Quarantined));
        var open = await quarantine.ListAsync(new QuarantineFilter("crm"));
        Assert.Equal(["C-bad-email", "C-email-only", "C-other"], open.Items.Select(i => i.ExternalId).Order(StringComparer.Ordinal));
        Assert.Equal(["email: not a valid email address"], open.Items.Single(i => i.ExternalId == "C-bad-email").Reasons);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.All(await store.SourceRecords.ToListAsync(), r => Assert.Contains("\"country\":\"GB\"", r.PayloadJson));
    }

    [Fact]
    public async Task BulkMap_WithAnArrayWildcard_FixesEveryLine()
    {
        await using var test = await StoreWithSourcesAsync();
        var order = """{"orderNumber":"O-1","placedAt":"2026-10-05T10:30:00Z","currency":"GBP","total":"10","email":"a@example.com","lines":[{"sku":"A","quantity":0,"unitPrice":"5"},{"sku":"B","quantity":0,"unitPrice":"5"}]}""";
        await test.Get<IntakePipeline>().IngestAsync("shop", [Record("shop", RecordKinds.Order, order)]);

        var result = await test.Get<QuarantineService>().BulkMapAsync(new BulkMapRequest("shop", "lines[*].quantity", "0", "1"), Admin);

        Assert.Equal(1, result.Stored);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Contains("\"quantity\":1,", (await store.SourceRecords.SingleAsync()).PayloadJson);
        await AssertBalancedAsync(test, "shop");
    }

    [Fact]
    public async Task ReplayAsIs_AfterARuleWasRelaxed_StoresTheRecords()
    {
        await using var test = await StoreWithSourcesAsync();
        // Quarantined under an older, stricter rule: the payload itself is valid today.
        var items = new[] { "E-1", "E-2" }.Select(eventId =>
        {
            var payload = $$"""{"eventId":"{{eventId}}","email":"{{eventId.ToLowerInvariant()}}@example.com","type":"opened","occurredAt":"2026-10-01T09:00:00Z"}""";
            return new IntakeItem(RecordKinds.EmailEvent, eventId, payload, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload))),
                null, null, ["email: domain not allowed"]);
        }).ToList();
        await test.Get<IntakePipeline>().WriteAsync("email", items);
        await test.Get<IntakePipeline>().IngestAsync("email", [EmailEvent("E-3", "still@@bad")]);
        await AssertBalancedAsync(test, "email");
        var quarantine = test.Get<QuarantineService>();

        var summary = await quarantine.ReplayAllAsync("email", "email: domain not allowed", Admin);
        var rest = await quarantine.ReplayAsync([await QuarantineIdAsync(test, "E-3")], Admin);

        Assert.Equal(new ReplaySummary(2, 2, 0, 0, 0), summary);
        Assert.Equal(new ReplaySummary(1, 0, 0, 1, 0), rest);
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            // Replayed as is: the stored record has the hash the source's bytes had, so a resend is a duplicate.
            Assert.Equal(items.Select(i => i.PayloadHash).Order(), (await store.SourceRecords.Select(r => r.PayloadHash).ToListAsync()).Order());
        }
        var source = await AssertBalancedAsync(test, "email");
        Assert.Equal((3L, 2L, 1L), (source.Received, source.Stored, source.Quarantined));
    }

    [Fact]
    public async Task RejectedEdit_ChangesNothing()
    {
        await using var test = await StoreWithSourcesAsync();
        await test.Get<IntakePipeline>().IngestAsync("email", [EmailEvent("E-1", "jon@@example.com")]);
        var id = await QuarantineIdAsync(test, "E-1");
        var quarantine = test.Get<QuarantineService>();
        string before;
        await using (var store = await test.Stores.CreateDbContextAsync())
            before = (await store.Quarantine.SingleAsync()).PayloadJson;

        var badJson = await quarantine.FixAndReplayAsync(id, QuarantineEdit.Payload("{\"eventId\": "), Admin);
        var badPath = await quarantine.FixAndReplayAsync(id, QuarantineEdit.Field("email[", "x"), Admin);
        var noPlace = await quarantine.FixAndReplayAsync(id, QuarantineEdit.Field("email.local", "x"), Admin);
        var badKind = await quarantine.FixAndReplayAsync(id, new QuarantineEdit { Kind = "invoice" }, Admin);

        await Assert.ThrowsAsync<QuarantineEditException>(() => quarantine.BulkMapAsync(new BulkMapRequest("email", "email]", "a", "b"), Admin));

        Assert.All([badJson, badPath, noPlace, badKind], r => Assert.Equal(ReplayOutcome.EditRejected, r.Outcome));
        Assert.All([badJson, badPath, noPlace, badKind], r => Assert.DoesNotContain("jon@@", r.Message));
        await using (var store = await test.Stores.CreateDbContextAsync())
            Assert.Equal(before, (await store.Quarantine.SingleAsync()).PayloadJson);
        Assert.Empty(await test.Get<AuditLog>().RecentAsync(10, "quarantine."));
        await AssertBalancedAsync(test, "email");
    }

    [Fact]
    public async Task WholePayloadReplaced_AndUnknownKindFixed_IsStored()
    {
        await using var test = await StoreWithSourcesAsync();
        await test.Get<IntakePipeline>().IngestAsync("email", [Record("email", "(missing kind)", """{"eventId":"E-9"}""")]);
        await using (var store = await test.Stores.CreateDbContextAsync())
            Assert.Equal("kind: unknown record kind", (await store.Quarantine.SingleAsync()).Reason);
        var id = (await test.Get<QuarantineService>().ListAsync(new QuarantineFilter())).Items.Single().Id;

        var result = await test.Get<QuarantineService>().FixAndReplayAsync(id, new QuarantineEdit
        {
            Kind = RecordKinds.EmailEvent,
            PayloadJson = """{"eventId":"E-9","email":"kim@example.com","type":"sent","occurredAt":"2026-10-01T09:00:00Z"}""",
        }, Admin);

        Assert.Equal(ReplayOutcome.Stored, result.Outcome);
        await using (var store = await test.Stores.CreateDbContextAsync())
            Assert.Equal(RecordKinds.EmailEvent, (await store.SourceRecords.SingleAsync()).Kind);
        await AssertBalancedAsync(test, "email");
    }

    [Fact]
    public async Task EveryAction_IsAuditedWithIdsAndCountsButNeverValues()
    {
        await using var test = await StoreWithSourcesAsync();
        var pipeline = test.Get<IntakePipeline>();
        await pipeline.IngestAsync("email", [EmailEvent("E-1", "secret.person@@example.com"), EmailEvent("E-2", "other.secret@@example.com")]);
        await pipeline.IngestAsync("crm", [ContactIn("C-1", "Untied Kingdom")]);
        var quarantine = test.Get<QuarantineService>();
        var id1 = await QuarantineIdAsync(test, "E-1");
        var id2 = await QuarantineIdAsync(test, "E-2");

        await quarantine.GetAsync(id1, Admin);
        await quarantine.FixAndReplayAsync(id1, QuarantineEdit.Field("email", "fixed.person@example.com"), Admin);
        await quarantine.ReplayAsync([id2], Admin);
        await quarantine.BulkMapAsync(new BulkMapRequest("crm", "address.country", "Untied Kingdom", "GB"), Admin);

        var entries = await test.Get<AuditLog>().RecentAsync(20, "quarantine.");
        Assert.Equal(["quarantine.bulk-mapped", "quarantine.replayed", "quarantine.fixed", "quarantine.viewed"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(("admin-id", "admin@example.com"), (e.UserId, e.UserName)));
        var id1Text = id1.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(id1Text, entries.Single(e => e.Action == "quarantine.fixed").TargetId);
        Assert.Contains("stored as source record", entries.Single(e => e.Action == "quarantine.fixed").Details);
        Assert.Contains("1 still invalid", entries.Single(e => e.Action == "quarantine.replayed").Details);
        Assert.Equal(("source", "crm"), (entries[0].TargetType, entries[0].TargetId));
        Assert.Contains("1 stored", entries[0].Details);
        string[] values = ["secret", "fixed.person", "example.com", "Untied", "Kingdom", "GB", "@"];
        Assert.All(entries, e => Assert.All(values, v => Assert.DoesNotContain(v, (e.Details ?? "") + e.TargetId, StringComparison.OrdinalIgnoreCase)));
    }
}
