using AngleSharp.Dom;
using Bunit;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Customer360Portal.Web.Tests.Components.Pages.Privacy;

public class RequestsPageTests : PortalTestContext
{
    private const string OfficerEmail = "privacy@example.com";
    private static readonly AuditActor Filer = AuditActor.System("api:web-form");

    private IRenderedComponent<MudSnackbarProvider> snackbars = default!;
    private IRenderedComponent<MudDialogProvider> dialogs = default!;
    private TestProfileStore store = default!;
    private PrivacyRequests requests = default!;

    private async Task StoreAsync()
    {
        store = await UseProfileStoreAsync(b => b.AddPrivacyRequests());
        requests = store.Host.Services.GetRequiredService<PrivacyRequests>();
        Services.AddSingleton(requests);
        await using var db = await store.Stores.CreateDbContextAsync();
        db.Users.Add(new PortalUser { Id = $"id-of-{OfficerEmail}", UserName = OfficerEmail, DisplayName = "Pat Privacy" });
        await db.SaveChangesAsync();
    }

    private IRenderedComponent<RequestsPage> RenderAsOfficer()
    {
        SignInAs(OfficerEmail, PortalRoles.PrivacyOfficer);
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        dialogs = Render<MudDialogProvider>();
        snackbars = Render<MudSnackbarProvider>();
        return Render<RequestsPage>();
    }

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<RequestsPage> page) => page.FindAll("[data-testid=request-table] tbody tr");

    private static IElement Row(IRenderedComponent<RequestsPage> page, long id) =>
        Rows(page).Single(r => r.QuerySelector("[data-testid=request-row]")!.GetAttribute("data-id") == id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private Task<PrivacyRequest> FileAsync(PrivacyRequestType type, Regulation regulation = Regulation.Gdpr) =>
        requests.FileAsync(new NewPrivacyRequest(type, regulation, "subject@example.com", null, "api:web-form"), Filer);

    [Fact]
    public async Task Queue_ListsOpenRequestsMostUrgentFirst_WithAnOverdueWarning()
    {
        await StoreAsync();
        var recent = await FileAsync(PrivacyRequestType.Access, Regulation.Ccpa);
        var late = await FileAsync(PrivacyRequestType.Erasure);
        await using (var db = await store.Stores.CreateDbContextAsync())
            await db.PrivacyRequests.Where(r => r.Id == late.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.DueAt, DateTime.UtcNow.AddDays(-2)));

        var page = RenderAsOfficer();

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count), WaitTimeout);
        Assert.Equal([late.Id, recent.Id], Rows(page).Select(r => long.Parse(r.QuerySelector("[data-testid=request-row]")!.GetAttribute("data-id")!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.NotNull(Row(page, late.Id).QuerySelector("[data-testid=overdue-chip]"));
        Assert.Null(Row(page, recent.Id).QuerySelector("[data-testid=overdue-chip]"));
        Assert.Equal("Erasure", Row(page, late.Id).QuerySelector("[data-testid=request-type]")!.TextContent.Trim());
        Assert.Contains("CCPA", Row(page, recent.Id).TextContent);
        Assert.Equal("Not verified", Row(page, recent.Id).QuerySelector("[data-testid=request-verification]")!.TextContent.Trim());
        Assert.Contains("2 open · 1 overdue", page.Find("[data-testid=request-counts]").TextContent);
    }

    [Fact]
    public async Task Detail_AssignToMeAndVerify_UpdatesTheQueueAndTheHistory()
    {
        await StoreAsync();
        var request = await FileAsync(PrivacyRequestType.Access);
        var page = RenderAsOfficer();
        page.WaitForAssertion(() => Assert.Single(Rows(page)), WaitTimeout);

        Row(page, request.Id).Click();
        page.WaitForElement("[data-testid=request-detail]", WaitTimeout);
        Assert.Contains("subject@example.com", page.Find("[data-testid=detail-contact]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=download-package]")); // not verified or linked yet
        page.Find("[data-testid=assign-me]").Click();
        page.WaitForAssertion(() => Assert.Equal("Pat Privacy", page.Find("[data-testid=detail-assignee]").TextContent.Trim()), WaitTimeout);
        page.Find("[data-testid=mark-verified]").Click();

        page.WaitForAssertion(() => Assert.Equal("Verified", page.Find("[data-testid=detail-verification]").TextContent.Trim()), WaitTimeout);
        Assert.Equal("Pat Privacy", Row(page, request.Id).QuerySelector("[data-testid=request-assignee]")!.TextContent.Trim());
        Assert.Equal(["received", "assigned", "verification:Verified"],
            page.FindAll("[data-testid=history-entry]").Select(e => e.GetAttribute("data-action")));
        Assert.Contains("Identity marked as verified.", snackbars.Markup);
    }

    [Fact]
    public async Task Detail_CompleteWithoutVerification_SaysWhyAndKeepsTheRequestOpen()
    {
        await StoreAsync();
        var request = await FileAsync(PrivacyRequestType.Restriction);
        var page = RenderAsOfficer();
        page.WaitForAssertion(() => Assert.Single(Rows(page)), WaitTimeout);
        Row(page, request.Id).Click();
        page.WaitForElement("[data-testid=request-detail]", WaitTimeout);

        page.Find("[data-testid=complete]").Click();
        dialogs.WaitForElement("[data-testid=reason-confirm]", WaitTimeout);
        dialogs.Find("textarea").Input("Restricted in the CRM");
        dialogs.Find("[data-testid=reason-confirm]").Click();

        page.WaitForAssertion(() => Assert.Contains("Verify the person's identity", snackbars.Markup), WaitTimeout);
        Assert.Equal("Received", page.Find("[data-testid=detail-status]").TextContent.Trim());
    }

    [Fact]
    public async Task ErasureRequest_ErasesTheLinkedVerifiedPerson_AndShowsTheReceipt()
    {
        await StoreAsync();
        await store.Host.Services.GetRequiredService<Core.Ingestion.SourceRegistry>().EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await store.Host.Services.GetRequiredService<Core.Ingestion.IntakePipeline>().IngestAsync("crm", [new Core.Ingestion.IncomingRecord("crm", Core.Ingestion.RecordKinds.Contact,
            System.Text.Encoding.UTF8.GetBytes("""{"id":"C-1","updatedAt":"2026-10-01T09:00:00Z","firstName":"Rosalind","lastName":"Vantongeren","email":"subject@example.com"}"""), DateTime.UtcNow)]);
        await store.Host.Services.GetRequiredService<Core.Profiles.ProfileProjection>().CatchUpAsync();
        long customerId;
        await using (var db = await store.Stores.CreateDbContextAsync())
            customerId = await db.Customers.Select(c => c.Id).SingleAsync();
        var request = await FileAsync(PrivacyRequestType.Erasure);
        var page = RenderAsOfficer();
        page.WaitForAssertion(() => Assert.Single(Rows(page)), WaitTimeout);
        Row(page, request.Id).Click();
        // Not yet verified nor linked: the button waits for both.
        Assert.True(page.WaitForElement("[data-testid=start-erasure]", WaitTimeout).HasAttribute("disabled"));

        var version = await requests.SetVerificationAsync(request.Id, request.Version, IdentityVerification.Verified, null, Filer);
        await requests.LinkCustomerAsync(request.Id, version, customerId, Filer);
        Row(page, request.Id).Click();
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=start-erasure]").HasAttribute("disabled")), WaitTimeout);
        page.Find("[data-testid=start-erasure]").Click();
        dialogs.WaitForElement("textarea", WaitTimeout).Input("Verified by phone; the person asked for erasure.");
        dialogs.Find("[data-testid=reason-confirm]").Click();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=erasure-progress]")), WaitTimeout);

        // The background service runs the queued job; the open page shows the receipt when it ends.
        Assert.True(await store.Host.Services.GetRequiredService<ErasureJobService>().RunNextAsync());

        page.WaitForAssertion(() => Assert.Contains("Erasure receipt", page.Find("[data-testid=detail-outcome]").TextContent), WaitTimeout);
        Assert.Equal("Completed", page.Find("[data-testid=detail-status]").TextContent.Trim());
        Assert.DoesNotContain("Vantongeren", page.Markup);
        await using var after = await store.Stores.CreateDbContextAsync();
        Assert.Equal(CustomerStatus.Erased, (await after.Customers.SingleAsync()).Status);
    }

    [Fact]
    public async Task ObjectionRequest_RecordsTheOptOutInTheConsentLedger()
    {
        await StoreAsync();
        await store.Host.Services.GetRequiredService<Core.Ingestion.SourceRegistry>().EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await store.Host.Services.GetRequiredService<Core.Ingestion.IntakePipeline>().IngestAsync("crm", [new Core.Ingestion.IncomingRecord("crm", Core.Ingestion.RecordKinds.Contact,
            System.Text.Encoding.UTF8.GetBytes("""{"id":"C-1","updatedAt":"2026-10-01T09:00:00Z","firstName":"Rosalind","lastName":"Vantongeren","email":"subject@example.com"}"""), DateTime.UtcNow)]);
        await store.Host.Services.GetRequiredService<Core.Profiles.ProfileProjection>().CatchUpAsync();
        long customerId;
        await using (var db = await store.Stores.CreateDbContextAsync())
            customerId = await db.Customers.Select(c => c.Id).SingleAsync();
        var request = await FileAsync(PrivacyRequestType.Objection, Regulation.Ccpa);
        var version = await requests.SetVerificationAsync(request.Id, request.Version, IdentityVerification.Verified, null, Filer);
        await requests.LinkCustomerAsync(request.Id, version, customerId, Filer);
        var page = RenderAsOfficer();
        page.WaitForAssertion(() => Assert.Single(Rows(page)), WaitTimeout);
        Row(page, request.Id).Click();

        page.WaitForElement("[data-testid=record-opt-out]", WaitTimeout).Click();
        dialogs.WaitForElement("textarea", WaitTimeout).Input("Do not sell my data (CCPA).");
        dialogs.Find("[data-testid=reason-confirm]").Click();

        page.WaitForAssertion(() => Assert.Contains("Opt-out of profile", snackbars.Markup), WaitTimeout);
        await using var after = await store.Stores.CreateDbContextAsync();
        var states = await after.ConsentStates.Where(c => c.CustomerId == customerId).ToListAsync();
        Assert.Equal(ConsentStatus.Withdrawn, states.Single(c => c.Purpose == ConsentPurpose.SaleOrSharing).Status);
        Assert.Equal(ConsentStatus.Withdrawn, states.Single(c => c.Purpose == ConsentPurpose.PartnerSharing).Status);
    }
}
