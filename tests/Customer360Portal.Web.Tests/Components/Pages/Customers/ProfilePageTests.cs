using AngleSharp.Dom;
using Bunit;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Customers;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using static Customer360Portal.Web.Tests.Components.Pages.IdentityTestData;

namespace Customer360Portal.Web.Tests.Components.Pages.Customers;

public class ProfilePageTests : PortalTestContext
{
    private IRenderedComponent<MudPopoverProvider> popovers = default!;
    private IRenderedComponent<MudDialogProvider> dialogs = default!;
    private IRenderedComponent<MudSnackbarProvider> snackbars = default!;

    private async Task<TestProfileStore> StoreAsync()
    {
        var store = await UseProfileStoreAsync(StrictMerging);
        await AddSourcesAsync(store);
        return store;
    }

    private IRenderedComponent<ProfilePage> RenderProfile(long id, string role = PortalRoles.Agent)
    {
        SignInAs($"{role.ToLowerInvariant()}@example.com", role);
        RenderAsInteractive();
        popovers = Render<MudPopoverProvider>();
        dialogs = Render<MudDialogProvider>();
        snackbars = Render<MudSnackbarProvider>();
        var page = Render<ProfilePage>(parameters => parameters.Add(p => p.Id, id));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-progress-linear")), WaitTimeout);
        return page;
    }

    private static IElement GoldenValue(IRenderedComponent<ProfilePage> page, string field) =>
        page.Find($"[data-testid=golden-field][data-field={field}] [data-testid=golden-value]");

    private static async Task<long> ProfileIdAsync(TestProfileStore store, string email)
    {
        await using var db = await store.Stores.CreateDbContextAsync();
        return await db.Identifiers.Where(i => i.Type == IdentifierType.Email && i.Value == email).Select(i => i.CustomerId).SingleAsync();
    }

    [Fact]
    public async Task Profile_ShowsTheGoldenRecordWithLineageTooltips_AndIsAudited()
    {
        var store = await StoreAsync();
        await IngestAndProjectAsync(store, "crm", Person("crm", "C-1", "jon@example.com", "Jonathan", "Smith", dob: "1984-03-12", phone: "+44 7700 900123"));
        var id = await ProfileIdAsync(store, "jon@example.com");
        long recordId;
        await using (var db = await store.Stores.CreateDbContextAsync())
            recordId = await db.SourceRecords.Where(r => r.ExternalId == "C-1").Select(r => r.Id).SingleAsync();

        var page = RenderProfile(id);

        Assert.Equal("Jonathan Smith", page.Find("[data-testid=profile-name]").TextContent.Trim());
        Assert.Equal("Active", page.Find("[data-testid=profile-status]").TextContent.Trim());
        Assert.Equal("Jonathan", GoldenValue(page, "GivenName").TextContent);
        Assert.Equal("****-**-** (born 1984)", GoldenValue(page, "DateOfBirth").TextContent); // agents see the year only
        Assert.Equal("+447700900123", GoldenValue(page, "Phone").TextContent);
        var lineage = $"From crm record {recordId}, rule most-recent, observed 2026-10-01";
        Assert.Equal(lineage, GoldenValue(page, "GivenName").GetAttribute("data-lineage"));

        // The tooltip itself opens when the value gets the pointer or the keyboard focus.
        Assert.DoesNotContain(popovers.FindAll(".mud-tooltip"), t => t.TextContent.Contains(lineage));
        GoldenValue(page, "Email").Closest(".mud-tooltip-root")!.TriggerEvent("onfocusin", new Microsoft.AspNetCore.Components.Web.FocusEventArgs());
        popovers.WaitForAssertion(() => Assert.Contains(popovers.FindAll(".mud-tooltip"), t => t.TextContent.Trim() == lineage), WaitTimeout);

        Assert.Equal("0", page.Find("[data-testid=metric-orders]").TextContent);
        await using var after = await store.Stores.CreateDbContextAsync();
        Assert.Equal(1, await after.AuditLog.CountAsync(a => a.Action == "profile.viewed" && a.TargetId == id.ToString() && a.UserId == "id-of-agent@example.com"));
    }

    [Fact]
    public async Task Profile_ListsIdentifiers_MarkingOnesSharedWithAnotherProfile()
    {
        var store = await StoreAsync();
        // Two known people identify on the family computer: both profiles hold its cookie id, and they never merge.
        await IngestAndProjectAsync(store, "crm", Person("crm", "C-1", "ann@example.com", "Ann", "Lee", accountId: "U-1"),
            Person("crm", "C-2", "ben@example.com", "Ben", "Okafor", accountId: "U-2", line1: "7 Park Road", postcode: "LS1 1AA"));
        await IngestAndProjectAsync(store, "web", Identify("m-1", "family-pc", "U-1", "ann@example.com"));
        await IngestAndProjectAsync(store, "web", Identify("m-2", "family-pc", "U-2", "ben@example.com", "2026-10-08T09:00:00Z"));
        var ann = await ProfileIdAsync(store, "ann@example.com");

        var page = RenderProfile(ann);

        var rows = page.FindAll("[data-testid=identifier-row]");
        string Row(string value) => rows.Single(r => r.QuerySelector("[data-testid=identifier-value]")!.TextContent == value).TextContent;
        Assert.Contains("Email", Row("ann@example.com"));
        Assert.Contains("Account id", Row("U-1"));
        Assert.Contains("Cookie id", Row("family-pc"));
        Assert.Contains("shared", Row("family-pc"));
        Assert.DoesNotContain("shared", Row("ann@example.com"));
        Assert.Single(page.FindAll("[data-testid=shared-chip]"));
        Assert.Contains("never merged", page.Find("[data-testid=merges]").TextContent);
    }

    [Fact]
    public async Task UnknownId_ShowsNoSuchProfile()
    {
        await StoreAsync();

        var page = RenderProfile(4242);

        Assert.Contains("No such profile", page.Find("[data-testid=empty-state]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=golden-record]"));
    }

    [Fact]
    public async Task MergedId_ShowsTheSurvivingProfileWithANotice_AndTheMergeWithItsEvidence()
    {
        var store = await StoreAsync();
        var merge = await StitchedVisitorAsync(store);

        var page = RenderProfile(merge.MergedId);

        Assert.Equal($"Profile {merge.MergedId} was merged into profile {merge.SurvivorId}: you are looking at the profile it became part of.",
            page.Find("[data-testid=merged-notice]").TextContent.Trim());
        Assert.Equal("Jonathan Smith", page.Find("[data-testid=profile-name]").TextContent.Trim());
        // The visitor's page views came with the merge.
        Assert.Equal(2, page.FindAll("[data-testid=moved-by-merge]").Count);
        var shown = page.Find("[data-testid=merge]");
        Assert.Contains($"Profile {merge.MergedId} merged into this profile", shown.QuerySelector("[data-testid=merge-title]")!.TextContent);
        Assert.Contains("Rule stitch (anonymous visitor identified)", shown.QuerySelector("[data-testid=merge-facts]")!.TextContent);
        Assert.Contains("automatically", shown.QuerySelector("[data-testid=merge-facts]")!.TextContent);
    }

    [Theory]
    [InlineData(PortalRoles.Agent, true)]
    [InlineData(PortalRoles.Admin, true)]
    [InlineData(PortalRoles.PrivacyOfficer, false)]
    [InlineData(PortalRoles.Marketer, false)]
    public async Task UnmergeButton_IsOfferedToAgentsAndAdminsOnly(string role, bool offered)
    {
        var store = await StoreAsync();
        var merge = await StitchedVisitorAsync(store);

        var page = RenderProfile(merge.SurvivorId, role);

        Assert.Single(page.FindAll("[data-testid=merge]"));
        Assert.Equal(offered, page.FindAll("[data-testid=unmerge]").Count == 1);
    }

    [Fact]
    public async Task Unmerge_WithAReason_RestoresTheMergedProfile_AndLinksToIt()
    {
        var store = await StoreAsync();
        var merge = await StitchedVisitorAsync(store);
        var page = RenderProfile(merge.SurvivorId);

        page.Find("[data-testid=unmerge]").Click();
        var confirm = dialogs.WaitForElement("[data-testid=reason-confirm]", WaitTimeout);
        dialogs.Find("textarea").Input("Library computer, not his");
        confirm.Click();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=merge-undone]")), WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=unmerge]"));
        Assert.Empty(page.FindAll("[data-testid=moved-by-merge]"));
        await using (var db = await store.Stores.CreateDbContextAsync())
        {
            var restored = await db.Customers.SingleAsync(c => c.Id == merge.MergedId);
            Assert.Equal((CustomerStatus.Active, (long?)null), (restored.Status, restored.MergedIntoId));
            var undone = await db.Merges.SingleAsync();
            Assert.Equal("id-of-agent@example.com", undone.UndoneByUserId);
            Assert.NotNull(undone.UndoneAt);
            Assert.Contains(await db.MatchReviews.ToListAsync(), r => r.Reason == "unmerged" && r.DecisionReason == "Library computer, not his");
        }
        Assert.Contains($"Profile {merge.MergedId} was split off this profile and restored",
            Services.GetRequiredService<ISnackbar>().ShownSnackbars.Last().Message);

        snackbars.WaitForElement(".mud-snackbar-action-button", WaitTimeout).Click();
        Assert.EndsWith($"/customers/{merge.MergedId}", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task Unmerge_WithoutAReason_KeepsTheMerge()
    {
        var store = await StoreAsync();
        var merge = await StitchedVisitorAsync(store);
        var page = RenderProfile(merge.SurvivorId);

        page.Find("[data-testid=unmerge]").Click();
        dialogs.WaitForElement("[data-testid=reason-confirm]", WaitTimeout).Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Give a reason", dialogs.Markup), WaitTimeout);
        await using var db = await store.Stores.CreateDbContextAsync();
        Assert.Null((await db.Merges.SingleAsync()).UndoneAt);
        Assert.Equal(CustomerStatus.Merged, (await db.Customers.SingleAsync(c => c.Id == merge.MergedId)).Status);
    }
}
