using Bunit;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Customer360Portal.Web.Tests.Components.Pages.Privacy;

/// <summary>The privacy officers' consent page: rates per purpose, the ledger newest first, one person's history (audited).</summary>
public class ConsentPageTests : PortalTestContext
{
    private async Task<(TestProfileStore Store, long Granted, long Withdrawn)> LedgerAsync()
    {
        var store = await UseProfileStoreAsync();
        long[] ids;
        await using (var db = await store.Stores.CreateDbContextAsync())
        {
            var customers = Enumerable.Range(0, 3).Select(_ => new Customer { Status = CustomerStatus.Active, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow }).ToList();
            db.Customers.AddRange(customers);
            await db.SaveChangesAsync();
            ids = customers.Select(c => c.Id).ToArray();
        }
        var ledger = store.Host.Services.GetRequiredService<ConsentLedger>();
        var system = AuditActor.System("test");
        await ledger.RecordAsync(ids[0], new ConsentChange(ConsentPurpose.EmailMarketing, ConsentStatus.Granted, LawfulBasis.Consent, "crm", "form=signup", null), system);
        await ledger.RecordAsync(ids[1], new ConsentChange(ConsentPurpose.EmailMarketing, ConsentStatus.Granted, LawfulBasis.Consent, "crm", null, null, DateTime.UtcNow.AddDays(-3)), system);
        await ledger.RecordAsync(ids[1], new ConsentChange(ConsentPurpose.EmailMarketing, ConsentStatus.Withdrawn, LawfulBasis.Consent, "portal", null, "Rang to opt out"), new AuditActor("agent-1", "agent"));
        return (store, ids[0], ids[1]);
    }

    private IRenderedComponent<ConsentPage> RenderPage()
    {
        SignInAs("privacy@example.com", PortalRoles.PrivacyOfficer);
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        var page = Render<ConsentPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=consent-rate]")), WaitTimeout);
        return page;
    }

    [Fact]
    public async Task Rates_CountEachStatusPerPurpose()
    {
        await LedgerAsync();
        var page = RenderPage();

        var email = page.Find("[data-testid=consent-rate][data-purpose=EmailMarketing]");
        Assert.Equal(("1", "0", "1", "1"), (email.QuerySelector("[data-testid=rate-granted]")!.TextContent, email.QuerySelector("[data-testid=rate-denied]")!.TextContent,
            email.QuerySelector("[data-testid=rate-withdrawn]")!.TextContent, email.QuerySelector("[data-testid=rate-none]")!.TextContent));
        Assert.Equal("3", page.Find("[data-testid=consent-rate][data-purpose=Analytics] [data-testid=rate-none]").TextContent);
        Assert.Single(page.FindAll("[data-testid=consent-rates-chart]"));
    }

    [Fact]
    public async Task Ledger_ListsChangesNewestFirst_WithTheirReason()
    {
        await LedgerAsync();
        var page = RenderPage();

        var statuses = page.FindAll("[data-testid=consent-ledger] [data-testid=ledger-status]").Select(s => s.TextContent).ToList();
        Assert.Equal(["withdrawn", "granted", "granted"], statuses);
        Assert.Contains("Rang to opt out", page.Find("[data-testid=consent-ledger]").TextContent);
    }

    [Fact]
    public async Task Lookup_ShowsOnePersonsHistory_AndIsAudited()
    {
        var (store, _, withdrawn) = await LedgerAsync();
        var page = RenderPage();

        page.Find("[data-testid=consent-lookup-id] input, input[data-testid=consent-lookup-id]").Input(withdrawn.ToString(System.Globalization.CultureInfo.InvariantCulture));
        page.Find("[data-testid=consent-lookup-go]").Click();

        page.WaitForAssertion(() => Assert.Equal(["withdrawn", "granted"],
            page.FindAll("[data-testid=consent-person-history] [data-testid=ledger-status]").Select(s => s.TextContent)), WaitTimeout);
        await using var db = await store.Stores.CreateDbContextAsync();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "consent.history-viewed" && a.TargetId == withdrawn.ToString()));
    }

    [Fact]
    public async Task Lookup_WithoutANumber_SaysWhatToEnter()
    {
        await LedgerAsync();
        var page = RenderPage();
        page.Find("[data-testid=consent-lookup-go]").Click();
        page.WaitForAssertion(() => Assert.Contains("Enter a profile id", page.Find("[data-testid=consent-lookup-problem]").TextContent), WaitTimeout);
    }
}
