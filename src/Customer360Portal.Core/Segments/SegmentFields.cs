using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Segments;

public enum FieldKind { Text, Number, Money, Days, Date, Stage, Flag }

/// <summary>A field a rule can compare: its contract name, how it reads in a sentence and what kind of value it holds.</summary>
public sealed record SegmentField(string Name, string Label, FieldKind Kind)
{
    public bool IsNumeric => Kind is FieldKind.Number or FieldKind.Money or FieldKind.Days;
}

/// <summary>The golden-record fields and computed metrics of the rule contract, and which operators each allows.</summary>
public static class SegmentFields
{
    public static IReadOnlyList<SegmentField> All { get; } =
    [
        new("givenName", "given name", FieldKind.Text),
        new("familyName", "family name", FieldKind.Text),
        new("email", "email", FieldKind.Text),
        new("phone", "phone", FieldKind.Text),
        new("city", "city", FieldKind.Text),
        new("postcode", "postcode", FieldKind.Text),
        new("country", "country", FieldKind.Text),
        new("dateOfBirth", "date of birth", FieldKind.Date),
        new("age", "age", FieldKind.Number),
        new("lifecycleStage", "stage", FieldKind.Stage),
        new("lifetimeValue", "lifetime value", FieldKind.Money),
        new("orderCount", "order count", FieldKind.Number),
        new("averageOrderValue", "average order value", FieldKind.Money),
        new("daysSinceLastPurchase", "days since last purchase", FieldKind.Days),
        new("daysSinceLastActivity", "days since last activity", FieldKind.Days),
        new("tenureDays", "days since first purchase", FieldKind.Days),
        new("createdAt", "profile created", FieldKind.Date),
        new("anonymous", "anonymous", FieldKind.Flag),
    ];

    private static readonly Dictionary<string, SegmentField> ByName = All.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public static SegmentField? Find(string? name) => name is null ? null : ByName.GetValueOrDefault(name);

    private static readonly RuleOperator[] Always = [RuleOperator.IsKnown, RuleOperator.IsUnknown];
    private static readonly RuleOperator[] Equality = [RuleOperator.EqualTo, RuleOperator.NotEqualTo, RuleOperator.In, RuleOperator.NotIn];
    private static readonly RuleOperator[] Ordering =
        [RuleOperator.GreaterThan, RuleOperator.GreaterOrEqual, RuleOperator.LessThan, RuleOperator.LessOrEqual, RuleOperator.Between];

    /// <summary>Operators that make sense for a kind of value (text is compared as text, never as a number).</summary>
    public static IReadOnlyList<RuleOperator> OperatorsFor(FieldKind kind) => kind switch
    {
        FieldKind.Text => [.. Equality, RuleOperator.Contains, RuleOperator.StartsWith, .. Always],
        FieldKind.Stage => [.. Equality, .. Always],
        FieldKind.Flag => [RuleOperator.EqualTo, RuleOperator.NotEqualTo],
        _ => [.. Equality.Take(2), .. Ordering, RuleOperator.In, RuleOperator.NotIn, .. Always],
    };

    /// <summary>Trait values are free text: text operators only.</summary>
    public static IReadOnlyList<RuleOperator> TraitOperators { get; } = OperatorsFor(FieldKind.Text);

    /// <summary>How many values an operator takes: null = one or more.</summary>
    public static int? ValueCount(RuleOperator op) => op switch
    {
        RuleOperator.IsKnown or RuleOperator.IsUnknown => 0,
        RuleOperator.Between => 2,
        RuleOperator.In or RuleOperator.NotIn => null,
        _ => 1,
    };

    public static readonly string[] ChurnBands = ["low", "medium", "high"];

    /// <summary>Channels a segment can be sized and exported for, with the marketing purpose each needs.</summary>
    public static IReadOnlyList<(string Channel, ConsentPurpose Purpose)> Channels { get; } =
    [
        ("Email", ConsentPurpose.EmailMarketing),
        ("SMS", ConsentPurpose.SmsMarketing),
        ("Phone", ConsentPurpose.PhoneMarketing),
        ("Post", ConsentPurpose.PostMarketing),
    ];
}
