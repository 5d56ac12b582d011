using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.Consent;

public class ConsentLedgerTests
{
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime;
    private static readonly AuditActor Agent = new("agent-1", "agent@example.com");

    internal static async Task<long> AddCustomerAsync(TestProfileStore test, string? email = "ann@example.com", CustomerStatus status = CustomerStatus.Active)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        var customer = new Customer { Status = status, GivenName = "Ann", FamilyName = "Lee", Email = email, Phone = "+447700900123",
            AddressLine = "1 High Street", Postcode = "SW1A 1AA", City = "London", Country = "GB", CreatedAt = Now, UpdatedAt = Now };
        store.Customers.Add(customer);
        await store.SaveChangesAsync();
        return customer.Id;
    }

    private static ConsentChange Change(ConsentStatus status, DateTime? at = null, string? reason = "customer asked on the phone", DateTime? expires = null,
        ConsentPurpose purpose = ConsentPurpose.EmailMarketing) =>
        new(purpose, status, LawfulBasis.Consent, "agent", "form=phone call; text=v3", reason, at, expires);

    [Fact]
    public async Task Record_AppendsEventUpdatesStateAuditsAndAnnounces()
    {
        await using var test = await CoreHost.CreateAsync();
        var id = await AddCustomerAsync(test);
        var announced = new List<long>();
        test.Get<ProfileChangeNotifier>().ProfilesChanged += ids => announced.AddRange(ids);
        var ledger = test.Get<ConsentLedger>();

        var eventId = await ledger.RecordAsync(id, Change(ConsentStatus.Granted), Agent);

        Assert.True((await test.Get<ConsentCheck>().CheckAsync(id, ConsentPurpose.EmailMarketing)).Allowed);
        await using var store = await test.Stores.CreateDbContextAsync();
        var row = await store.ConsentEvents.SingleAsync();
        Assert.Equal((eventId, id, id, "agent-1", Now), (row.Id, row.CustomerId, row.OriginCustomerId!.Value, row.RecordedByUserId, row.EffectiveAt));
        var state = await store.ConsentStates.SingleAsync();
        Assert.Equal((ConsentStatus.Granted, eventId), (state.Status, state.LastEventId));
        var audit = await store.AuditLog.SingleAsync(a => a.Action == ConsentLedger.AuditAction);
        Assert.Equal(("agent-1", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (audit.UserId, audit.TargetId));
        Assert.Contains("EmailMarketing: Granted", audit.Details);
        Assert.DoesNotContain("phone call", audit.Details); // evidence and reason stay in the ledger
        Assert.DoesNotContain("ann@", audit.Details);
        Assert.Equal([id], announced);
    }

    [Fact]
    public async Task Record_Withdrawal_ClosesTheGate_AndHistoryIsNewestFirst()
    {
        await using var test = await CoreHost.CreateAsync();
        var id = await AddCustomerAsync(test);
        var ledger = test.Get<ConsentLedger>();
        await ledger.RecordAsync(id, Change(ConsentStatus.Granted, Now.AddDays(-30)), Agent);
        await ledger.RecordAsync(id, Change(ConsentStatus.Withdrawn, Now.AddDays(-1)), Agent);

        var decision = await test.Get<ConsentCheck>().CheckAsync(id, ConsentPurpose.EmailMarketing);
        Assert.False(decision.Allowed);
        Assert.Equal(ConsentCheck.Reasons.Withdrawn, decision.Reason);
        var history = await ledger.HistoryAsync(id);
        Assert.Equal([ConsentStatus.Withdrawn, ConsentStatus.Granted], history.Select(h => h.Status));
    }

    [Fact]
    public async Task Record_LateArrivingOlderEvent_IsHistoryButDoesNotOverrideNewerState()
    {
        await using var test = await CoreHost.CreateAsync();
        var id = await AddCustomerAsync(test);
        var ledger = test.Get<ConsentLedger>();
        await ledger.RecordAsync(id, Change(ConsentStatus.Withdrawn, Now.AddDays(-1)), Agent);
        await ledger.RecordAsync(id, Change(ConsentStatus.Granted, Now.AddDays(-20)), Agent);

        Assert.Equal(ConsentStatus.Withdrawn, (await ledger.CurrentAsync(id))[ConsentPurpose.EmailMarketing].Status);
        Assert.Equal(2, (await ledger.HistoryAsync(id)).Count);
    }

    [Fact]
    public async Task Record_ByAPersonWithoutReason_IsRefused()
    {
        await using var test = await CoreHost.CreateAsync();
        var id = await AddCustomerAsync(test);
        await Assert.ThrowsAsync<ArgumentException>(() => test.Get<ConsentLedger>().RecordAsync(id, Change(ConsentStatus.Granted, reason: " "), Agent));
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(0, await store.ConsentEvents.CountAsync());
    }

    [Fact]
    public async Task Record_OnAMergedProfile_IsRefusedWithoutPersonalData()
    {
        await using var test = await CoreHost.CreateAsync();
        var id = await AddCustomerAsync(test, status: CustomerStatus.Merged);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => test.Get<ConsentLedger>().RecordAsync(id, Change(ConsentStatus.Granted), Agent));
        Assert.DoesNotContain("ann", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Record_ExpiredGrant_IsNotAllowedOut()
    {
        await using var test = await CoreHost.CreateAsync();
        var id = await AddCustomerAsync(test);
        await test.Get<ConsentLedger>().RecordAsync(id, Change(ConsentStatus.Granted, Now.AddDays(-400), expires: Now.AddDays(-35)), Agent);
        Assert.Equal(ConsentCheck.Reasons.Expired, (await test.Get<ConsentCheck>().CheckAsync(id, ConsentPurpose.EmailMarketing)).Reason);
    }

    [Fact]
    public async Task Rates_CountEveryActiveKnownProfilePerPurpose()
    {
        await using var test = await CoreHost.CreateAsync();
        var a = await AddCustomerAsync(test);
        var b = await AddCustomerAsync(test);
        await AddCustomerAsync(test);
        var ledger = test.Get<ConsentLedger>();
        await ledger.RecordAsync(a, Change(ConsentStatus.Granted), Agent);
        await ledger.RecordAsync(b, Change(ConsentStatus.Withdrawn), Agent);

        var email = (await ledger.RatesAsync()).Single(r => r.Purpose == ConsentPurpose.EmailMarketing);
        Assert.Equal((1, 0, 1, 1), (email.Granted, email.Denied, email.Withdrawn, email.NoRecord));
        Assert.Equal(3, (await ledger.RatesAsync()).Single(r => r.Purpose == ConsentPurpose.SmsMarketing).NoRecord);
    }

    [Fact]
    public void Rules_LatestEffectiveWins_TieGoesToTheLaterRecorded()
    {
        ConsentEvent E(long id, ConsentStatus status, int day) => new() { Id = id, CustomerId = 1, Purpose = ConsentPurpose.Analytics, Status = status, EffectiveAt = Now.AddDays(day) };
        Assert.Equal(2, ConsentRules.Latest([E(1, ConsentStatus.Granted, -1), E(2, ConsentStatus.Denied, 0), E(3, ConsentStatus.Granted, -5)]).Single().Id);
        Assert.Equal(3, ConsentRules.Latest([E(1, ConsentStatus.Granted, 0), E(3, ConsentStatus.Denied, 0)]).Single().Id);
        Assert.False(ConsentRules.Supersedes(new ConsentState { UpdatedAt = Now }, Now.AddSeconds(-1)));
        Assert.True(ConsentRules.Supersedes(new ConsentState { UpdatedAt = Now }, Now));
    }
}
