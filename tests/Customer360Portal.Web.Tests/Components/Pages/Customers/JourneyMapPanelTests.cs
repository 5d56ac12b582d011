using System.Text.Json;
using Bunit;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Pages.Customers;

namespace Customer360Portal.Web.Tests.Components.Pages.Customers;

public class JourneyMapPanelTests : PortalTestContext
{
    private static readonly DateTime Start = new(2026, 1, 5, 10, 0, 0, DateTimeKind.Utc);

    private static JourneyTouchpoint At(int day, string type, InteractionChannel channel) => new(Start.AddDays(day), type, channel);

    /// <summary>A visit, an email click, a first order in the store and a return: four moments over 12 days.</summary>
    private static JourneyMapData SampleJourney() => JourneyMap.Build(
        [
            At(0, "page.viewed", InteractionChannel.Web),
            At(0, "page.viewed", InteractionChannel.Web),
            At(2, "email.clicked", InteractionChannel.Email),
            At(5, "order.placed", InteractionChannel.Store),
            At(12, "order.returned", InteractionChannel.Store),
        ],
        Start.AddDays(13));

    [Fact]
    public void Journey_Loading_ShowsProgressAndNoChart()
    {
        var panel = Render<JourneyMapPanel>(p => p.Add(x => x.Journey, null));

        Assert.NotEmpty(panel.FindAll(".mud-progress-linear"));
        Assert.Empty(panel.FindAll("[data-testid=journey-chart]"));
    }

    [Fact]
    public void Journey_WithMoments_ListsEachMomentWithDateStagesAndTrigger()
    {
        var panel = Render<JourneyMapPanel>(p => p.Add(x => x.Journey, SampleJourney()));

        var rows = panel.FindAll("[data-testid=journey-moment]").Select(r => r.TextContent.Trim()).ToArray();
        Assert.Equal(4, rows.Length);
        Assert.Contains("2026-01-05", rows[0]);
        Assert.Contains("Unknown → Awareness", rows[0]);
        Assert.Contains("visited the website", rows[0]);
        Assert.Contains("Awareness → Consideration", rows[1]);
        Assert.Contains("clicked an email", rows[1]);
        Assert.Contains("Consideration → Purchase", rows[2]);
        Assert.Contains("first order", rows[2]);
        Assert.Contains("2026-01-17", rows[3]);
        Assert.Contains("Purchase → At risk", rows[3]);
        Assert.Contains("returned an order", rows[3]);
        Assert.Equal("At risk", panel.Find("[data-testid=journey-stage]").TextContent.Trim());
        Assert.Single(panel.FindAll("[data-testid=journey-chart]"));
    }

    [Fact]
    public void ChartOptions_HaveOneColumnSeriesPerChannelWithTheBucketCounts()
    {
        var journey = SampleJourney();

        var options = JsonSerializer.SerializeToElement(JourneyMapPanel.ChartOptions(journey));

        var series = options.GetProperty("series").EnumerateArray().ToArray();
        Assert.Equal(["Web", "Email", "Store", "Stage"], series.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(["column", "column", "column", "line"], series.Select(s => s.GetProperty("type").GetString()));
        // Day buckets from 5 to 17 January: 13 buckets, counts at the days the touchpoints happened.
        Assert.Equal(JourneyBucketSize.Day, journey.BucketSize);
        int[] Counts(JsonElement s) => s.GetProperty("data").EnumerateArray().Select(point => point[1].GetInt32()).ToArray();
        Assert.Equal([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], Counts(series[0]));
        Assert.Equal([0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], Counts(series[1]));
        Assert.Equal([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1], Counts(series[2]));
        var firstBucket = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(firstBucket, series[0].GetProperty("data")[0][0].GetInt64());
        Assert.True(options.GetProperty("chart").GetProperty("stacked").GetBoolean());
    }

    [Fact]
    public void ChartOptions_DrawTheStageAsAStepLineWithNamedAnnotationsAtEachMoment()
    {
        var journey = SampleJourney();

        var options = JsonSerializer.SerializeToElement(JourneyMapPanel.ChartOptions(journey));

        // The stage at the end of each day, on the same dates as the columns.
        var stagePoints = options.GetProperty("series")[3].GetProperty("data").EnumerateArray().ToArray();
        int awareness = (int)LifecycleStage.Awareness, consideration = (int)LifecycleStage.Consideration, purchase = (int)LifecycleStage.Purchase;
        Assert.Equal(
            [awareness, awareness, consideration, consideration, consideration, purchase, purchase, purchase, purchase, purchase, purchase, purchase, (int)LifecycleStage.AtRisk],
            stagePoints.Select(p => p[1].GetInt32()));
        var columnDates = options.GetProperty("series")[0].GetProperty("data").EnumerateArray().Select(p => p[0].GetInt64());
        Assert.Equal(columnDates, stagePoints.Select(p => p[0].GetInt64()));
        Assert.Equal("stepline", options.GetProperty("stroke").GetProperty("curve")[3].GetString());
        var moments = options.GetProperty("annotations").GetProperty("xaxis").EnumerateArray().ToArray();
        Assert.Equal(["Awareness", "Consideration", "Purchase", "At risk"], moments.Select(a => a.GetProperty("label").GetProperty("text").GetString()));
        Assert.Equal(new DateTimeOffset(Start.AddDays(12)).ToUnixTimeMilliseconds(), moments[3].GetProperty("x").GetInt64());
        // The stage axis names the stages the customer has been in.
        var stageLabels = options.GetProperty("annotations").GetProperty("yaxis").EnumerateArray()
            .Select(a => (a.GetProperty("y").GetInt32(), a.GetProperty("yAxisIndex").GetInt32(), a.GetProperty("label").GetProperty("text").GetString()));
        Assert.Contains(((int)LifecycleStage.AtRisk, 1, "At risk"), stageLabels);
    }

    [Fact]
    public void Journey_Empty_ShowsTheEmptyTextAndNoChart()
    {
        var panel = Render<JourneyMapPanel>(p => p.Add(x => x.Journey, JourneyMap.Build([], Start)));

        Assert.Contains("No touchpoints yet", panel.Find("[data-testid=journey-empty]").TextContent);
        Assert.Empty(panel.FindAll("[data-testid=journey-chart]"));
        Assert.Empty(panel.FindAll("[data-testid=journey-moment]"));
        Assert.Equal("Unknown", panel.Find("[data-testid=journey-stage]").TextContent.Trim());
    }

    [Fact]
    public void Journey_Chart_IsCreatedThroughTheInteropWithTheSameOptions()
    {
        var panel = Render<JourneyMapPanel>(p => p.Add(x => x.Journey, SampleJourney()));

        var create = JSInterop.Invocations.Single(i => i.Identifier == "create");
        Assert.Contains("\"stepline\"", JsonSerializer.Serialize(create.Arguments[2]));
    }
}
