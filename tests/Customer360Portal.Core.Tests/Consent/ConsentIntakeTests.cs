using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.Consent;

/// <summary>Consent arriving through real intake and projection: CRM consent objects, tracking consent context, unsubscribes.</summary>
public class ConsentIntakeTests
{
    private const string Email = "ann.lee@example.com";

    private static IncomingRecord CrmContact(string consentJson, string updatedAt = "2026-10-01T09:00:00Z") =>
        Record("crm", RecordKinds.Contact,
            $$"""{"id":"C-1","updatedAt":"{{updatedAt}}","firstName":"Ann","lastName":"Lee","email":"{{Email}}","accountId":"A-1","consent":{{consentJson}}}""");

    private static IncomingRecord WebConsent(string messageId, string preferencesJson, string timestamp = "2026-11-01T10:00:00Z") =>
        Record("web", RecordKinds.WebEvent,
            $$"""{"messageId":"{{messageId}}","type":"track","event":"Segment Consent Preference Updated","userId":"A-1","anonymousId":"anon-1","timestamp":"{{timestamp}}","properties":{"path":"/privacy"},"context":{"ip":"203.0.113.9","consent":{"categoryPreferences":""" + preferencesJson + "}}}");

    private static async Task<TestProfileStore> StoreAsync(Action<Microsoft.Extensions.Hosting.IHostApplicationBuilder>? configure = null)
    {
        var test = await CoreHost.CreateAsync(configure);
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("web", "Web", SourceKind.WebAnalytics, ConnectorStyle.Tracking);
        await registry.EnsureSourceAsync("email", "Email", SourceKind.EmailPlatform, ConnectorStyle.Pull);
        return test;
    }

    private static async Task IngestAsync(TestProfileStore test, string source, params IncomingRecord[] records)
    {
        var outcome = await test.Get<IntakePipeline>().IngestAsync(source, records);
        Assert.Equal(0, outcome.Quarantined);
        await test.Get<ProfileProjection>().CatchUpAsync();
    }

    private static async Task<long> CustomerAsync(TestProfileStore test)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return await store.Customers.Where(c => c.Status == CustomerStatus.Active && !c.Anonymous).Select(c => c.Id).SingleAsync();
    }

    [Fact]
    public async Task TwoRecordsInOneBatch_StatePointsAtTheNewerEvent_AndEachEventIsAuditedWithItsId()
    {
        await using var test = await StoreAsync();
        // One intake call, one projection batch: a grant, then a later withdrawal for the same purpose.
        await IngestAsync(test, "crm",
            CrmContact("""{"emailMarketing":{"status":"granted","at":"2026-09-01T08:00:00Z"}}""", updatedAt: "2026-09-01T08:00:00Z"),
            CrmContact("""{"emailMarketing":{"status":"denied","at":"2026-10-05T09:00:00Z"}}""", updatedAt: "2026-10-05T09:00:00Z"));
        var id = await CustomerAsync(test);

        await using var store = await test.Stores.CreateDbContextAsync();
        var events = await store.ConsentEvents.Where(e => e.Purpose == ConsentPurpose.EmailMarketing).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal([ConsentStatus.Granted, ConsentStatus.Withdrawn], events.Select(e => e.Status));
        var state = await store.ConsentStates.SingleAsync(s => s.CustomerId == id && s.Purpose == ConsentPurpose.EmailMarketing);
        Assert.Equal((ConsentStatus.Withdrawn, events[1].Id), (state.Status, state.LastEventId));
        var target = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var audited = await store.AuditLog.Where(a => a.Action == ConsentLedger.AuditAction && a.TargetId == target).Select(a => a.Details).ToListAsync();
        Assert.Contains(audited, d => d!.Contains($"event {events[0].Id}", StringComparison.Ordinal));
        Assert.Contains(audited, d => d!.Contains($"event {events[1].Id}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CrmConsentObject_BecomesLedgerRowsWithTheirRecord_AndCurrentState()
    {
        await using var test = await StoreAsync();
        await IngestAsync(test, "crm", CrmContact("""
            {"emailMarketing":{"status":"granted","at":"2026-09-01T08:00:00Z","basis":"consent","evidence":"form=signup; text=v3","expiresAt":"2028-09-01T08:00:00Z"},
             "sms_marketing":"denied","analytics":true,"madeUpPurpose":true}
            """));
        var id = await CustomerAsync(test);

        await using var store = await test.Stores.CreateDbContextAsync();
        var events = await store.ConsentEvents.OrderBy(e => e.Id).ToListAsync();
        Assert.Equal([ConsentPurpose.EmailMarketing, ConsentPurpose.SmsMarketing, ConsentPurpose.Analytics], events.Select(e => e.Purpose));
        var sourceRecordId = await store.SourceRecords.Select(r => r.Id).SingleAsync();
        Assert.All(events, e => Assert.Equal((id, id, sourceRecordId, "crm"), (e.CustomerId, e.OriginCustomerId!.Value, e.SourceRecordId!.Value, e.SourceKey)));
        var email = events[0];
        Assert.Equal((new DateTime(2026, 9, 1, 8, 0, 0), "form=signup; text=v3", new DateTime(2028, 9, 1, 8, 0, 0)), (email.EffectiveAt, email.Evidence, email.ExpiresAt!.Value));
        Assert.Equal(3, await store.ConsentStates.CountAsync(s => s.CustomerId == id));
        Assert.Equal(3, await store.AuditLog.CountAsync(a => a.Action == ConsentLedger.AuditAction && a.UserName == "intake"));
        var check = test.Get<ConsentCheck>();
        Assert.True((await check.CheckAsync(id, ConsentPurpose.EmailMarketing)).Allowed);
        Assert.Equal(ConsentCheck.Reasons.Denied, (await check.CheckAsync(id, ConsentPurpose.SmsMarketing)).Reason);
    }

    [Fact]
    public async Task SameChoiceSentAgain_AddsNothingToTheLedger()
    {
        await using var test = await StoreAsync();
        await IngestAsync(test, "crm", CrmContact("""{"emailMarketing":"granted"}"""));
        await IngestAsync(test, "crm", CrmContact("""{"emailMarketing":"granted"}""", updatedAt: "2026-10-05T09:00:00Z"));

        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(1, await store.ConsentEvents.CountAsync());
    }

    [Fact]
    public async Task TrackingCategoryPreferences_MapToPurposes_FalseAfterAGrantIsAWithdrawal()
    {
        await using var test = await StoreAsync();
        await IngestAsync(test, "crm", CrmContact("""{"emailMarketing":"granted","partnerSharing":"granted"}"""));
        await IngestAsync(test, "web", WebConsent("m-1", """{"Advertising":false,"Analytics":true,"Functional":true,"DataSharing":false,"EmailMarketing":false,"Unheard Of":true}"""));
        var id = await CustomerAsync(test);

        var current = await test.Get<ConsentLedger>().CurrentAsync(id);
        Assert.Equal(ConsentStatus.Denied, current[ConsentPurpose.SaleOrSharing].Status);
        Assert.Equal(ConsentStatus.Granted, current[ConsentPurpose.Analytics].Status);
        Assert.Equal(ConsentStatus.Withdrawn, current[ConsentPurpose.PartnerSharing].Status);
        Assert.Equal(ConsentStatus.Withdrawn, current[ConsentPurpose.EmailMarketing].Status);
        Assert.False(current.ContainsKey(ConsentPurpose.Personalisation));
        var web = (await test.Get<ConsentLedger>().HistoryAsync(id, ConsentPurpose.EmailMarketing))[0];
        Assert.Equal("web", web.SourceKey);
        Assert.Contains("category=EmailMarketing", web.Evidence);
        Assert.Contains("ip=203.0.113.9", web.Evidence);
        Assert.Contains("page=/privacy", web.Evidence);
    }

    [Fact]
    public async Task ConfiguredCategoryTable_IsUsed()
    {
        await using var test = await StoreAsync(b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Consent:Categories:Newsletter"] = "EmailMarketing, PostMarketing",
        }));
        await IngestAsync(test, "crm", CrmContact("""{"analytics":true}"""));
        await IngestAsync(test, "web", WebConsent("m-1", """{"Newsletter":true}"""));
        var current = await test.Get<ConsentLedger>().CurrentAsync(await CustomerAsync(test));
        Assert.Equal(ConsentStatus.Granted, current[ConsentPurpose.EmailMarketing].Status);
        Assert.Equal(ConsentStatus.Granted, current[ConsentPurpose.PostMarketing].Status);
    }

    [Fact]
    public async Task OlderChoiceArrivingLate_DoesNotOverrideTheNewerOne()
    {
        await using var test = await StoreAsync();
        await IngestAsync(test, "crm", CrmContact("""{"emailMarketing":{"status":"withdrawn","at":"2026-10-01T09:00:00Z"}}"""));
        await IngestAsync(test, "web", WebConsent("m-1", """{"EmailMarketing":true}""", timestamp: "2026-08-01T10:00:00Z"));
        var id = await CustomerAsync(test);

        Assert.Equal(ConsentStatus.Withdrawn, (await test.Get<ConsentLedger>().CurrentAsync(id))[ConsentPurpose.EmailMarketing].Status);
        Assert.Equal(2, (await test.Get<ConsentLedger>().HistoryAsync(id)).Count);
    }

    [Fact]
    public async Task EmailUnsubscribe_WithdrawsEmailMarketing()
    {
        await using var test = await StoreAsync();
        await IngestAsync(test, "crm", CrmContact("""{"emailMarketing":"granted"}"""));
        await IngestAsync(test, "email", Record("email", RecordKinds.EmailEvent,
            $$"""{"eventId":"E-1","email":"{{Email}}","type":"unsubscribed","occurredAt":"2026-11-02T10:00:00Z","campaignId":"CMP-9"}"""));
        var id = await CustomerAsync(test);

        var decision = await test.Get<ConsentCheck>().CheckAsync(id, ConsentPurpose.EmailMarketing);
        Assert.Equal(ConsentCheck.Reasons.Withdrawn, decision.Reason);
    }

    [Fact]
    public async Task StitchedVisitorsRefusal_HoldsAfterTheMerge_AndGoesBackOnUnmerge()
    {
        await using var test = await StoreAsync();
        await IngestAsync(test, "crm", CrmContact("""{"emailMarketing":{"status":"granted","at":"2026-09-01T08:00:00Z"}}"""));
        await IngestAsync(test, "web", Record("web", RecordKinds.WebEvent,
            """{"messageId":"m-1","type":"track","event":"Segment Consent Preference Updated","anonymousId":"cookie-9","timestamp":"2026-10-06T08:00:00Z","context":{"consent":{"categoryPreferences":{"EmailMarketing":false}}}}"""));
        await IngestAsync(test, "web", Record("web", RecordKinds.WebEvent,
            """{"messageId":"m-2","type":"identify","anonymousId":"cookie-9","userId":"A-1","timestamp":"2026-10-07T09:00:00Z","traits":{"email":"ann.lee@example.com"}}"""));
        var id = await CustomerAsync(test);
        Assert.Equal(ConsentCheck.Reasons.Denied, (await test.Get<ConsentCheck>().CheckAsync(id, ConsentPurpose.EmailMarketing)).Reason);

        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var merge = await store.Merges.SingleAsync();
            await test.Get<Core.IdentityResolution.IdentityGraph>().UnmergeAsync(merge.Id, new Core.Audit.AuditActor("u-1", "agent"), "not the same person");
        }

        await using var after = await test.Stores.CreateDbContextAsync();
        var visitor = (await after.Merges.SingleAsync()).MergedId;
        Assert.True((await test.Get<ConsentCheck>().CheckAsync(id, ConsentPurpose.EmailMarketing)).Allowed);
        Assert.Equal(ConsentStatus.Denied, (await test.Get<ConsentLedger>().CurrentAsync(visitor))[ConsentPurpose.EmailMarketing].Status);
        Assert.Single(await test.Get<ConsentLedger>().HistoryAsync(visitor));
    }

    [Fact]
    public async Task VisitorsConsentAndTheMergeInOneBatch_EveryStatePointsAtItsEvent()
    {
        await using var test = await StoreAsync();
        await IngestAsync(test, "crm", CrmContact("""{"emailMarketing":{"status":"granted","at":"2026-09-01T08:00:00Z"}}"""));
        // The refusal and the identify that stitches the visitor to the customer arrive in one projection batch.
        await IngestAsync(test, "web",
            Record("web", RecordKinds.WebEvent,
                """{"messageId":"m-1","type":"track","event":"Segment Consent Preference Updated","anonymousId":"cookie-9","timestamp":"2026-10-06T08:00:00Z","context":{"consent":{"categoryPreferences":{"EmailMarketing":false,"Analytics":true}}}}"""),
            Record("web", RecordKinds.WebEvent,
                """{"messageId":"m-2","type":"identify","anonymousId":"cookie-9","userId":"A-1","timestamp":"2026-10-07T09:00:00Z","traits":{"email":"ann.lee@example.com"}}"""));
        var id = await CustomerAsync(test);

        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(1, await store.Merges.CountAsync());
        var states = await store.ConsentStates.Where(s => s.CustomerId == id).ToListAsync();
        Assert.Contains(states, s => s.Purpose == ConsentPurpose.Analytics);
        foreach (var state in states)
        {
            var pointed = await store.ConsentEvents.SingleAsync(e => e.Id == state.LastEventId);
            Assert.Equal((id, state.Purpose), (pointed.CustomerId, pointed.Purpose));
        }
        Assert.Equal(ConsentCheck.Reasons.Denied, (await test.Get<ConsentCheck>().CheckAsync(id, ConsentPurpose.EmailMarketing)).Reason);
    }

    [Fact]
    public async Task InvalidConsentStatus_QuarantinesTheRecordWithAReasonWithoutTheValue()
    {
        await using var test = await StoreAsync();
        var outcome = await test.Get<IntakePipeline>().IngestAsync("crm", [CrmContact("""{"emailMarketing":"maybe-secret"}""")]);
        Assert.Equal(1, outcome.Quarantined);
        await using var store = await test.Stores.CreateDbContextAsync();
        var reasons = await store.Quarantine.Select(q => q.Reason).SingleAsync();
        Assert.Contains("consent.EmailMarketing", reasons);
        Assert.DoesNotContain("maybe-secret", reasons);
    }
}
