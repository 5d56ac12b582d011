using Bunit;
using Customer360Portal.Core.Search;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Customers;
using Customer360Portal.Web.Components.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Customer360Portal.Web.Tests.Components.Pages.IdentityTestData;

namespace Customer360Portal.Web.Tests.Components.Pages.Customers;

public class CustomersPageTests : PortalTestContext
{
    public CustomersPageTests() => Services.AddScoped<CustomerSearchState>();

    private async Task<TestProfileStore> PeopleAsync()
    {
        var store = await UseProfileStoreAsync();
        await AddSourcesAsync(store);
        await IngestAndProjectAsync(store, "crm",
            Person("crm", "C-1", "jonathan.smith@example.com", "Jonathan", "Smith", phone: "+44 7700 900123"),
            Person("crm", "C-2", "mary.jones@example.org", "Mary", "Jones", line1: "9 Park Road", postcode: "M1 1AA"));
        await store.Host.Services.GetRequiredService<SearchIndex>().RunOnceAsync();
        return store;
    }

    private IRenderedComponent<CustomersPage> RenderPage()
    {
        SignInAs("agent@example.com", PortalRoles.Agent);
        return Render<CustomersPage>();
    }

    [Fact]
    public async Task CustomersPage_NoQuery_ShowsTheHint()
    {
        await PeopleAsync();

        var page = RenderPage();

        Assert.Contains("Search for a customer", page.Find("[data-testid=empty-state]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=search-results]"));
    }

    [Fact]
    public async Task CustomersPage_Search_ShowsMaskedResultsLinkingToTheProfile_AndUpdatesLive()
    {
        var store = await PeopleAsync();
        var page = RenderPage();
        var state = Services.GetRequiredService<CustomerSearchState>();

        state.Search("  jon smyth ");

        page.WaitForAssertion(() => Assert.Equal("You searched for jon smyth.", page.Find("[data-testid=search-query]").TextContent), WaitTimeout);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=search-result]")), WaitTimeout);
        long id;
        await using (var db = await store.Stores.CreateDbContextAsync())
            id = await db.Customers.Where(c => c.GivenName == "Jonathan").Select(c => c.Id).SingleAsync();
        var link = page.Find("[data-testid=search-result]");
        Assert.Equal("Jonathan Smith", link.TextContent.Trim());
        Assert.Equal($"customers/{id}", link.GetAttribute("href"));
        var table = page.Find("[data-testid=search-results]").TextContent;
        Assert.Contains("j***@example.com", table);
        Assert.DoesNotContain("jonathan.smith@", table);
        Assert.DoesNotContain("7700", table);

        state.Search("zebedee quillfeather");

        page.WaitForAssertion(() => Assert.Contains("No customer matches", page.Find("[data-testid=empty-state]").TextContent), WaitTimeout);
    }
}
