using Customer360Portal.Core.Segments;

namespace Customer360Portal.Web.Components.Pages.Segments;

/// <summary>What the rule inputs offer to choose from: saved segments and data sources (read once per page).</summary>
public sealed record SegmentEditorContext(IReadOnlyDictionary<long, string> Segments, IReadOnlyList<string> Sources, long? EditingSegmentId = null)
{
    public static SegmentEditorContext Empty { get; } = new(new Dictionary<long, string>(), []);

    /// <summary>Events with a readable name; any other stored type can be typed in.</summary>
    public static readonly string[] KnownEvents =
    [
        "order.placed", "order.returned", "order.cancelled", "email.sent", "email.opened", "email.clicked", "email.unsubscribed",
        "ticket.opened", "ticket.solved", "page.viewed", "screen.viewed", "track:Product Viewed", "track:Product Added",
    ];

    /// <summary>A new rule of a kind, with defaults that make sense on their own.</summary>
    public SegmentRule NewRule(string kind) => kind switch
    {
        "field" => new FieldRule { Field = "city", Operator = RuleOperator.EqualTo, Values = [""] },
        "trait" => new TraitRule { Key = "", Operator = RuleOperator.EqualTo, Values = [""] },
        "behaviour" => new BehaviourRule { Event = "email.opened", Did = true, WithinDays = 30 },
        "prediction" => new PredictionRule { Kind = Data.Model.ScoreKind.ChurnRisk, Band = "high" },
        "consent" => new ConsentRule { Purpose = Data.Model.ConsentPurpose.EmailMarketing, Granted = true },
        "source" => new SourceRule { Source = Sources.FirstOrDefault() ?? "" },
        "segment" => new SegmentMembershipRule { SegmentId = Segments.Keys.FirstOrDefault(id => id != EditingSegmentId), Member = true },
        _ => new GroupRule { Combinator = GroupCombinator.Any },
    };

    public static readonly (string Kind, string Label)[] RuleKinds =
    [
        ("field", "Profile field or metric"), ("trait", "Custom trait"), ("behaviour", "Behaviour (events)"), ("prediction", "Prediction"),
        ("consent", "Consent"), ("source", "Data source"), ("segment", "Other segment"),
    ];
}
