using AngleSharp.Dom;
using Bunit;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Customers;
using Customer360Portal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using static Customer360Portal.Web.Tests.Components.Pages.IdentityTestData;

namespace Customer360Portal.Web.Tests.Components.Pages.Customers;

/// <summary>The agent 360 view on a real store: masking per role, timeline filters and detail, notes, predictions, live updates.</summary>
public class Profile360Tests : PortalTestContext
{
    private IRenderedComponent<MudDialogProvider> dialogs = default!;

    private async Task<(TestProfileStore Store, long Id)> CustomerAsync()
    {
        var store = await UseProfileStoreAsync(StrictMerging);
        await AddSourcesAsync(store);
        await IngestAndProjectAsync(store, "crm", Person("crm", "C-1", "jon@example.com", "Jonathan", "Smith", dob: "1984-03-12", phone: "+44 7700 900123", accountId: "U-1"));
        await IngestAndProjectAsync(store, "web",
            PageView("m-1", "anon-1", "2026-10-06T08:00:00Z"),
            PageView("m-2", "anon-1", "2026-10-06T08:05:00Z"),
            Identify("m-3", "anon-1", "U-1", "jon@example.com", "2026-10-07T09:00:00Z"));
        await using var db = await store.Stores.CreateDbContextAsync();
        var id = await db.Identifiers.Where(i => i.Type == IdentifierType.Email && i.Value == "jon@example.com").Select(i => i.CustomerId).SingleAsync();
        return (store, id);
    }

    private IRenderedComponent<ProfilePage> RenderProfile(long id, string role = PortalRoles.Agent, string? query = null)
    {
        SignInAs($"{role.ToLowerInvariant()}@example.com", role);
        RenderAsInteractive();
        if (query is not null) Services.GetRequiredService<NavigationManager>().NavigateTo($"customers/{id}{query}");
        Render<MudPopoverProvider>();
        dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
        var page = Render<ProfilePage>(parameters => parameters.Add(p => p.Id, id));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=timeline-entry]")), WaitTimeout);
        return page;
    }

    private static List<IElement> Entries(IRenderedComponent<ProfilePage> page) => page.FindAll("[data-testid=timeline-entry]").ToList();

    private static string Golden(IRenderedComponent<ProfilePage> page, string field) =>
        page.Find($"[data-testid=golden-field][data-field={field}] [data-testid=golden-value]").TextContent;

    [Theory]
    [InlineData(PortalRoles.Agent, "jon@example.com", "+447700900123", "****-**-** (born 1984)", true)]
    [InlineData(PortalRoles.Admin, "j***@example.com", "+*********123", "****-**-** (born 1984)", true)]
    [InlineData(PortalRoles.PrivacyOfficer, "jon@example.com", "+447700900123", "1984-03-12", false)]
    public async Task SensitiveValues_AreMaskedUnlessTheRoleNeedsThem(string role, string email, string phone, string dateOfBirth, bool notice)
    {
        var (_, id) = await CustomerAsync();

        var page = RenderProfile(id, role);

        Assert.Equal((email, phone, dateOfBirth), (Golden(page, "Email"), Golden(page, "Phone"), Golden(page, "DateOfBirth")));
        Assert.Contains(page.FindAll("[data-testid=identifier-value]"), v => v.TextContent == email);
        Assert.Equal(notice, page.FindAll("[data-testid=masking-notice]").Count == 1);
        Assert.DoesNotContain(role == PortalRoles.Admin ? "jon@example.com" : "1984-03-12X", page.Markup);
    }

    [Fact]
    public async Task Timeline_ShowsEveryEntryByDay_AndTheFiltersNarrowIt()
    {
        var (_, id) = await CustomerAsync();
        var page = RenderProfile(id);

        // The visitor's page views were stitched to the known profile when they signed in: the merge is an entry too.
        Assert.Equal(["profile.merged", "identify", "page.viewed", "page.viewed"], Entries(page).Select(e => e.GetAttribute("data-type")));
        // One heading per day: the merge's (the day the test runs), 7 and 6 October.
        Assert.Equal(["Wednesday 7 October 2026", "Tuesday 6 October 2026"],
            page.FindAll("[data-testid=timeline-day]").Skip(1).Select(d => d.TextContent.Trim()));
        Assert.Equal(3, page.FindAll("[data-testid=timeline-day]").Count);

        page.Find("[data-testid=category-chip][data-category=Web]").Click();
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-testid=category-chip][data-category=Web]").GetAttribute("aria-pressed")), WaitTimeout);
        Assert.Equal(3, Entries(page).Count);

        page.Find("input[placeholder='Search this timeline']").Input("identify");
        page.WaitForAssertion(() => Assert.Equal(["identify"], Entries(page).Select(e => e.GetAttribute("data-type"))), WaitTimeout);
        Assert.Contains("1 of 4 entries match", page.Find("[data-testid=timeline-count]").TextContent);

        page.Find("input[placeholder='Search this timeline']").Input("no such thing");
        page.WaitForAssertion(() => Assert.Contains("No entries match", page.Find("[data-testid=timeline-empty]").TextContent), WaitTimeout);

        page.Find("[data-testid=timeline-clear]").Click();
        page.WaitForAssertion(() => Assert.Equal(4, Entries(page).Count), WaitTimeout);
    }

    [Fact]
    public async Task OpeningAnEntry_ShowsItsSourceRecord_MaskedForTheRole()
    {
        var (_, id) = await CustomerAsync();
        var page = RenderProfile(id, PortalRoles.Admin);

        Entries(page).First(e => e.GetAttribute("data-type") == "identify").Click();

        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("[data-testid=source-field]")), WaitTimeout);
        Assert.Contains("from web", dialogs.Find("[data-testid=timeline-detail-source]").TextContent);
        var email = dialogs.FindAll("[data-testid=source-field]").Single(f => f.GetAttribute("data-field") == "Email");
        Assert.Contains("j***@example.com", email.TextContent);
        Assert.Empty(dialogs.FindAll("[data-testid=timeline-detail-raw]"));
    }

    [Fact]
    public async Task AgentNote_WithAFollowUp_ShowsAsATaskAndInTheTimeline()
    {
        var (_, id) = await CustomerAsync();
        var page = RenderProfile(id);

        page.Find("[data-testid=notes-panel] textarea").Input("Customer asked for a call back about delivery.");
        page.Find("[data-testid=note-add]").Click();

        page.WaitForAssertion(() => Assert.Equal("note", Entries(page)[0].GetAttribute("data-type")), WaitTimeout);
        Assert.Contains("call back about delivery", Entries(page)[0].TextContent);
        Assert.Contains("No open follow-ups", page.Find("[data-testid=notes-panel]").TextContent);
    }

    [Fact]
    public async Task PrivacyOfficers_ReadNotesButDoNotWriteThem()
    {
        var (_, id) = await CustomerAsync();

        var page = RenderProfile(id, PortalRoles.PrivacyOfficer);

        Assert.Empty(page.FindAll("[data-testid=note-add]"));
    }

    [Fact]
    public async Task Predictions_SayNoModelYet_UntilAModelScoresThePerson()
    {
        var (store, id) = await CustomerAsync();
        var before = RenderProfile(id);
        Assert.Contains("No model yet", before.Find("[data-testid=churn-risk]").TextContent);
        Assert.Contains("No model yet", before.Find("[data-testid=next-best-offer]").TextContent);

        await using (var db = await store.Stores.CreateDbContextAsync())
        {
            db.Scores.Add(new CustomerScore
            {
                CustomerId = id, Kind = ScoreKind.ChurnRisk, ModelVersion = "churn-3", Value = 0.72, Label = "high",
                ReasonsJson = """["No purchase for 140 days, usually every 30"]""", ScoredAt = new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc),
            });
            await db.SaveChangesAsync();
        }
        var after = Render<ProfilePage>(parameters => parameters.Add(p => p.Id, id));
        after.WaitForAssertion(() => Assert.Contains("72%", after.Find("[data-testid=churn-risk]").TextContent), WaitTimeout);
        Assert.Contains("No purchase for 140 days", after.Find("[data-testid=churn-risk-reasons]").TextContent);
        Assert.Contains("churn-3", after.Find("[data-testid=churn-risk]").TextContent);
    }

    [Fact]
    public async Task NewInteraction_FromIntake_AppearsOnTheOpenProfileWithoutReload()
    {
        var (store, id) = await CustomerAsync();
        var page = RenderProfile(id);
        Assert.Equal(4, Entries(page).Count);

        // The projection announces the profiles it touched once its batch is committed; the open page reloads itself.
        await IngestAndProjectAsync(store, "web", PageView("m-9", "anon-1", "2026-11-20T10:00:00Z"));

        page.WaitForAssertion(() => Assert.Equal(5, Entries(page).Count), WaitTimeout);
        Assert.Equal("page.viewed", Entries(page)[1].GetAttribute("data-type")); // 20 November, after the merge entry of "today"
        Assert.NotEmpty(page.FindAll("[data-testid=live-updated]"));
        await using var db = await store.Stores.CreateDbContextAsync();
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "profile.viewed")); // a live update is not a second view
    }

    [Theory]
    [InlineData(PortalRoles.Agent, false)]
    [InlineData(PortalRoles.Admin, false)]
    [InlineData(PortalRoles.PrivacyOfficer, true)]
    public async Task RestrictedProfile_OpensForPrivacyOfficersOnly_AndRefusalsAreAudited(string role, bool opens)
    {
        var (store, id) = await CustomerAsync();
        await store.Host.Services.GetRequiredService<Core.Privacy.ProfileCorrections>().RestrictAsync(id, "Accuracy contested", new Core.Audit.AuditActor("p-1", "Pat Privacy"));
        SignInAs($"{role.ToLowerInvariant()}@example.com", role);
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();

        var page = Render<ProfilePage>(parameters => parameters.Add(p => p.Id, id));

        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-progress-linear")), WaitTimeout);
        Assert.Equal(opens, page.FindAll("[data-testid=golden-record]").Count == 1);
        Assert.Equal(!opens, page.Markup.Contains("Processing of this profile is restricted"));
        Assert.DoesNotContain(opens ? "no-such-value" : "jon@example.com", page.Markup);
        await using var db = await store.Stores.CreateDbContextAsync();
        Assert.Equal(opens ? 0 : 1, await db.AuditLog.CountAsync(a => a.Action == "profile.view-refused" && a.TargetId == id.ToString()));
    }

    [Fact]
    public async Task Agent_CorrectsABadValue_WithAReason_AndTheLineageSaysWho()
    {
        var (_, id) = await CustomerAsync();
        var page = RenderProfile(id);

        page.Find("[data-testid=rectify]").Click();
        dialogs.WaitForElement("[data-testid=rectify-dialog]", WaitTimeout);
        dialogs.Find("input[data-testid=rectify-value], [data-testid=rectify-value] input").Change("Jon");
        dialogs.Find("textarea[data-testid=rectify-reason], [data-testid=rectify-reason] textarea").Input("The customer goes by Jon");
        dialogs.Find("[data-testid=rectify-confirm]").Click();

        page.WaitForAssertion(() => Assert.Equal("Jon", Golden(page, "GivenName")), WaitTimeout);
        Assert.StartsWith("Rectified by a person (rectified by agent@example.com; reason: The customer goes by Jon)",
            page.Find("[data-testid=golden-field][data-field=GivenName] [data-testid=golden-value]").GetAttribute("data-lineage"));
    }

    [Fact]
    public async Task Agent_FixingAValueFromADataQualityLink_GetsTheDialogOnThatField_AndTheFixLandsWithLineageAndAudit()
    {
        var (store, id) = await CustomerAsync();

        var page = RenderProfile(id, query: "?correct=Phone");
        dialogs.WaitForElement("[data-testid=rectify-dialog]", WaitTimeout);
        Assert.Equal("Phone", dialogs.FindComponent<RectifyDialog>().Instance.Field);
        dialogs.Find("input[data-testid=rectify-value], [data-testid=rectify-value] input").Change("07700 900456");
        dialogs.Find("[data-testid=rectify-confirm]").Click();
        Assert.NotEmpty(dialogs.FindAll("[data-testid=rectify-dialog]")); // no reason, no correction
        dialogs.Find("textarea[data-testid=rectify-reason], [data-testid=rectify-reason] textarea").Input("Customer confirmed the new number on the call");
        dialogs.Find("[data-testid=rectify-confirm]").Click();

        page.WaitForAssertion(() => Assert.Equal("+447700900456", Golden(page, "Phone")), WaitTimeout);
        Assert.StartsWith("Rectified by a person (rectified by agent@example.com; reason: Customer confirmed the new number on the call), rule rectified",
            page.Find("[data-testid=golden-field][data-field=Phone] [data-testid=golden-value]").GetAttribute("data-lineage"));
        await using var db = await store.Stores.CreateDbContextAsync();
        var audit = await db.AuditLog.SingleAsync(a => a.Action == "profile.rectified" && a.TargetId == id.ToString());
        Assert.Equal(("id-of-agent@example.com", "Phone: Customer confirmed the new number on the call"), (audit.UserId, audit.Details));
    }
}
