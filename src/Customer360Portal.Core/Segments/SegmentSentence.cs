using System.Globalization;
using System.Text;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Segments;

/// <summary>
/// What a segment means, in one sentence: "Customers in stage At risk or Lapsed, who opened an email in the last 30 days,
/// and who have granted email marketing". Shown in the builder as rules change and beside every saved segment.
/// </summary>
public static class SegmentSentence
{
    /// <param name="segmentNames">Names of saved segments, for membership rules (the id is shown when a name is missing).</param>
    public static string Describe(SegmentRule root, IReadOnlyDictionary<long, string>? segmentNames = null)
    {
        if (root is GroupRule { Rules.Count: 0, Negate: false }) return "All customers";
        var clauses = root is GroupRule { Negate: false } group ? group.Rules.Select(r => Clause(r, segmentNames)).ToList() : [Clause(root, segmentNames)];
        var combinator = root is GroupRule { Negate: false, Combinator: GroupCombinator.Any } ? "or" : "and";
        return "Customers " + JoinClauses(clauses, combinator);
    }

    private static string JoinClauses(IReadOnlyList<string> clauses, string word) => clauses.Count switch
    {
        0 => "",
        1 => clauses[0],
        2 => $"{clauses[0]} {word} {clauses[1]}",
        _ => string.Join(", ", clauses.Take(clauses.Count - 1)) + $", {word} " + clauses[^1],
    };

    private static string Clause(SegmentRule rule, IReadOnlyDictionary<long, string>? names) => rule switch
    {
        GroupRule g when g.Rules.Count == 0 => g.Negate ? "who match nothing" : "(any customer)",
        GroupRule g => (g.Negate ? "who are not " : "") + "(" + JoinClauses(g.Rules.Select(r => Clause(r, names)).ToList(),
            g.Combinator == GroupCombinator.Any ? "or" : "and") + ")",
        FieldRule f => FieldClause(f),
        TraitRule t => $"whose trait \"{t.Key}\" {Comparison(t.Operator, t.Values.Select(Quoted).ToList())}",
        BehaviourRule b => BehaviourClause(b),
        PredictionRule { Kind: ScoreKind.ChurnRisk } p => p.Band is { } band
            ? $"with {band.ToLowerInvariant()} churn risk" + ScoreRange(p, " and")
            : "with a churn risk score" + ScoreRange(p, ""),
        PredictionRule p => $"whose next best offer is {p.Offer}",
        ConsentRule c => (c.Granted ? "who have granted " : "who have not granted ") + Words(c.Purpose.ToString()).ToLowerInvariant(),
        SourceRule s => $"with records from {s.Source}",
        SegmentMembershipRule m => (m.Member ? "in segment " : "not in segment ")
            + (names?.GetValueOrDefault(m.SegmentId) is { } name ? $"\"{name}\"" : $"#{m.SegmentId.ToString(CultureInfo.InvariantCulture)}"),
        _ => "(unknown rule)",
    };

    private static string ScoreRange(PredictionRule p, string joiner) => (p.MinScore, p.MaxScore) switch
    {
        (null, null) => "",
        ({ } min, null) => $"{joiner} a score of at least {min.ToString("0.##", CultureInfo.InvariantCulture)}",
        (null, { } max) => $"{joiner} a score of at most {max.ToString("0.##", CultureInfo.InvariantCulture)}",
        ({ } min, { } max) => $"{joiner} a score between {min.ToString("0.##", CultureInfo.InvariantCulture)} and {max.ToString("0.##", CultureInfo.InvariantCulture)}",
    };

    private static string FieldClause(FieldRule f)
    {
        var field = SegmentFields.Find(f.Field);
        if (field is null) return $"whose \"{f.Field}\" (unknown field) {Comparison(f.Operator, f.Values)}";
        if (field.Kind == FieldKind.Stage && f.Operator is RuleOperator.EqualTo or RuleOperator.In)
            return "in stage " + Alternatives(f.Values.Select(StageText).ToList(), "or");
        if (field.Kind == FieldKind.Stage && f.Operator is RuleOperator.NotEqualTo or RuleOperator.NotIn)
            return "not in stage " + Alternatives(f.Values.Select(StageText).ToList(), "or");
        if (field.Kind == FieldKind.Flag)
            return (f.Values.FirstOrDefault() is { } v && bool.TryParse(v, out var flag) && flag == (f.Operator == RuleOperator.EqualTo)) ? "who are anonymous" : "who are identified";
        var values = field.Kind switch
        {
            FieldKind.Text => f.Values.Select(Quoted).ToList(),
            FieldKind.Stage => f.Values.Select(StageText).ToList(),
            _ => f.Values,
        };
        return $"whose {field.Label} {Comparison(f.Operator, values)}";
    }

    private static string BehaviourClause(BehaviourRule b)
    {
        var (past, present) = EventWords(b.Event);
        var text = new StringBuilder(b.Did ? "who " + past : b.Times == 1 ? "who did not " + present : "who " + past);
        if (b.Category is { Length: > 0 } category) text.Append($" in category {category}");
        if (b.Channel is { } channel) text.Append($" on {channel}");
        if (b.Did && b.Times > 1) text.Append($" at least {b.Times.ToString(CultureInfo.InvariantCulture)} times");
        if (!b.Did && b.Times > 1) text.Append($" fewer than {b.Times.ToString(CultureInfo.InvariantCulture)} times");
        text.Append(b.WithinDays switch
        {
            null => " ever",
            1 => " in the last day",
            { } days => $" in the last {days.ToString(CultureInfo.InvariantCulture)} days",
        });
        return text.ToString();
    }

    /// <summary>The event as a verb phrase (past, and the form after "did not").</summary>
    public static (string Past, string Present) EventWords(string type) => type switch
    {
        "order.placed" => ("placed an order", "place an order"),
        "order.returned" => ("returned an order", "return an order"),
        "order.cancelled" => ("cancelled an order", "cancel an order"),
        "email.sent" => ("were sent an email", "get an email"),
        "email.opened" => ("opened an email", "open an email"),
        "email.clicked" => ("clicked an email", "click an email"),
        "email.bounced" => ("had an email bounce", "have an email bounce"),
        "email.unsubscribed" => ("unsubscribed from email", "unsubscribe from email"),
        "ticket.opened" => ("opened a ticket", "open a ticket"),
        "ticket.solved" => ("had a ticket solved", "have a ticket solved"),
        "page.viewed" => ("viewed a page", "view a page"),
        "screen.viewed" => ("viewed an app screen", "view an app screen"),
        "track:Product Viewed" => ("viewed a product", "view a product"),
        "track:Product Added" => ("added a product to the cart", "add a product to the cart"),
        _ when type.StartsWith("track:", StringComparison.Ordinal) => ($"did \"{type[6..]}\"", $"do \"{type[6..]}\""),
        _ => ($"had \"{type}\"", $"have \"{type}\""),
    };

    private static string Comparison(RuleOperator op, IReadOnlyList<string> values) => op switch
    {
        RuleOperator.IsKnown => "is known",
        RuleOperator.IsUnknown => "is unknown",
        RuleOperator.Between => $"is between {values.ElementAtOrDefault(0)} and {values.ElementAtOrDefault(1)}",
        RuleOperator.In => "is " + Alternatives(values, "or"),
        RuleOperator.NotIn => "is neither " + Alternatives(values, "nor"),
        _ => $"{OperatorText(op)} {values.FirstOrDefault()}",
    };

    /// <summary>"is", "is not", "is at least"... as the builder's operator menu shows them.</summary>
    public static string OperatorText(RuleOperator op) => op switch
    {
        RuleOperator.EqualTo => "is",
        RuleOperator.NotEqualTo => "is not",
        RuleOperator.In => "is one of",
        RuleOperator.NotIn => "is none of",
        RuleOperator.GreaterThan => "is more than",
        RuleOperator.GreaterOrEqual => "is at least",
        RuleOperator.LessThan => "is less than",
        RuleOperator.LessOrEqual => "is at most",
        RuleOperator.Between => "is between",
        RuleOperator.Contains => "contains",
        RuleOperator.StartsWith => "starts with",
        RuleOperator.IsKnown => "is known",
        RuleOperator.IsUnknown => "is unknown",
        _ => op.ToString(),
    };

    private static string Alternatives(IReadOnlyList<string> values, string word) => values.Count switch
    {
        0 => "(nothing)",
        1 => values[0],
        _ => string.Join(", ", values.Take(values.Count - 1)) + $" {word} " + values[^1],
    };

    private static string Quoted(string value) => $"\"{value}\"";

    /// <summary>"AtRisk" → "At risk".</summary>
    public static string StageText(string stage) => SegmentValidation.TryStage(stage, out var s) ? StageText(s) : stage;

    public static string StageText(LifecycleStage stage) => Words(stage.ToString());

    /// <summary>"EmailMarketing" → "Email marketing".</summary>
    public static string Words(string pascal)
    {
        var text = new StringBuilder();
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0) text.Append(' ').Append(char.ToLowerInvariant(c));
            else text.Append(c);
        }
        return text.ToString();
    }
}
