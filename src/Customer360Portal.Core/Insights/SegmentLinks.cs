using System.Globalization;
using System.Text.Json.Nodes;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Insights;

/// <summary>A link from a chart to the segment builder, opened with the rule tree of the people behind the chart.</summary>
public sealed record SegmentLink(string Name, string RulesJson)
{
    /// <summary>The segment builder's address with the rules and the suggested name (the contract in segment-rules-contract.md).</summary>
    public string Href => $"{SegmentLinks.NewSegmentPath}?rules={Uri.EscapeDataString(RulesJson)}&name={Uri.EscapeDataString(Name)}";
}

/// <summary>
/// The rule trees behind the dashboard's charts, in the segment builder's JSON contract: a top-level "all" group of
/// field, behaviour, prediction, consent and source rules (camelCase names, enum values as their C# names).
/// </summary>
public static class SegmentLinks
{
    public const string NewSegmentPath = "/segments/new";

    /// <summary>Everyone now in a lifecycle stage.</summary>
    public static SegmentLink Stage(LifecycleStage stage) =>
        Link($"Lifecycle stage: {InsightsWording.Stage(stage)}", Field("lifecycleStage", "equals", stage.ToString()));

    /// <summary>Everyone in a churn-risk band (low, medium, high).</summary>
    public static SegmentLink ChurnBand(string band) =>
        Link($"Churn risk: {band}", new JsonObject { ["type"] = "prediction", ["kind"] = nameof(ScoreKind.ChurnRisk), ["band"] = band });

    /// <summary>Everyone whose current consent for a purpose is granted (or, with false, not granted).</summary>
    public static SegmentLink Consent(ConsentPurpose purpose, bool granted) =>
        Link($"{CustomerView.CustomerTimeline.PurposeText(purpose)}: {(granted ? "granted" : "not granted")}",
            new JsonObject { ["type"] = "consent", ["purpose"] = purpose.ToString(), ["granted"] = granted });

    /// <summary>Everyone with records from a data source.</summary>
    public static SegmentLink Source(string sourceKey) =>
        Link($"From source {sourceKey}", new JsonObject { ["type"] = "source", ["source"] = sourceKey });

    /// <summary>Everyone who placed an order through a channel in the last <paramref name="withinDays"/> days.</summary>
    public static SegmentLink OrderedOn(InteractionChannel channel, int withinDays) =>
        Link($"Ordered on {InsightsWording.Channel(channel)} in the last {withinDays} days", OrderPlaced(channel, withinDays));

    /// <summary>
    /// The people behind a first-purchase journey, as near as rules get (they cannot express an order of events): first
    /// bought within the last <paramref name="withinDays"/> days, with an order through the journey's order channel.
    /// </summary>
    public static SegmentLink FirstBoughtOn(InteractionChannel channel, int withinDays, string path) =>
        Link($"First bought on {InsightsWording.Channel(channel)} after {path}",
            Field("tenureDays", "lessOrEqual", withinDays.ToString(CultureInfo.InvariantCulture)),
            OrderPlaced(channel, withinDays));

    private static JsonObject OrderPlaced(InteractionChannel channel, int withinDays) => new()
    {
        ["type"] = "behaviour", ["event"] = "order.placed", ["did"] = true, ["minTimes"] = 1, ["withinDays"] = withinDays, ["channel"] = channel.ToString(),
    };

    private static JsonObject Field(string field, string op, params string[] values) => new()
    {
        ["type"] = "field", ["field"] = field, ["operator"] = op, ["values"] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
    };

    private static SegmentLink Link(string name, params JsonObject[] rules)
    {
        var group = new JsonObject
        {
            ["type"] = "group", ["combinator"] = "all", ["rules"] = new JsonArray(rules.Select(r => (JsonNode?)r).ToArray()),
        };
        return new SegmentLink(name, group.ToJsonString());
    }
}
