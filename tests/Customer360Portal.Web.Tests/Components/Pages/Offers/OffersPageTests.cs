using Customer360Portal.Data.Model;
using AngleSharp.Dom;
using Bunit;
using Customer360Portal.Web.Components.Pages.Offers;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace Customer360Portal.Web.Tests.Components.Pages.Offers;

/// <summary>The marketer's offer page: empty state, validation errors at their fields, saving, deactivating.</summary>
public class OffersPageTests : PortalTestContext
{
    private Customer360Portal.Tests.Shared.TestProfileStore store = default!;

    private async Task<IRenderedComponent<OffersPage>> RenderPageAsync()
    {
        store = await UseProfileStoreAsync();
        SignInAs("marketer@example.com", PortalRoles.Marketer);
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        var page = Render<OffersPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=offer-new]")), WaitTimeout);
        return page;
    }

    private static IElement Input(IRenderedComponent<OffersPage> page, string testId) =>
        page.FindAll($"input[data-testid={testId}], [data-testid={testId}] input").First();

    [Fact]
    public async Task NoOffers_ShowsTheEmptyStateAndNoModel()
    {
        var page = await RenderPageAsync();

        Assert.Contains("No offers defined yet", page.Find("[data-testid=empty-state]").TextContent);
        Assert.Contains("No offer model yet", page.Find("[data-testid=offer-model]").TextContent);
    }

    [Fact]
    public async Task Save_EmptyForm_ShowsErrorsAtTheFields_ThenAValidOfferIsListed()
    {
        var page = await RenderPageAsync();
        page.Find("button[data-testid=offer-new]").Click();

        page.Find("button[data-testid=offer-save]").Click();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=offer-errors]")), WaitTimeout);
        Assert.Contains("Enter a code", page.Markup);
        Assert.Contains("Enter a title", page.Markup);
        Assert.Contains("A product offer needs the sku", page.Markup);

        Input(page, "offer-code").Change("coffee-grinder");
        Input(page, "offer-title").Change("Burr Coffee Grinder");
        Input(page, "offer-sku").Change("HP-KIT-150");
        page.Find("button[data-testid=offer-save]").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=offer-row]")), WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=offer-form]"));
        Assert.Contains("coffee-grinder", page.Find("[data-testid=offer-row]").TextContent);
        Assert.Contains("active", page.Find("[data-testid=offer-row]").TextContent);
    }

    [Fact]
    public async Task Deactivate_MarksTheOfferInactiveAndIsAudited()
    {
        var page = await RenderPageAsync();
        page.Find("button[data-testid=offer-new]").Click();
        Input(page, "offer-code").Change("garden-week");
        Input(page, "offer-title").Change("Garden week");
        Input(page, "offer-sku").Change("HP-GDN-101");
        page.Find("button[data-testid=offer-save]").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=offer-row]")), WaitTimeout);

        page.Find("button[data-testid=offer-toggle]").Click();

        page.WaitForAssertion(() => Assert.Contains("inactive", page.Find("[data-testid=offer-row]").TextContent), WaitTimeout);
        await using var db = await store.Stores.CreateDbContextAsync();
        Assert.Equal(["offer.created", "offer.deactivated"], await db.AuditLog.Where(a => a.TargetType == "offer").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }
}
