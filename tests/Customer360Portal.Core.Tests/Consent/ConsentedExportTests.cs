using System.Text;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using static Customer360Portal.Core.Tests.Consent.ConsentLedgerTests;

namespace Customer360Portal.Core.Tests.Consent;

/// <summary>Enforcement where data leaves: a customer export and an offer never include a person who withdrew the needed consent.</summary>
public class ConsentedExportTests
{
    private static readonly AuditActor Marketer = new("marketer-1", "marketer@example.com");

    private static ConsentChange Change(ConsentPurpose purpose, ConsentStatus status, int daysAgo) =>
        new(purpose, status, LawfulBasis.Consent, "agent", null, "test", CoreHost.Now.UtcDateTime.AddDays(-daysAgo));

    [Fact]
    public async Task CsvExport_LeavesOutWhoWithdrew_AndSaysHowManyWereSkippedAndWhy()
    {
        await using var test = await CoreHost.CreateAsync();
        var ledger = test.Get<ConsentLedger>();
        var granted = await AddCustomerAsync(test, "granted@example.com");
        var withdrawn = await AddCustomerAsync(test, "withdrawn@example.com");
        var silent = await AddCustomerAsync(test, "silent@example.com");
        var noEmail = await AddCustomerAsync(test, email: null);
        await ledger.RecordAsync(granted, Change(ConsentPurpose.EmailMarketing, ConsentStatus.Granted, 10), Marketer);
        await ledger.RecordAsync(withdrawn, Change(ConsentPurpose.EmailMarketing, ConsentStatus.Granted, 10), Marketer);
        await ledger.RecordAsync(withdrawn, Change(ConsentPurpose.EmailMarketing, ConsentStatus.Withdrawn, 1), Marketer);
        await ledger.RecordAsync(noEmail, Change(ConsentPurpose.EmailMarketing, ConsentStatus.Granted, 10), Marketer);

        using var output = new MemoryStream();
        var result = await test.Get<ConsentedExport>().WriteCsvAsync([granted, withdrawn, silent, noEmail], ConsentPurpose.EmailMarketing, output, Marketer);

        var csv = Encoding.UTF8.GetString(output.ToArray());
        Assert.Contains("granted@example.com", csv);
        Assert.DoesNotContain("withdrawn@example.com", csv);
        Assert.DoesNotContain("silent@example.com", csv);
        Assert.DoesNotContain("+447700900123", csv); // only the channel's contact field leaves
        Assert.StartsWith("customer_id,given_name,family_name,email\n", csv);
        Assert.Equal(1, result.Exported);
        Assert.Equal(1, result.SkippedByReason[ConsentCheck.Reasons.Withdrawn]);
        Assert.Equal(1, result.SkippedByReason[ConsentCheck.Reasons.NoRecord]);
        Assert.Equal(1, result.SkippedByReason[ConsentedExport.NoContactDetails]);
        await using var store = await test.Stores.CreateDbContextAsync();
        var audit = await store.AuditLog.SingleAsync(a => a.Action == ConsentedExport.AuditAction);
        Assert.Equal("EmailMarketing: 1 exported, 3 skipped (consent withdrawn: 1, no consent on record: 1, no contact details for the channel: 1)", audit.Details);
    }

    [Fact]
    public async Task CsvExport_DefusesSpreadsheetFormulas()
    {
        await using var test = await CoreHost.CreateAsync();
        var id = await AddCustomerAsync(test);
        await using (var store = await test.Stores.CreateDbContextAsync())
            await store.Customers.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.GivenName, "=HYPERLINK(\"x\")"));
        await test.Get<ConsentLedger>().RecordAsync(id, Change(ConsentPurpose.Analytics, ConsentStatus.Granted, 1), Marketer);
        using var output = new MemoryStream();
        await test.Get<ConsentedExport>().WriteCsvAsync([id], ConsentPurpose.Analytics, output, Marketer);
        Assert.Contains("'=HYPERLINK", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Theory]
    [InlineData(OfferChannel.Email, ConsentPurpose.EmailMarketing)]
    [InlineData(OfferChannel.Sms, ConsentPurpose.SmsMarketing)]
    [InlineData(OfferChannel.Phone, ConsentPurpose.PhoneMarketing)]
    [InlineData(OfferChannel.Post, ConsentPurpose.PostMarketing)]
    [InlineData(OfferChannel.OnSite, ConsentPurpose.Personalisation)]
    public async Task Offer_NeverGoesToWhoWithdrewTheChannelsConsent(OfferChannel channel, ConsentPurpose purpose)
    {
        await using var test = await CoreHost.CreateAsync();
        var ledger = test.Get<ConsentLedger>();
        var stays = await AddCustomerAsync(test);
        var leaves = await AddCustomerAsync(test);
        await ledger.RecordAsync(stays, Change(purpose, ConsentStatus.Granted, 10), Marketer);
        await ledger.RecordAsync(leaves, Change(purpose, ConsentStatus.Granted, 10), Marketer);
        await ledger.RecordAsync(leaves, Change(purpose, ConsentStatus.Withdrawn, 1), Marketer);
        var gate = test.Get<OfferGate>();

        Assert.True((await gate.MayReceiveAsync(stays, "winter-sale", channel)).Allowed);
        var refused = await gate.MayReceiveAsync(leaves, "winter-sale", channel);
        Assert.False(refused.Allowed);
        Assert.Equal(ConsentCheck.Reasons.Withdrawn, refused.Reason);
        var filtered = await gate.FilterAsync([stays, leaves], channel);
        Assert.Equal([stays], filtered.Allowed);
        Assert.Equal(1, filtered.SkippedByReason[ConsentCheck.Reasons.Withdrawn]);
    }
}
