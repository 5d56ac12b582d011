using Bunit;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Pages.Segments;

namespace Customer360Portal.Web.Tests.Components.Shared;

public class EmptyStateTests : PortalTestContext
{
    [Fact]
    public void UnbuiltArea_ShowsAnHonestEmptyStateAndNoData()
    {
        SignInAs("marketer@example.com", PortalRoles.Marketer);

        var page = Render<SegmentsPage>();

        var empty = page.Find("[data-testid=empty-state]");
        Assert.Contains("not built yet", empty.TextContent);
        Assert.Empty(page.FindAll("table"));
    }
}
