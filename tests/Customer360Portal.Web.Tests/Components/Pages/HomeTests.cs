using Bunit;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Pages;

namespace Customer360Portal.Web.Tests.Components.Pages;

public class HomeTests : PortalTestContext
{
    [Fact]
    public async Task Home_ForMarketer_ShowsMarketingCardsAndNoUserChart()
    {
        await UseProfileStoreAsync();
        SignInAs("marketer@example.com", PortalRoles.Marketer);

        var home = Render<Home>();

        var titles = home.FindAll(".area-card h6").Select(h => h.TextContent).ToArray();
        Assert.Equal(["Segments", "Insights", "Offers", "Models"], titles);
        Assert.Empty(home.FindAll("[data-testid=users-per-role-chart]"));
    }

    [Fact]
    public async Task Home_ForAdmin_ChartsRealUserCountsPerRole()
    {
        var store = await UseProfileStoreAsync();
        var users = store.Host.Services.GetService(typeof(Core.Access.UserAdministration)) as Core.Access.UserAdministration;
        await users!.EnsureRolesAsync();
        var actor = AuditActor.System("test");
        await users.CreateAsync("a1@example.com", "", "correct-horse-42", [PortalRoles.Agent], actor);
        await users.CreateAsync("a2@example.com", "", "correct-horse-42", [PortalRoles.Agent], actor);
        await users.CreateAsync("boss@example.com", "", "correct-horse-42", [PortalRoles.Admin], actor);
        SignInAs("boss@example.com", PortalRoles.Admin);

        var home = Render<Home>();

        home.WaitForAssertion(() =>
            Assert.Equal("Agent: 2, Marketer: 0, PrivacyOfficer: 0, Admin: 1", home.Find("[data-testid=users-per-role-summary]").TextContent), WaitTimeout);
        Assert.Single(home.FindAll("[data-testid=users-per-role-chart]"));
        // The chart is created through the ApexCharts interop module with the same counts.
        var create = JSInterop.Invocations.Single(i => i.Identifier == "create");
        Assert.Contains("\"data\":[2,0,0,1]", System.Text.Json.JsonSerializer.Serialize(create.Arguments[2]));
    }
}
