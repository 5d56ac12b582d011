using Bunit;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Layout;

namespace Customer360Portal.Web.Tests.Components.Layout;

public class NavMenuTests : PortalTestContext
{
    // The Match review entry counts open reviews: the menu needs the real queue on a (here empty) store.
    private Customer360Portal.Tests.Shared.TestProfileStore store = default!;

    public override async Task InitializeAsync() => store = await UseProfileStoreAsync(Pages.IdentityTestData.StrictMerging);

    public static TheoryData<string, string[]> NavByRole => new()
    {
        { PortalRoles.Agent, ["Home", "Customers", "Match review", "My account"] },
        { PortalRoles.Marketer, ["Home", "Segments", "Insights", "Offers", "Models", "My account"] },
        { PortalRoles.PrivacyOfficer, ["Home", "Consent", "Requests", "Audit log", "My account"] },
        { PortalRoles.Admin, ["Home", "Customers", "Match review", "Segments", "Insights", "Offers", "Models", "Consent", "Requests", "Audit log", "Users", "Sync", "Quarantine", "Identity resolution", "Data quality", "My account"] },
    };

    [Theory]
    [MemberData(nameof(NavByRole))]
    public void NavMenu_ForEachRole_ShowsExactlyItsAreas(string role, string[] expected)
    {
        SignInAs($"{role.ToLowerInvariant()}@example.com", role);

        var nav = Render<NavMenu>();

        var links = nav.FindAll("a").Select(a => a.TextContent.Trim()).ToArray();
        Assert.Equal(expected, links);
    }

    [Fact]
    public void NavMenu_ForUserWithTwoRoles_ShowsBothAreasOnce()
    {
        SignInAs("both@example.com", PortalRoles.Agent, PortalRoles.Marketer);

        var links = Render<NavMenu>().FindAll("a").Select(a => a.TextContent.Trim()).ToArray();

        Assert.Equal(["Home", "Customers", "Match review", "Segments", "Insights", "Offers", "Models", "My account"], links);
    }

    [Fact]
    public void NavMenu_ForSignedInUserWithoutRole_ShowsOnlyHomeAndAccount()
    {
        SignInAs("nobody@example.com");

        var links = Render<NavMenu>().FindAll("a").Select(a => a.TextContent.Trim()).ToArray();

        Assert.Equal(["Home", "My account"], links);
    }

    [Fact]
    public void NavMenu_LinksPointToTheAreaPages()
    {
        SignInAs("privacy@example.com", PortalRoles.PrivacyOfficer);

        var hrefs = Render<NavMenu>().FindAll("a").Select(a => a.GetAttribute("href")).ToArray();

        Assert.Contains("privacy/consent", hrefs);
        Assert.Contains("privacy/requests", hrefs);
        Assert.Contains("privacy/audit", hrefs);
        Assert.DoesNotContain("admin/users", hrefs);
    }

    [Fact]
    public async Task NavMenu_ShowsTheOpenReviewCountBesideMatchReview_OutsideTheLinkName()
    {
        await Pages.IdentityTestData.AddSourcesAsync(store);
        await Pages.IdentityTestData.BorderlinePairAsync(store);
        SignInAs("agent@example.com", PortalRoles.Agent);

        var nav = Render<NavMenu>();

        var link = nav.FindAll("a").Single(a => a.TextContent.Contains("Match review"));
        var count = link.QuerySelector("[data-testid=open-reviews-count]")!;
        Assert.Equal(("1", "true"), (count.TextContent, count.GetAttribute("aria-hidden")));
        Assert.Equal("reviews", link.GetAttribute("href"));
    }
}
