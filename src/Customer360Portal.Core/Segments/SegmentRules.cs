using System.Text.Json;
using System.Text.Json.Serialization;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Segments;

/// <summary>
/// One node of a segment's rule tree. The JSON form is the contract shared with the insights dashboard
/// (/work/coord/segment-rules-contract.md): camelCase, polymorphic on "type", enum values as their C# names.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(GroupRule), "group")]
[JsonDerivedType(typeof(FieldRule), "field")]
[JsonDerivedType(typeof(TraitRule), "trait")]
[JsonDerivedType(typeof(BehaviourRule), "behaviour")]
[JsonDerivedType(typeof(PredictionRule), "prediction")]
[JsonDerivedType(typeof(ConsentRule), "consent")]
[JsonDerivedType(typeof(SourceRule), "source")]
[JsonDerivedType(typeof(SegmentMembershipRule), "segment")]
public abstract class SegmentRule
{
    /// <summary>A deep copy (the builder edits copies; saved definitions stay as they were).</summary>
    public SegmentRule Clone() => SegmentRuleJson.Parse(SegmentRuleJson.Write(this));
}

public enum GroupCombinator
{
    [JsonStringEnumMemberName("all")] All,
    [JsonStringEnumMemberName("any")] Any,
}

public enum RuleOperator
{
    [JsonStringEnumMemberName("equals")] EqualTo,
    [JsonStringEnumMemberName("notEquals")] NotEqualTo,
    [JsonStringEnumMemberName("in")] In,
    [JsonStringEnumMemberName("notIn")] NotIn,
    [JsonStringEnumMemberName("greaterThan")] GreaterThan,
    [JsonStringEnumMemberName("greaterOrEqual")] GreaterOrEqual,
    [JsonStringEnumMemberName("lessThan")] LessThan,
    [JsonStringEnumMemberName("lessOrEqual")] LessOrEqual,
    [JsonStringEnumMemberName("between")] Between,
    [JsonStringEnumMemberName("contains")] Contains,
    [JsonStringEnumMemberName("startsWith")] StartsWith,
    [JsonStringEnumMemberName("isKnown")] IsKnown,
    [JsonStringEnumMemberName("isUnknown")] IsUnknown,
}

/// <summary>AND ("all") or OR ("any") of its rules, optionally negated; groups nest to any depth.</summary>
public sealed class GroupRule : SegmentRule
{
    public GroupCombinator Combinator { get; set; } = GroupCombinator.All;
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Negate { get; set; }
    public List<SegmentRule> Rules { get; set; } = [];
}

/// <summary>A golden-record field or computed metric compared with values (see <see cref="SegmentFields"/>).</summary>
public sealed class FieldRule : SegmentRule
{
    public string Field { get; set; } = "";
    public RuleOperator Operator { get; set; }
    public List<string> Values { get; set; } = [];
}

/// <summary>A custom trait (e.g. plan = gold), compared as text.</summary>
public sealed class TraitRule : SegmentRule
{
    public string Key { get; set; } = "";
    public RuleOperator Operator { get; set; }
    public List<string> Values { get; set; } = [];
}

/// <summary>Did (at least <see cref="MinTimes"/>) or did not (fewer than <see cref="MinTimes"/>) do an event within a window.</summary>
public sealed class BehaviourRule : SegmentRule
{
    /// <summary>Interaction type as stored, e.g. "email.opened", "track:Product Viewed".</summary>
    public string Event { get; set; } = "";
    public bool Did { get; set; } = true;
    public int? MinTimes { get; set; }
    /// <summary>Only events in the last N days; null = ever.</summary>
    public int? WithinDays { get; set; }
    public InteractionChannel? Channel { get; set; }
    public string? Category { get; set; }

    [JsonIgnore] public int Times => MinTimes ?? 1;
}

/// <summary>A model's current output: churn band or score range, or the next best offer.</summary>
public sealed class PredictionRule : SegmentRule
{
    public ScoreKind Kind { get; set; }
    /// <summary>ChurnRisk: low, medium or high.</summary>
    public string? Band { get; set; }
    public double? MinScore { get; set; }
    public double? MaxScore { get; set; }
    /// <summary>NextBestOffer: the offer code.</summary>
    public string? Offer { get; set; }
}

/// <summary>Current consent for a purpose; no record counts as not granted.</summary>
public sealed class ConsentRule : SegmentRule
{
    public ConsentPurpose Purpose { get; set; }
    public bool Granted { get; set; } = true;
}

/// <summary>The profile has records from a data source.</summary>
public sealed class SourceRule : SegmentRule
{
    public string Source { get; set; } = "";
}

/// <summary>Member (or not) of another saved segment, as of that segment's last refresh.</summary>
public sealed class SegmentMembershipRule : SegmentRule
{
    public long SegmentId { get; set; }
    public bool Member { get; set; } = true;
}

/// <summary>Reading and writing rule trees in the contract's JSON form.</summary>
public static class SegmentRuleJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        // The insights dashboard (and people) may write "type" anywhere in the object.
        AllowOutOfOrderMetadataProperties = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
    };

    public static string Write(SegmentRule rule) => JsonSerializer.Serialize(rule, Options);

    /// <summary>Parses a rule tree; throws <see cref="SegmentRuleException"/> with a readable message when it is not one.</summary>
    public static SegmentRule Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<SegmentRule>(json, Options) ?? throw new SegmentRuleException("The rules are empty.");
        }
        catch (JsonException e)
        {
            // The serializer's message names the path and the problem, never a customer's data (rules hold none).
            throw new SegmentRuleException($"The rules are not valid JSON for a segment: {e.Message}");
        }
        catch (NotSupportedException e)
        {
            throw new SegmentRuleException($"The rules are not valid JSON for a segment: {e.Message}");
        }
    }

    public static bool TryParse(string? json, out SegmentRule? rule, out string? error)
    {
        (rule, error) = (null, null);
        if (string.IsNullOrWhiteSpace(json))
        {
            error = "The rules are empty.";
            return false;
        }
        try
        {
            rule = Parse(json);
            return true;
        }
        catch (SegmentRuleException e)
        {
            error = e.Message;
            return false;
        }
    }
}

/// <summary>A rule tree that cannot be read or evaluated; the message is meant for the marketer.</summary>
public sealed class SegmentRuleException(string message) : Exception(message);
