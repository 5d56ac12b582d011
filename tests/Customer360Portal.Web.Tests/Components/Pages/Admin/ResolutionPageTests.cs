using Bunit;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Pages.Admin;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using static Customer360Portal.Web.Tests.Components.Pages.IdentityTestData;

namespace Customer360Portal.Web.Tests.Components.Pages.Admin;

public class ResolutionPageTests : PortalTestContext
{
    private IRenderedComponent<MudDialogProvider> dialogs = default!;

    private IRenderedComponent<ResolutionPage> RenderAsAdmin()
    {
        SignInAs("admin@example.com", PortalRoles.Admin);
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
        return Render<ResolutionPage>();
    }

    [Fact]
    public async Task NewStore_ShowsCountsAndSaysTheModelIsNotTrainedYet()
    {
        var store = await UseProfileStoreAsync();
        await AddSourcesAsync(store);
        await IngestAndProjectAsync(store, "crm", Person("crm", "C-1", "ann@example.com", "Ann", "Lee"), Person("crm", "C-2", "raj@example.com", "Raj", "Patel"));

        var page = RenderAsAdmin();

        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=active-profiles]").TextContent), WaitTimeout);
        Assert.Contains("Not trained yet", page.Find("[data-testid=model]").TextContent);
    }

    [Fact]
    public async Task ReResolveEverything_AfterConfirming_QueuesOneJob_AndItsOutcomeShows()
    {
        var store = await UseProfileStoreAsync();
        await AddSourcesAsync(store);
        await IngestAndProjectAsync(store, "crm", Person("crm", "C-1", "ann@example.com", "Ann", "Lee"));
        var page = RenderAsAdmin();
        page.WaitForElement("[data-testid=resolution-job] button", WaitTimeout);

        page.Find("[data-testid=resolution-job] button").Click();
        dialogs.WaitForElement(".mud-dialog", WaitTimeout);
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Contains("Re-resolve")).Click();

        page.WaitForAssertion(() => Assert.Contains("Queued", page.Find("[data-testid=job-history]").TextContent), WaitTimeout);
        await store.Host.Services.GetRequiredService<ResolutionJobService>().RunQueuedAsync(CancellationToken.None);
        await using var db = await store.Stores.CreateDbContextAsync();
        var job = await db.Jobs.SingleAsync();
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal("id-of-admin@example.com", job.RequestedByUserId);
    }
}
