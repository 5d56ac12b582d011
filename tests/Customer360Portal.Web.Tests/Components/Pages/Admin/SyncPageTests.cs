using System.Text;
using Bunit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Pages.Admin;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Customer360Portal.Web.Tests.Components.Pages.Admin;

public class SyncPageTests : PortalTestContext
{
    private async Task<(IRenderedComponent<SyncPage> Page, SourceRegistry Registry)> RenderWithDataAsync()
    {
        var store = await UseProfileStoreAsync();
        var registry = store.Host.Services.GetRequiredService<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM contacts", SourceKind.Crm, ConnectorStyle.Pull);
        await registry.EnsureSourceAsync("email", "Email platform", SourceKind.EmailPlatform, ConnectorStyle.Push);
        var pipeline = store.Host.Services.GetRequiredService<IntakePipeline>();
        IncomingRecord Contact(string id, string email) => new("crm", RecordKinds.Contact,
            Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","updatedAt":"2026-10-01T09:00:00Z","firstName":"Ann","email":"{{email}}"}"""), DateTime.UtcNow);
        await pipeline.IngestAsync("crm", [Contact("1", "a@example.com"), Contact("2", "b@example.com"), Contact("3", "not an email")]);
        await pipeline.IngestAsync("crm", [Contact("1", "a@example.com")]);
        SignInAs("admin@example.com", PortalRoles.Admin);
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        var page = Render<SyncPage>();
        page.WaitForElement("[data-testid=sources-table]", WaitTimeout);
        return (page, registry);
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<SyncPage> page, string key) =>
        page.FindAll("[data-testid=sources-table] tbody tr").Single(r => r.TextContent.Contains(key));

    [Fact]
    public async Task SyncPage_ShowsEachSourceWithBalancedCounts()
    {
        var (page, _) = await RenderWithDataAsync();

        var crm = Row(page, "crm");
        Assert.Equal("4", crm.QuerySelector("[data-testid=received]")!.TextContent);
        Assert.Equal("2", crm.QuerySelector("[data-testid=stored]")!.TextContent);
        Assert.Equal("1", crm.QuerySelector("[data-testid=duplicates]")!.TextContent);
        Assert.Equal("1", crm.QuerySelector("[data-testid=quarantined]")!.TextContent);
        Assert.Contains("Running", crm.TextContent);
        Assert.Equal("0", Row(page, "email").QuerySelector("[data-testid=received]")!.TextContent);
    }

    [Fact]
    public async Task PauseButton_PausesTheSourceInTheStore()
    {
        var (page, registry) = await RenderWithDataAsync();

        Row(page, "crm").QuerySelector("button[aria-label='Pause crm']")!.Click();

        page.WaitForAssertion(() => Assert.Contains("Paused", Row(page, "crm").TextContent), WaitTimeout);
        Assert.Equal(SyncState.Paused, (await registry.FindAsync("crm"))!.State);
        Assert.NotNull(Row(page, "crm").QuerySelector("button[aria-label='Resume crm']"));
    }

    [Fact]
    public async Task NewApiKey_IsShownOnceAndWorks()
    {
        var (page, registry) = await RenderWithDataAsync();

        Row(page, "email").Click();
        page.WaitForElement("[data-testid=source-detail]", WaitTimeout);
        page.FindAll("[data-testid=source-detail] button").Single(b => b.TextContent.Trim() == "New API key").Click();

        var secret = page.WaitForElement("[data-testid=issued-secret] code", WaitTimeout).TextContent;
        Assert.Equal("email", await registry.VerifyAsync(secret, ApiKeyKind.Ingest));
        Assert.Contains("active", page.Find("[data-testid=source-detail] table").TextContent);
    }
}
