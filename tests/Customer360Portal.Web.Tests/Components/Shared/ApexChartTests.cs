using Bunit;
using Customer360Portal.Web.Components.Shared;
using Microsoft.JSInterop;

namespace Customer360Portal.Web.Tests.Components.Shared;

public class ApexChartTests : PortalTestContext
{
    private const string Module = "./js/apexcharts-interop.js";

    [Fact]
    public async Task Chart_IsCreatedWithItsOptions_AndDestroyedWithTheComponent()
    {
        var module = JSInterop.SetupModule(Module);
        module.Setup<bool>("create", _ => true).SetResult(true);
        module.SetupVoid("destroy", _ => true).SetVoidResult();

        var chart = Render<ApexChart>(p => p.Add(c => c.Options, new { chart = new { type = "bar" } }).Add(c => c.TestId, "chart-x"));
        var create = module.Invocations["create"].Single();
        var id = Assert.IsType<string>(create.Arguments[1]);
        Assert.Contains("\"bar\"", System.Text.Json.JsonSerializer.Serialize(create.Arguments[2]));
        Assert.Empty(chart.FindAll("[data-testid=chart-failed]"));

        await DisposeComponentsAsync();
        // By id: the element may already be gone from the page when the component goes.
        Assert.Equal(id, module.Invocations["destroy"].Single().Arguments[0]);
    }

    [Fact]
    public void Chart_TheBrowserCannotDraw_ShowsANoteWithItsFigures_InsteadOfFailingThePage()
    {
        var module = JSInterop.SetupModule(Module);
        module.Setup<bool>("create", _ => true).SetException(new JSException("ApexCharts: invalid options"));

        var chart = Render<ApexChart>(p => p.Add(c => c.Options, new { }).Add(c => c.AriaLabel, "Active: 12, Lapsed: 3"));

        chart.WaitForAssertion(() => Assert.Contains("could not be drawn. Active: 12, Lapsed: 3", chart.Find("[data-testid=chart-failed]").TextContent));
    }
}
