using Bunit;
using Customer360Portal.Core.Quality;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Admin;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using static Customer360Portal.Web.Tests.Components.Pages.IdentityTestData;

namespace Customer360Portal.Web.Tests.Components.Pages.Admin;

/// <summary>The data quality centre on a real store: snapshot figures, "Refresh now" with live update, and enrichment tasks.</summary>
public class DataQualityPageTests : PortalTestContext
{
    private const string AnnEmail = "ann.lee@example.com";

    /// <summary>Ann has everything; Cara has no email and a phone; both from the CRM.</summary>
    private async Task<TestProfileStore> StoreAsync()
    {
        var store = await UseProfileStoreAsync(b => b.AddDataQuality(runInBackground: false));
        foreach (var type in new[] { typeof(QualitySnapshots), typeof(IncompleteProfiles), typeof(EnrichmentTasks), typeof(QualityJob), typeof(IOptions<QualityOptions>) })
            Services.AddSingleton(type, store.Host.Services.GetRequiredService(type));
        await AddSourcesAsync(store);
        await IngestAndProjectAsync(store, "crm",
            Person("crm", "C-1", AnnEmail, "Ann", "Lee", dob: "1980-05-01", phone: "+44 7700 900001"),
            Person("crm", "C-2", null, "Cara", "Diaz", phone: "+44 7700 900003", line1: "5 Mill Lane", postcode: "E1 6AN"));
        return store;
    }

    private IRenderedComponent<DataQualityPage> RenderAsAdmin()
    {
        SignInAs("admin@example.com", PortalRoles.Admin);
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
        var page = Render<DataQualityPage>();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-progress-linear")), WaitTimeout);
        return page;
    }

    private static string Kpi(IRenderedComponent<DataQualityPage> page, string kpi) =>
        page.Find($"[data-testid={kpi}] [data-testid=kpi-value]").TextContent.Trim();

    [Fact]
    public async Task RefreshNow_WithoutASnapshot_QueuesAScan_AndTheFiguresAppearWhenTheJobFinishes()
    {
        var store = await StoreAsync();
        var page = RenderAsAdmin();
        Assert.Contains("No quality snapshot yet", page.Markup);

        page.Find("[data-testid=refresh-now]").Click();
        page.WaitForElement("[data-testid=scan-progress]", WaitTimeout);
        Assert.True(page.Find("[data-testid=refresh-now]").HasAttribute("disabled"));
        await store.Host.Services.GetRequiredService<QualityJob>().RunDueAsync();

        page.WaitForAssertion(() => Assert.Equal("87.5%", Kpi(page, "kpi-completeness")), WaitTimeout); // 14 of 16 key fields (Cara: no email, no birth date)
        Assert.Empty(page.FindAll("[data-testid=scan-progress]"));
        Assert.Equal("100.0%", Kpi(page, "kpi-validity"));
        Assert.Equal("50.0%", page.Find("[data-testid=field-row][data-field=Email] [data-testid=filled]").TextContent.Trim());
        Assert.Equal("1", page.Find("[data-testid=field-row][data-field=Email] [data-testid=missing]").TextContent.Trim());
        Assert.Equal("50.0% filled", page.Find("[data-testid=source-row][data-source=crm] [data-testid=source-cell][data-field=Email] [data-testid=source-filled]").TextContent.Trim());
        Assert.Equal("reviews", page.Find("[data-testid=reviews-link]").GetAttribute("href"));
        Assert.Equal("admin/quarantine", page.Find("[data-testid=quarantine-link]").GetAttribute("href"));
        Assert.Contains("All 2 profiles", page.Find("[data-testid=freshness-sample]").TextContent);
        Assert.Contains("The trend appears from the second snapshot on", page.Markup);
        await using var db = await store.Stores.CreateDbContextAsync();
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "quality.refresh-requested" && a.UserId == "id-of-admin@example.com"));
    }

    [Fact]
    public async Task IncompleteData_SelectedProfiles_GetEnrichmentTasks_WithMaskedContactDetails()
    {
        var store = await StoreAsync();
        var page = RenderAsAdmin();

        // The list starts on a missing email: Cara, with her phone masked for an admin.
        var row = page.WaitForElement("[data-testid=incomplete-row]", WaitTimeout);
        Assert.Single(page.FindAll("[data-testid=incomplete-row]"));
        Assert.Contains("Cara Diaz", row.TextContent);
        Assert.DoesNotContain("+447700900003", page.Find("[data-testid=incomplete-table]").TextContent);
        Assert.Equal("1 profile", page.Find("[data-testid=incomplete-total]").TextContent.Trim());

        page.Find("[data-testid=incomplete-row] input[type=checkbox]").Change(true);
        page.Find("[data-testid=create-selected]").Click();

        page.WaitForElement("[data-testid=task-open]", WaitTimeout);
        await using var db = await store.Stores.CreateDbContextAsync();
        var cara = await db.Customers.Where(c => c.GivenName == "Cara").Select(c => c.Id).SingleAsync();
        var task = await db.Notes.SingleAsync(n => n.CustomerId == cara);
        Assert.Equal("Data quality: add the missing email.", task.Text);
        Assert.Equal(DateTime.UtcNow.Date.AddDays(14), task.FollowUpDueAt);
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "task.added" && a.TargetId == cara.ToString()));
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "quality.incomplete-listed" && a.Details == "Email, page 1, 1 shown" && a.UserId == "id-of-admin@example.com"));
    }

    [Fact]
    public async Task IncompleteData_OtherField_ListsItsProfiles_WithAFixLinkToTheProfile()
    {
        await StoreAsync();
        var page = RenderAsAdmin();
        page.WaitForElement("[data-testid=incomplete-row]", WaitTimeout);

        await page.InvokeAsync(() => page.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync(nameof(Customer.DateOfBirth)));

        page.WaitForAssertion(() => Assert.Contains("Cara Diaz", page.Find("[data-testid=incomplete-row]").TextContent), WaitTimeout);
        var fix = page.Find("[data-testid=incomplete-row] [data-testid=fix-link]");
        Assert.EndsWith("?correct=DateOfBirth", fix.GetAttribute("href"));
    }

    [Fact]
    public async Task TwoSnapshots_DrawTheTrend_AndSayHowTheFiguresMoved()
    {
        var store = await StoreAsync();
        var snapshots = store.Host.Services.GetRequiredService<QualitySnapshots>();
        var job = store.Host.Services.GetRequiredService<QualityJob>();
        await snapshots.RequestRefreshAsync(Core.Audit.AuditActor.System("test"));
        await job.RunDueAsync();
        await IngestAndProjectAsync(store, "crm", Person("crm", "C-2", "cara.diaz@example.com", "Cara", "Diaz", phone: "+44 7700 900003", line1: "5 Mill Lane",
            postcode: "E1 6AN", updatedAt: "2026-10-02T09:00:00Z"));
        await snapshots.RequestRefreshAsync(Core.Audit.AuditActor.System("test"));
        await job.RunDueAsync();

        var page = RenderAsAdmin();

        Assert.NotNull(page.Find("[data-testid=quality-trend-chart]"));
        Assert.NotNull(page.Find("[data-testid=issues-trend-chart]"));
        Assert.StartsWith("Over 2 snapshots since", page.Find("[data-testid=trend-summary]").TextContent);
        Assert.Contains("completeness 87.5% → 93.8%", page.Find("[data-testid=trend-summary]").TextContent); // Cara's email arrived
    }
}
