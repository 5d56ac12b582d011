using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.IdentityResolution;

/// <summary>
/// Full re-resolution keeps the consent ledger and the current consent consistent: a record's ledger rows follow the
/// record, rows recorded by a person follow their profile, and the current state is the ledger's latest word.
/// </summary>
public class FullResolutionConsentTests
{
    private const string Email = "ann.lee@example.com";
    private static readonly AuditActor Agent = new("agent-1", "agent@example.com");

    /// <summary>
    /// Ann's CRM contact grants email marketing; her later unsubscribe arrives while her email is on the blocklist, so
    /// the incremental projection keeps it on a profile of its own. The admin then takes the email off the blocklist
    /// and re-resolves the store, which joins the two.
    /// </summary>
    private static async Task<(TestProfileStore Test, long Crm, long Unsubscribe)> SplitAnnAsync()
    {
        var test = await CoreHost.CreateAsync(b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Resolution:Blocklist:0"] = Email,
        }));
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("email", "Email", SourceKind.EmailPlatform, ConnectorStyle.Pull);
        await test.Get<IntakePipeline>().IngestAsync("crm", [Record("crm", RecordKinds.Contact,
            $$$$"""{"id":"C-1","updatedAt":"2026-10-01T09:00:00Z","firstName":"Ann","lastName":"Lee","email":"{{{{Email}}}}","accountId":"A-1","consent":{"emailMarketing":{"status":"granted","at":"2026-09-01T08:00:00Z"}}}""")]);
        await test.Get<ProfileProjection>().CatchUpAsync();
        await test.Get<IntakePipeline>().IngestAsync("email", [Record("email", RecordKinds.EmailEvent,
            $$"""{"eventId":"E-1","email":"{{Email}}","type":"unsubscribed","occurredAt":"2026-11-02T10:00:00Z","campaignId":"CMP-9"}""")]);
        await test.Get<ProfileProjection>().CatchUpAsync();

        await using var store = await test.Stores.CreateDbContextAsync();
        var crm = await store.SourceRecords.Where(r => r.SourceKey == "crm").Select(r => r.CustomerId!.Value).SingleAsync();
        var unsubscribe = await store.SourceRecords.Where(r => r.SourceKey == "email").Select(r => r.CustomerId!.Value).SingleAsync();
        Assert.NotEqual(crm, unsubscribe);
        Assert.True((await test.Get<ConsentCheck>().CheckAsync(crm, ConsentPurpose.EmailMarketing)).Allowed);
        return (test, crm, unsubscribe);
    }

    private static ConsentChange ByPerson(ConsentPurpose purpose, ConsentStatus status, DateTime at) =>
        new(purpose, status, LawfulBasis.Consent, "consent-panel", "phone call", "customer asked", EffectiveAt: at);

    private static async Task RerunWithoutBlocklistAsync(TestProfileStore test)
    {
        test.Get<IOptions<ResolutionOptions>>().Value.Blocklist.Clear();
        await test.Get<FullResolution>().RunAsync();
    }

    [Fact]
    public async Task JoinedByTheFullRun_TheLaterUnsubscribeWins_AndEveryLedgerRowSitsWhereItBelongs()
    {
        var (test, crm, unsubscribe) = await SplitAnnAsync();
        await using var _ = test;
        var ledger = test.Get<ConsentLedger>();
        var smsOnCrm = await ledger.RecordAsync(crm, ByPerson(ConsentPurpose.SmsMarketing, ConsentStatus.Granted, new DateTime(2026, 10, 15)), Agent);
        var analyticsOnOther = await ledger.RecordAsync(unsubscribe, ByPerson(ConsentPurpose.Analytics, ConsentStatus.Denied, new DateTime(2026, 10, 20)), Agent);

        await RerunWithoutBlocklistAsync(test);

        await using var store = await test.Stores.CreateDbContextAsync();
        var records = await store.SourceRecords.ToDictionaryAsync(r => r.SourceKey);
        var survivor = records["crm"].CustomerId!.Value;
        Assert.Equal(survivor, records["email"].CustomerId);
        var gone = survivor == crm ? unsubscribe : crm;
        Assert.Equal((CustomerStatus.Merged, survivor), await store.Customers.Where(c => c.Id == gone).Select(c => new ValueTuple<CustomerStatus, long?>(c.Status, c.MergedIntoId)).SingleAsync());

        // The unsubscribe's ledger row followed its record, carrying the record's origin; the grant stayed with its record.
        var events = await store.ConsentEvents.ToListAsync();
        var withdrawal = events.Single(e => e.SourceRecordId == records["email"].Id);
        var grant = events.Single(e => e.SourceRecordId == records["crm"].Id);
        Assert.Equal((survivor, records["email"].OriginCustomerId), (withdrawal.CustomerId, withdrawal.OriginCustomerId));
        Assert.Equal((survivor, records["crm"].OriginCustomerId), (grant.CustomerId, grant.OriginCustomerId));
        Assert.Equal(unsubscribe, withdrawal.OriginCustomerId);
        // What a person recorded stays with the profile it was recorded for, or goes with it to its survivor.
        Assert.Equal((survivor, crm), events.Where(e => e.Id == smsOnCrm).Select(e => (e.CustomerId, e.OriginCustomerId!.Value)).Single());
        Assert.Equal((survivor, unsubscribe), events.Where(e => e.Id == analyticsOnOther).Select(e => (e.CustomerId, e.OriginCustomerId!.Value)).Single());

        // Current consent is the ledger's latest word: the later unsubscribe, not the surviving profile's old grant.
        var states = await store.ConsentStates.Where(s => s.CustomerId == survivor).ToDictionaryAsync(s => s.Purpose);
        Assert.NotEqual(ConsentStatus.Granted, states[ConsentPurpose.EmailMarketing].Status);
        Assert.Equal(withdrawal.Status, states[ConsentPurpose.EmailMarketing].Status);
        Assert.Equal(withdrawal.Id, states[ConsentPurpose.EmailMarketing].LastEventId);
        Assert.Equal((ConsentStatus.Granted, smsOnCrm), (states[ConsentPurpose.SmsMarketing].Status, states[ConsentPurpose.SmsMarketing].LastEventId));
        Assert.Equal((ConsentStatus.Denied, analyticsOnOther), (states[ConsentPurpose.Analytics].Status, states[ConsentPurpose.Analytics].LastEventId));
        Assert.False(await store.ConsentStates.AnyAsync(s => s.CustomerId == gone));
        await AssertStatesMatchLedgerAsync(test);

        var check = test.Get<ConsentCheck>();
        var decision = await check.CheckAsync(survivor, ConsentPurpose.EmailMarketing);
        Assert.False(decision.Allowed);
        Assert.Contains(decision.Reason, new[] { ConsentCheck.Reasons.Withdrawn, ConsentCheck.Reasons.Denied });
        Assert.True((await check.CheckAsync(survivor, ConsentPurpose.SmsMarketing)).Allowed);
    }

    [Fact]
    public async Task ARecordMovingAwayFromAProfileThatStays_TakesItsConsentAlong_WhilePersonRecordedRowsStay()
    {
        var (test, crm, unsubscribe) = await SplitAnnAsync();
        await using var _ = test;
        // A reviewer merged Bob, another person, with the profile holding Ann's unsubscribe: that profile stays Bob's
        // in the full run, while the unsubscribe moves to Ann.
        await test.Get<IntakePipeline>().IngestAsync("crm", [Record("crm", RecordKinds.Contact,
            """{"id":"C-2","updatedAt":"2026-10-03T09:00:00Z","firstName":"Bob","lastName":"Stone","email":"bob.stone@example.com","accountId":"A-2"}""")]);
        await test.Get<ProfileProjection>().CatchUpAsync();
        long bob, holder;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            bob = await store.SourceRecords.Where(r => r.ExternalId == "C-2").Select(r => r.CustomerId!.Value).SingleAsync();
            var review = new MatchReview
            {
                LeftCustomerId = Math.Min(bob, unsubscribe), RightCustomerId = Math.Max(bob, unsubscribe), Reason = "probabilistic",
                EvidenceJson = "[]", Status = ReviewStatus.Open, CreatedAt = new DateTime(2026, 11, 3),
            };
            store.MatchReviews.Add(review);
            await store.SaveChangesAsync();
            holder = await test.Get<ReviewQueue>().AcceptAsync(review.Id, Agent, "same person");
        }
        var onBobsProfile = await test.Get<ConsentLedger>().RecordAsync(holder,
            ByPerson(ConsentPurpose.Analytics, ConsentStatus.Denied, new DateTime(2026, 11, 4)), Agent);

        await RerunWithoutBlocklistAsync(test);

        await using var after = await test.Stores.CreateDbContextAsync();
        var records = await after.SourceRecords.ToDictionaryAsync(r => r.ExternalId);
        Assert.Equal((crm, crm, holder), (records["C-1"].CustomerId!.Value, records["E-1"].CustomerId!.Value, records["C-2"].CustomerId!.Value));
        Assert.Equal(CustomerStatus.Active, await after.Customers.Where(c => c.Id == holder).Select(c => c.Status).SingleAsync());
        var events = await after.ConsentEvents.ToListAsync();
        var withdrawal = events.Single(e => e.SourceRecordId == records["E-1"].Id);
        Assert.Equal((crm, unsubscribe), (withdrawal.CustomerId, withdrawal.OriginCustomerId!.Value));
        Assert.Equal(records["E-1"].OriginCustomerId, withdrawal.OriginCustomerId);
        Assert.Equal(holder, events.Single(e => e.Id == onBobsProfile).CustomerId);
        var check = test.Get<ConsentCheck>();
        Assert.False((await check.CheckAsync(crm, ConsentPurpose.EmailMarketing)).Allowed);
        Assert.False(await after.ConsentStates.AnyAsync(s => s.CustomerId == holder && s.Purpose == ConsentPurpose.EmailMarketing));
        Assert.Equal(ConsentCheck.Reasons.Denied, (await check.CheckAsync(holder, ConsentPurpose.Analytics)).Reason);
        await AssertStatesMatchLedgerAsync(test);
    }

    [Fact]
    public async Task UndoingTheFullRunsRedirect_SendsTheRecordAndItsConsentBackTogether()
    {
        var (test, crm, unsubscribe) = await SplitAnnAsync();
        await using var _ = test;
        var analyticsOnOther = await test.Get<ConsentLedger>().RecordAsync(unsubscribe,
            ByPerson(ConsentPurpose.Analytics, ConsentStatus.Denied, new DateTime(2026, 10, 20)), Agent);
        await RerunWithoutBlocklistAsync(test);

        long mergeId, survivor, gone;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var merge = await store.Merges.SingleAsync(m => m.Rule == "re-resolution");
            (mergeId, survivor, gone) = (merge.Id, merge.SurvivorId, merge.MergedId);
        }
        await test.Get<IdentityGraph>().UnmergeAsync(mergeId, new AuditActor("u1", "admin"), "not the same person");

        await using var after = await test.Stores.CreateDbContextAsync();
        var records = await after.SourceRecords.ToDictionaryAsync(r => r.SourceKey);
        Assert.Equal((crm, unsubscribe), (records["crm"].CustomerId!.Value, records["email"].CustomerId!.Value));
        var events = await after.ConsentEvents.ToListAsync();
        Assert.All(events.Where(e => e.SourceRecordId is not null), e => Assert.Equal(after.SourceRecords.Single(r => r.Id == e.SourceRecordId).CustomerId, e.CustomerId));
        Assert.Equal(unsubscribe, events.Single(e => e.Id == analyticsOnOther).CustomerId);
        Assert.True((await test.Get<ConsentCheck>().CheckAsync(crm, ConsentPurpose.EmailMarketing)).Allowed);
        Assert.False((await test.Get<ConsentCheck>().CheckAsync(unsubscribe, ConsentPurpose.EmailMarketing)).Allowed);
        Assert.Contains(survivor, new[] { crm, unsubscribe });
        Assert.Contains(gone, new[] { crm, unsubscribe });
        await AssertStatesMatchLedgerAsync(test);
    }

    [Fact]
    public async Task RerunOnAResolvedStore_LeavesConsentAsItWas()
    {
        var (test, crm, unsubscribe) = await SplitAnnAsync();
        await using var _ = test;
        await RerunWithoutBlocklistAsync(test);
        List<(long, ConsentPurpose, ConsentStatus, long)> before;
        await using (var store = await test.Stores.CreateDbContextAsync())
            before = (await store.ConsentStates.OrderBy(s => s.CustomerId).ThenBy(s => s.Purpose).ToListAsync())
                .Select(s => (s.CustomerId, s.Purpose, s.Status, s.LastEventId)).ToList();

        await test.Get<FullResolution>().RunAsync();

        await using var after = await test.Stores.CreateDbContextAsync();
        var now = (await after.ConsentStates.OrderBy(s => s.CustomerId).ThenBy(s => s.Purpose).ToListAsync())
            .Select(s => (s.CustomerId, s.Purpose, s.Status, s.LastEventId)).ToList();
        Assert.Equal(before, now);
        Assert.NotEmpty(now);
        Assert.Contains(now, s => s.Item1 == crm || s.Item1 == unsubscribe);
    }

    /// <summary>Every active profile's current consent is exactly what the rule makes of its ledger.</summary>
    private static async Task AssertStatesMatchLedgerAsync(TestProfileStore test)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        var active = await store.Customers.Where(c => c.Status == CustomerStatus.Active).Select(c => c.Id).ToListAsync();
        var expected = ConsentRules.Latest(await store.ConsentEvents.Where(e => active.Contains(e.CustomerId)).ToListAsync())
            .Select(e => (e.CustomerId, e.Purpose, e.Status, e.Id)).OrderBy(x => x.CustomerId).ThenBy(x => x.Purpose).ToList();
        var actual = (await store.ConsentStates.ToListAsync())
            .Select(s => (s.CustomerId, s.Purpose, s.Status, s.LastEventId)).OrderBy(x => x.CustomerId).ThenBy(x => x.Purpose).ToList();
        Assert.Equal(expected, actual);
    }
}
