using Bunit;
using Customer360Portal.Web.Components.Shared;

namespace Customer360Portal.Web.Tests.Components.Shared;

public class EmptyStateTests : PortalTestContext
{
    [Fact]
    public void EmptyState_ShowsItsTitleAndExplanation()
    {
        var empty = Render<EmptyState>(p => p.Add(e => e.Title, "Nothing here yet").AddChildContent("Add the first one."));

        var box = empty.Find("[data-testid=empty-state]");
        Assert.Contains("Nothing here yet", box.TextContent);
        Assert.Contains("Add the first one.", box.TextContent);
    }
}
