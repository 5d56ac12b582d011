using Bunit;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Customer360Portal.Web.Tests.Components.Pages.Customers;

/// <summary>The consent card on the profile: every purpose, history per purpose, and an agent's change with its reason.</summary>
public class ConsentPanelTests : PortalTestContext
{
    private IRenderedComponent<MudDialogProvider> dialogs = default!;

    private async Task<(TestProfileStore Store, long Id)> CustomerAsync()
    {
        var store = await UseProfileStoreAsync();
        await using var db = await store.Stores.CreateDbContextAsync();
        var customer = new Customer { Status = CustomerStatus.Active, GivenName = "Ann", FamilyName = "Lee", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return (store, customer.Id);
    }

    private IRenderedComponent<ConsentPanel> RenderPanel(long id, string role = PortalRoles.Agent)
    {
        SignInAs($"{role.ToLowerInvariant()}@example.com", role);
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
        var panel = Render<ConsentPanel>(parameters => parameters.Add(p => p.CustomerId, id));
        panel.WaitForAssertion(() => Assert.Equal(8, panel.FindAll("[data-testid=consent-purpose]").Count), WaitTimeout);
        return panel;
    }

    private static string StatusOf(IRenderedComponent<ConsentPanel> panel, ConsentPurpose purpose) =>
        panel.Find($"[data-testid=consent-purpose][data-purpose={purpose}]").GetAttribute("data-status")!;

    [Fact]
    public async Task EveryPurposeIsListed_NoChoiceRecordedWhereNone()
    {
        var (store, id) = await CustomerAsync();
        await store.Host.Services.GetRequiredService<ConsentLedger>().RecordAsync(id,
            new ConsentChange(ConsentPurpose.EmailMarketing, ConsentStatus.Granted, LawfulBasis.Consent, "crm", "form=signup", null), AuditActor.System("test"));

        var panel = RenderPanel(id);

        Assert.Equal("Granted", StatusOf(panel, ConsentPurpose.EmailMarketing));
        Assert.Equal("None", StatusOf(panel, ConsentPurpose.SmsMarketing));
        Assert.Equal(7, panel.FindAll("[data-testid=consent-status]").Count(s => s.TextContent.Contains("no choice recorded")));
        Assert.Empty(panel.FindAll("[data-testid=no-consent]"));
    }

    [Fact]
    public async Task Agent_RecordsAWithdrawalWithAReason_AndTheHistoryShowsIt()
    {
        var (store, id) = await CustomerAsync();
        await store.Host.Services.GetRequiredService<ConsentLedger>().RecordAsync(id,
            new ConsentChange(ConsentPurpose.EmailMarketing, ConsentStatus.Granted, LawfulBasis.Consent, "crm", "form=signup", null), AuditActor.System("test"));
        var panel = RenderPanel(id);

        panel.Find("[data-testid=consent-purpose][data-purpose=EmailMarketing] [data-testid=consent-change]").Click();
        var confirm = dialogs.WaitForElement("[data-testid=consent-change-confirm]", WaitTimeout);
        dialogs.Find("textarea").Input("Asked on the phone to stop newsletters");
        confirm.Click();

        panel.WaitForAssertion(() => Assert.Equal("Withdrawn", StatusOf(panel, ConsentPurpose.EmailMarketing)), WaitTimeout);
        var entries = panel.FindAll("[data-testid=consent-history][data-purpose=EmailMarketing] [data-testid=consent-history-entry]");
        Assert.Equal(["Withdrawn", "Granted"], entries.Select(e => e.GetAttribute("data-status")));
        Assert.Contains("Asked on the phone to stop newsletters", entries[0].TextContent);
        Assert.Contains("by ", entries[0].TextContent);
        await using var db = await store.Stores.CreateDbContextAsync();
        var row = await db.ConsentEvents.OrderByDescending(e => e.Id).FirstAsync();
        Assert.Equal((ConsentStatus.Withdrawn, "id-of-agent@example.com", ConsentPanel.AgentSource), (row.Status, row.RecordedByUserId, row.SourceKey));
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == ConsentLedger.AuditAction && a.UserId == "id-of-agent@example.com"));
    }

    [Fact]
    public async Task Change_WithoutAReason_RecordsNothing()
    {
        var (store, id) = await CustomerAsync();
        var panel = RenderPanel(id, PortalRoles.PrivacyOfficer);

        panel.Find("[data-testid=consent-purpose][data-purpose=SmsMarketing] [data-testid=consent-change]").Click();
        dialogs.WaitForElement("[data-testid=consent-change-confirm]", WaitTimeout).Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Give a reason", dialogs.Markup), WaitTimeout);
        await using var db = await store.Stores.CreateDbContextAsync();
        Assert.Equal(0, await db.ConsentEvents.CountAsync());
    }

    [Fact]
    public async Task HistoryToggle_ShowsNoChoiceForAnUntouchedPurpose()
    {
        var (_, id) = await CustomerAsync();
        var panel = RenderPanel(id);
        panel.Find("[data-testid=consent-purpose][data-purpose=Analytics] [data-testid=consent-history-toggle]").Click();
        panel.WaitForAssertion(() => Assert.NotEmpty(panel.FindAll("[data-testid=consent-history-empty]")), WaitTimeout);
    }

    [Fact]
    public async Task RolesThatDoNotTalkToCustomers_CannotChangeConsent()
    {
        var (_, id) = await CustomerAsync();
        var panel = RenderPanel(id, PortalRoles.Marketer);
        Assert.Empty(panel.FindAll("[data-testid=consent-change]"));
    }
}
