using System.Globalization;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Microsoft.AspNetCore.Components;

namespace Customer360Portal.Web.Components.Pages.Customers;

/// <summary>
/// Shows a <see cref="JourneyMapData"/> (built by <see cref="JourneyMap.Build"/>): the current stage, a chart of
/// touchpoints per channel with the stage as a step line, and the list of moments that moved the customer.
/// </summary>
public partial class JourneyMapPanel
{
    /// <summary>The journey to show; null while it loads.</summary>
    [Parameter] public JourneyMapData? Journey { get; set; }

    private const string StageSeriesName = "Stage";
    private static readonly LifecycleStage[] Stages = Enum.GetValues<LifecycleStage>();

    public static string StageName(LifecycleStage stage) => stage switch
    {
        LifecycleStage.AtRisk => "At risk",
        _ => stage.ToString(),
    };

    public static string ChannelName(InteractionChannel channel) => channel switch
    {
        InteractionChannel.Sms => "SMS",
        _ => channel.ToString(),
    };

    /// <summary>
    /// ApexCharts options for the journey: a stacked column series per channel (touchpoints per bucket) on the left
    /// axis, and the stage as a step line on a right axis. Options are JSON only (no JS formatter can turn the stage
    /// number into a name), so the names come from annotations: a labelled line on the right axis for each stage the
    /// customer has been in, and a labelled marker at each moment.
    /// </summary>
    public static object ChartOptions(JourneyMapData journey)
    {
        var channelSeries = journey.Channels.Select(channel => new
        {
            name = ChannelName(channel),
            type = "column",
            data = journey.Touchpoints.Select(b => new[] { Epoch(b.Start), b.PerChannel[channel] }).ToArray(),
        });
        var stageSeries = new
        {
            name = StageSeriesName,
            type = "line",
            data = StagePerBucket(journey).Select(p => new[] { Epoch(p.At), (long)p.Stage }).ToArray(),
        };
        var series = channelSeries.Cast<object>().Append(stageSeries).ToArray();
        int channels = journey.Channels.Count;

        var visitedStages = journey.Moments.Select(m => m.To).Distinct().Order();
        return new
        {
            chart = new { type = "line", height = 320, stacked = true, toolbar = new { show = false }, zoom = new { enabled = false }, animations = new { enabled = false } },
            series,
            stroke = new
            {
                width = Enumerable.Repeat(0, channels).Append(2).ToArray(),
                curve = Enumerable.Repeat("straight", channels).Append("stepline").ToArray(),
            },
            xaxis = new { type = "datetime" },
            yaxis = new object[]
            {
                new { seriesName = journey.Channels.Select(ChannelName).ToArray(), min = 0, forceNiceScale = true, title = new { text = "Touchpoints" } },
                new
                {
                    seriesName = StageSeriesName, opposite = true, min = 0, max = Stages.Length - 1, tickAmount = Stages.Length - 1,
                    labels = new { show = false }, title = new { text = "Stage" },
                },
            },
            annotations = new
            {
                yaxis = visitedStages.Select(stage => new
                {
                    y = (int)stage, yAxisIndex = 1, borderColor = "#e0e0e0", strokeDashArray = 2,
                    label = new { text = StageName(stage), position = "right", textAnchor = "end", borderWidth = 0, style = new { background = "transparent" } },
                }).ToArray(),
                xaxis = journey.Moments.Select(moment => new
                {
                    x = Epoch(moment.At), borderColor = "#775DD0", strokeDashArray = 4,
                    label = new { text = StageName(moment.To), orientation = "vertical", style = new { color = "#fff", background = "#775DD0" } },
                }).ToArray(),
            },
            // The stage's number means nothing in a tooltip; the annotations name it.
            tooltip = new { shared = true, intersect = false, enabledOnSeries = Enumerable.Range(0, channels).ToArray(), x = new { format = "yyyy-MM-dd" } },
            // One legend row: ApexCharts would otherwise stack the series of each axis in a column.
            legend = new { position = "bottom", clusterGroupedSeries = false },
            // On a time axis ApexCharts sizes columns by the gap between points; without this they are hairlines.
            plotOptions = new { bar = new { columnWidth = "90%" } },
            dataLabels = new { enabled = false },
        };
    }

    /// <summary>
    /// The stage at the end of each bucket. On the buckets' own dates rather than the moments' because ApexCharts sizes
    /// columns by the smallest gap between any two points: moments days apart would shrink monthly columns to hairlines.
    /// The exact dates are on the moment annotations.
    /// </summary>
    private static IEnumerable<(DateTime At, LifecycleStage Stage)> StagePerBucket(JourneyMapData journey)
    {
        var stage = LifecycleStage.Unknown;
        int next = 0;
        for (int i = 0; i < journey.Touchpoints.Count; i++)
        {
            bool last = i == journey.Touchpoints.Count - 1;
            while (next < journey.Moments.Count && (last || journey.Moments[next].At < journey.Touchpoints[i + 1].Start))
                stage = journey.Moments[next++].To;
            yield return (journey.Touchpoints[i].Start, stage);
        }
    }

    private static long Epoch(DateTime at) => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    private static string Summary(JourneyMapData journey)
    {
        int touchpoints = journey.Touchpoints.Sum(b => b.PerChannel.Values.Sum());
        string unit = journey.BucketSize.ToString().ToLowerInvariant();
        return string.Create(CultureInfo.InvariantCulture,
            $"{touchpoints} touchpoints per {unit} on {journey.Channels.Count} channel(s), {journey.Moments.Count} stage change(s); now {StageName(journey.CurrentStage)}.");
    }
}
