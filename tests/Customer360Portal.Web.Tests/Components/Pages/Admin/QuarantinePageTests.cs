using System.Text;
using AngleSharp.Dom;
using Bunit;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Ingestion.Normalisation;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Admin;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Customer360Portal.Web.Tests.Components.Pages.Admin;

public class QuarantinePageTests : PortalTestContext
{
    private const string BadEmail = "email: not a valid email address";
    private const string BadCountry = "address.country: unknown country";

    private static IncomingRecord EmailEvent(string eventId, string email) =>
        new("email", RecordKinds.EmailEvent, Encoding.UTF8.GetBytes(
            $$"""{"eventId":"{{eventId}}","email":"{{email}}","type":"opened","occurredAt":"2026-10-01T09:00:00Z"}"""), DateTime.UtcNow);

    private static IncomingRecord Contact(string id, string country) =>
        new("crm", RecordKinds.Contact, Encoding.UTF8.GetBytes(
            $$"""{"id":"{{id}}","updatedAt":"2026-10-01T09:00:00Z","firstName":"Ann","lastName":"Lee","email":"ann.{{id}}@example.com","address":{"country":"{{country}}"} }"""), DateTime.UtcNow);

    /// <summary>The real intake and quarantine services on the test's real SQLite store, with two sources.</summary>
    private async Task<(TestProfileStore Store, IntakePipeline Pipeline)> UseQuarantineAsync()
    {
        var store = await UseProfileStoreAsync();
        var audit = store.Host.Services.GetRequiredService<AuditLog>();
        var pipeline = store.Host.Services.GetRequiredService<IntakePipeline>();
        Services.AddSingleton(new QuarantineService(store.Stores, pipeline, audit, TimeProvider.System));
        var registry = new SourceRegistry(store.Stores, audit, TimeProvider.System);
        await registry.EnsureSourceAsync("email", "Email platform", SourceKind.EmailPlatform, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Pull);
        return (store, pipeline);
    }

    private IRenderedComponent<QuarantinePage> RenderAsAdmin()
    {
        SignInAs("admin@example.com", "Admin");
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        return Render<QuarantinePage>();
    }

    private static IReadOnlyList<string> ExternalIds(IRenderedComponent<QuarantinePage> page) =>
        page.FindAll("[data-testid=quarantine-table] [data-testid=external-id]").Select(c => c.TextContent.Trim()).ToList();

    private static IElement FieldInput(IRenderedComponent<QuarantinePage> page, string label) =>
        page.FindAll("[data-testid=quarantine-detail] .mud-input-control")
            .First(c => c.QuerySelector("label")?.TextContent.Trim() == label)
            .QuerySelector("input")!;

    [Fact]
    public async Task NothingQuarantined_ShowsAnHonestEmptyState()
    {
        await UseQuarantineAsync();

        var page = RenderAsAdmin();

        page.WaitForAssertion(() => Assert.Contains("Nothing is quarantined", page.Find("[data-testid=empty-state]").TextContent), WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=quarantine-table]"));
    }

    [Fact]
    public async Task Page_ListsOpenRecordsGroupedByReason_AndAReasonFiltersTheList()
    {
        var (_, pipeline) = await UseQuarantineAsync();
        await pipeline.IngestAsync("email", [EmailEvent("E-1", "jon@@example.com"), EmailEvent("E-2", "ann@@example.com"), EmailEvent("E-3", "kim@example.com")]);
        await pipeline.IngestAsync("crm", [Contact("C-1", "Untied Kingdom")]);

        var page = RenderAsAdmin();

        page.WaitForAssertion(() => Assert.Equal(3, ExternalIds(page).Count), WaitTimeout);
        var rows = page.FindAll("[data-testid=reason-row]");
        Assert.Equal([(BadEmail, "2"), (BadCountry, "1")],
            rows.Select(r => (r.Children[0].TextContent.Trim(), r.QuerySelector("[data-testid=reason-count]")!.TextContent.Trim())));
        Assert.Equal(["crm · 1", "email · 2"], page.FindAll("[data-testid=source-chip]").Select(c => c.TextContent.Trim()).Order(StringComparer.Ordinal));

        page.FindAll("[data-testid=reason-row]").Single(r => r.TextContent.Contains(BadEmail)).Click();

        page.WaitForAssertion(() => Assert.Equal(["E-1", "E-2"], ExternalIds(page).Order(StringComparer.Ordinal)), WaitTimeout);
        Assert.Contains(BadEmail, page.Find("[data-testid=active-filter]").TextContent);
    }

    [Fact]
    public async Task FixEmailInTheDetailPanel_AndReplay_RemovesTheRecordFromTheOpenList()
    {
        var (store, pipeline) = await UseQuarantineAsync();
        await pipeline.IngestAsync("email", [EmailEvent("E-1", "jon@@example.com"), EmailEvent("E-2", "ann@@example.com")]);
        var page = RenderAsAdmin();
        page.WaitForAssertion(() => Assert.Equal(2, ExternalIds(page).Count), WaitTimeout);

        page.FindAll("[data-testid=quarantine-table] tbody tr").Single(r => r.TextContent.Contains("E-1")).Click();
        page.WaitForAssertion(() => Assert.Contains(BadEmail, page.Find("[data-testid=detail-reasons]").TextContent), WaitTimeout);
        var email = FieldInput(page, "email");
        Assert.Equal("jon@@example.com", email.GetAttribute("value"));
        email.Input("jon@example.com");
        page.Find("[data-testid=replay]").Click();

        page.WaitForAssertion(() => Assert.Equal(["E-2"], ExternalIds(page)), WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=quarantine-detail]"));
        Assert.Contains("Valid now", Services.GetRequiredService<ISnackbar>().ShownSnackbars.Last().Message);
        await using var db = await store.Stores.CreateDbContextAsync();
        var record = await db.SourceRecords.SingleAsync();
        Assert.Equal(("E-1", SourceRecordStatus.Pending), (record.ExternalId, record.Status));
        var source = await db.DataSources.SingleAsync(s => s.Key == "email");
        Assert.Equal((2L, 1L, 1L), (source.Received, source.Stored, source.Quarantined));
        Assert.Contains(await db.AuditLog.Select(a => a.Action).ToListAsync(), a => a == "quarantine.viewed");
    }

    [Fact]
    public async Task FixThatIsStillInvalid_KeepsTheRecordOpenAndShowsTheNewReason()
    {
        var (_, pipeline) = await UseQuarantineAsync();
        await pipeline.IngestAsync("email", [EmailEvent("E-1", "jon@@example.com")]);
        var page = RenderAsAdmin();
        page.WaitForAssertion(() => Assert.Single(ExternalIds(page)), WaitTimeout);

        page.FindAll("[data-testid=quarantine-table] tbody tr").Single(r => r.TextContent.Contains("E-1")).Click();
        page.WaitForElement("[data-testid=quarantine-detail]", WaitTimeout);
        FieldInput(page, "email").Input("still wrong");
        page.Find("[data-testid=replay]").Click();

        page.WaitForAssertion(() => Assert.Contains("Still invalid", Services.GetRequiredService<ISnackbar>().ShownSnackbars.Last().Message), WaitTimeout);
        Assert.Equal(["E-1"], ExternalIds(page));
        Assert.Equal("still wrong", FieldInput(page, "email").GetAttribute("value"));
    }

    [Fact]
    public async Task BulkMap_ReplacesTheValueAndReportsHowManyBecameValid()
    {
        var (_, pipeline) = await UseQuarantineAsync();
        await pipeline.IngestAsync("crm", [Contact("C-1", "Untied Kingdom"), Contact("C-2", "Untied Kingdom"), Contact("C-3", "Atlantis")]);
        var page = RenderAsAdmin();
        page.WaitForAssertion(() => Assert.Equal(3, ExternalIds(page).Count), WaitTimeout);

        // Choosing the reason prefills the form's source and field.
        page.FindAll("[data-testid=reason-row]").Single(r => r.TextContent.Contains(BadCountry)).Click();
        page.WaitForAssertion(() => Assert.Equal("address.country", BulkInput(page, "Field").GetAttribute("value")), WaitTimeout);
        BulkInput(page, "From value").Input("Untied Kingdom");
        BulkInput(page, "To value").Input("GB");
        page.Find("[data-testid=bulk-map-run]").Click();

        page.WaitForAssertion(() => Assert.Equal(["C-3"], ExternalIds(page)), WaitTimeout);
        Assert.Contains("2 valid now", Services.GetRequiredService<ISnackbar>().ShownSnackbars.Last().Message);
    }

    private static IElement BulkInput(IRenderedComponent<QuarantinePage> page, string label) =>
        page.FindAll("[data-testid=bulk-map] .mud-input-control")
            .First(c => c.QuerySelector("label")?.TextContent.Trim() == label)
            .QuerySelector("input")!;
}
