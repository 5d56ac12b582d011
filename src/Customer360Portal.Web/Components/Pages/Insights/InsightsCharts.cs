using System.Globalization;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.Ingestion.Normalisation;
using Customer360Portal.Core.Insights;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Web.Components.Pages.Insights;

/// <summary>
/// ApexCharts options for each dashboard chart (ApexCharts' own JSON, see ApexChart.razor). Money goes to the chart in
/// major units with a currency format under "c360Formats", which the chart interop turns into formatters.
/// </summary>
public static class InsightsCharts
{
    private static readonly object NoToolbar = new { show = false };
    private static readonly object NoAnimations = new { enabled = false };

    public static object Stages(IReadOnlyList<StageCount> counts) => new
    {
        chart = new { type = "bar", height = 300, toolbar = NoToolbar, animations = NoAnimations },
        series = new[] { new { name = "Customers", data = counts.Select(c => c.Customers).ToArray() } },
        xaxis = new { categories = counts.Select(c => InsightsWording.Stage(c.Stage)).ToArray(), title = new { text = "Lifecycle stage" } },
        yaxis = new { title = new { text = "Customers" }, min = 0, forceNiceScale = true },
        plotOptions = new { bar = new { distributed = true } },
        legend = new { show = false },
        dataLabels = new { enabled = true },
        c360Formats = new { values = Count },
    };

    public static object Flows(IReadOnlyList<StageFlow> flows) => new
    {
        chart = new { type = "bar", height = 300, toolbar = NoToolbar, animations = NoAnimations },
        series = new[] { new { name = "Customers who moved", data = flows.Select(f => f.Customers).ToArray() } },
        xaxis = new { categories = flows.Select(FlowName).ToArray(), title = new { text = "Customers who moved" } },
        yaxis = new { title = new { text = "From → to" } },
        plotOptions = new { bar = new { horizontal = true } },
        dataLabels = new { enabled = true },
        c360Formats = new { values = Count },
    };

    public static string FlowName(StageFlow flow) => $"{InsightsWording.Stage(flow.From)} → {InsightsWording.Stage(flow.To)}";

    public static object Revenue(RevenueSeries series) => new
    {
        chart = new { type = "bar", height = 320, stacked = true, toolbar = NoToolbar, animations = NoAnimations },
        series = series.Channels.Select(c => new { name = InsightsWording.Channel(c.Channel), data = c.RevenueMinor.Select(m => Major(m, series.Currency)).ToArray() }).ToArray(),
        xaxis = new { categories = series.Buckets.Select(b => BucketLabel(b, series.Size)).ToArray(), title = new { text = BucketTitle(series.Size) } },
        yaxis = new { title = new { text = $"Revenue ({series.Currency})" }, min = 0, forceNiceScale = true },
        legend = new { position = "top" },
        dataLabels = new { enabled = false },
        c360Formats = new { values = CurrencyFormat(series.Currency) },
    };

    public static object Orders(RevenueSeries series) => new
    {
        chart = new { type = "line", height = 320, toolbar = NoToolbar, animations = NoAnimations, zoom = new { enabled = false } },
        series = series.Channels.Select(c => new { name = InsightsWording.Channel(c.Channel), data = c.Orders }).ToArray(),
        xaxis = new { categories = series.Buckets.Select(b => BucketLabel(b, series.Size)).ToArray(), title = new { text = BucketTitle(series.Size) } },
        yaxis = new { title = new { text = "Orders" }, min = 0, forceNiceScale = true },
        stroke = new { width = 2 },
        legend = new { position = "top" },
        dataLabels = new { enabled = false },
        c360Formats = new { values = Count },
    };

    /// <summary>Customers per band (left axis) and revenue at risk per band (right axis, in the churn figures' currency).</summary>
    public static object Churn(ChurnFigures churn) => new
    {
        chart = new { type = "bar", height = 300, toolbar = NoToolbar, animations = NoAnimations },
        colors = new[] { "#1976d2", "#c62828" },
        series = new object[]
        {
            new { name = "Customers", data = churn.Bands.Select(b => b.Customers).ToArray() },
            new { name = "Revenue at risk (per year)", data = churn.Bands.Select(b => Major(b.RevenueAtRiskMinor, churn.Currency)).ToArray() },
        },
        xaxis = new { categories = churn.Bands.Select(b => InsightsWording.Band(b.Band)).ToArray(), title = new { text = "Churn risk band" } },
        yaxis = new object[]
        {
            new { title = new { text = "Customers" }, min = 0, forceNiceScale = true },
            new { opposite = true, title = new { text = $"Revenue at risk ({churn.Currency})" }, min = 0, forceNiceScale = true },
        },
        legend = new { position = "top" },
        dataLabels = new { enabled = false },
        c360Formats = new { series = new object[] { Count, CurrencyFormat(churn.Currency) }, yaxis = new object[] { Count, CurrencyFormat(churn.Currency) } },
    };

    /// <summary>Per purpose, the share of profiles that granted, denied, withdrew or never chose (stacked to 100%).</summary>
    public static object Consent(ConsentFigures consent) => new
    {
        chart = new { type = "bar", height = 340, stacked = true, stackType = "100%", toolbar = NoToolbar, animations = NoAnimations },
        plotOptions = new { bar = new { horizontal = true } },
        colors = new[] { "#2e7d32", "#c62828", "#ef6c00", "#9e9e9e" },
        series = new[]
        {
            new { name = "Granted", data = consent.Purposes.Select(r => r.Granted).ToArray() },
            new { name = "Denied", data = consent.Purposes.Select(r => r.Denied).ToArray() },
            new { name = "Withdrawn", data = consent.Purposes.Select(r => r.Withdrawn).ToArray() },
            new { name = "No choice", data = consent.Purposes.Select(r => r.NoRecord).ToArray() },
        },
        xaxis = new { categories = consent.Purposes.Select(r => CustomerTimeline.PurposeText(r.Purpose)).ToArray(), title = new { text = "Share of profiles" } },
        legend = new { position = "top" },
        dataLabels = new { enabled = false },
        c360Formats = new { series = new object[] { Count, Count, Count, Count } },
    };

    public static object Sources(IReadOnlyList<SourceContribution> sources) => new
    {
        chart = new { type = "bar", height = 300, toolbar = NoToolbar, animations = NoAnimations },
        series = new[]
        {
            new { name = "Records stored", data = sources.Select(s => s.Stored).ToArray() },
            new { name = "Profiles contributed to", data = sources.Select(s => s.Profiles ?? 0).ToArray() },
        },
        xaxis = new { categories = sources.Select(s => s.Name).ToArray(), title = new { text = "Data source" } },
        yaxis = new { title = new { text = "Records / profiles" }, min = 0, forceNiceScale = true },
        legend = new { position = "top" },
        dataLabels = new { enabled = false },
        c360Formats = new { values = Count },
    };

    public static object Journeys(IReadOnlyList<JourneyPath> paths) => new
    {
        chart = new { type = "bar", height = Math.Max(220, 40 * paths.Count + 80), toolbar = NoToolbar, animations = NoAnimations },
        plotOptions = new { bar = new { horizontal = true } },
        series = new[] { new { name = "First purchases", data = paths.Select(p => p.Customers).ToArray() } },
        xaxis = new { categories = paths.Select(JourneyName).ToArray(), title = new { text = "Customers whose first order followed this path" } },
        dataLabels = new { enabled = true },
        c360Formats = new { values = Count },
    };

    public static string JourneyName(JourneyPath path) => $"{path.Path} → order on {InsightsWording.Channel(path.OrderChannel)}";

    private static readonly object Count = new { maximumFractionDigits = 0 };

    public static object CurrencyFormat(string? currency) =>
        currency is null ? Count : new { style = "currency", currency, maximumFractionDigits = 0 };

    /// <summary>Minor units to major units for the chart (JSON numbers).</summary>
    public static decimal Major(long minor, string? currency) => Core.Ingestion.Normalisation.Money.ToMajor(minor, currency);

    public static string Money(long minor, string? currency) => Core.Ingestion.Normalisation.Money.Format(minor, currency);

    private static string BucketLabel(DateOnly bucket, BucketSize size) => size switch
    {
        BucketSize.Month => bucket.ToString("MMM yyyy", CultureInfo.InvariantCulture),
        _ => bucket.ToString("d MMM yyyy", CultureInfo.InvariantCulture),
    };

    private static string BucketTitle(BucketSize size) => size switch
    {
        BucketSize.Week => "Week starting",
        BucketSize.Month => "Month",
        _ => "Day",
    };
}
