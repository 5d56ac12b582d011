using Bunit;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Web.Tests.Components.Shared;

public class GlobalSearchBoxTests : PortalTestContext
{
    public GlobalSearchBoxTests() => Services.AddScoped<CustomerSearchState>();

    [Fact]
    public void Enter_OpensCustomersWithoutPuttingTheQueryInTheUrl()
    {
        SignInAs("agent@example.com", PortalRoles.Agent);
        var box = Render<GlobalSearchBox>();
        var input = box.Find("input");

        input.Input("jon smyth");
        input.KeyDown("Enter");

        var navigation = Services.GetRequiredService<NavigationManager>();
        Assert.Equal("http://localhost/customers", navigation.Uri);
        Assert.Equal("jon smyth", Services.GetRequiredService<CustomerSearchState>().Query);
        // The "/" shortcut is wired once the box is interactive.
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "c360.registerSearchShortcut");
    }
}
