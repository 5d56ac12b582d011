using System.Globalization;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Segments;

/// <summary>
/// Checks a rule tree before it is sized, saved or refreshed, with messages a marketer can act on ("Rule 2.1: between
/// needs two values"). Rules are numbered by position: 2.1 is the first rule of the group that is the second rule.
/// </summary>
public static class SegmentValidation
{
    public const int MaxDepth = 8;
    public const int MaxRules = 100;

    public static IReadOnlyList<string> Validate(SegmentRule root)
    {
        var problems = new List<string>();
        var count = 0;
        Check(root, "", 0, problems, ref count);
        if (count > MaxRules) problems.Add($"A segment can have at most {MaxRules} rules; this one has {count}.");
        return problems;
    }

    private static void Check(SegmentRule rule, string path, int depth, List<string> problems, ref int count)
    {
        var at = path.Length == 0 ? "The segment" : $"Rule {path}";
        count++;
        switch (rule)
        {
            case GroupRule group:
                if (depth > MaxDepth) { problems.Add($"{at}: groups nest at most {MaxDepth} deep."); return; }
                if (group.Rules.Count == 0 && path.Length > 0) problems.Add($"{at}: the group is empty; add a rule to it or remove it.");
                for (var i = 0; i < group.Rules.Count; i++)
                {
                    if (group.Rules[i] is null) { problems.Add($"Rule {Join(path, i)}: missing."); continue; }
                    Check(group.Rules[i], Join(path, i), depth + 1, problems, ref count);
                }
                break;
            case FieldRule field:
                var definition = SegmentFields.Find(field.Field);
                if (definition is null)
                {
                    problems.Add($"{at}: unknown field \"{field.Field}\". Known fields: {string.Join(", ", SegmentFields.All.Select(f => f.Name))}.");
                    return;
                }
                if (!SegmentFields.OperatorsFor(definition.Kind).Contains(field.Operator))
                {
                    problems.Add($"{at}: {definition.Label} cannot be compared with \"{SegmentSentence.OperatorText(field.Operator)}\".");
                    return;
                }
                if (!CheckValueCount(field.Operator, field.Values, at, problems)) return;
                foreach (var value in field.Values)
                    if (ValueProblem(definition, value) is { } problem) problems.Add($"{at}: {definition.Label} {problem}.");
                if (field.Operator == RuleOperator.Between && field.Values.Count == 2 && definition.Kind != FieldKind.Text
                    && Compare(definition, field.Values[0], field.Values[1]) > 0)
                    problems.Add($"{at}: the first value of \"between\" must not be larger than the second.");
                break;
            case TraitRule trait:
                if (string.IsNullOrWhiteSpace(trait.Key)) problems.Add($"{at}: choose a trait.");
                if (!SegmentFields.TraitOperators.Contains(trait.Operator))
                    problems.Add($"{at}: traits are compared as text; \"{SegmentSentence.OperatorText(trait.Operator)}\" is not available.");
                else CheckValueCount(trait.Operator, trait.Values, at, problems);
                break;
            case BehaviourRule behaviour:
                if (string.IsNullOrWhiteSpace(behaviour.Event)) problems.Add($"{at}: choose an event.");
                if (behaviour.MinTimes is < 1) problems.Add($"{at}: the number of times must be at least 1.");
                if (behaviour.WithinDays is < 1) problems.Add($"{at}: the window must be at least 1 day (or leave it empty for ever).");
                if (behaviour.WithinDays is > 36_500) problems.Add($"{at}: the window can be at most 36,500 days.");
                if (behaviour.Channel is { } channel && !Enum.IsDefined(channel)) problems.Add($"{at}: unknown channel.");
                break;
            case PredictionRule prediction:
                if (!Enum.IsDefined(prediction.Kind)) { problems.Add($"{at}: unknown prediction."); break; }
                if (prediction.Kind == ScoreKind.ChurnRisk)
                {
                    if (prediction.Band is null && prediction.MinScore is null && prediction.MaxScore is null)
                        problems.Add($"{at}: choose a churn risk band (low, medium, high) or a score range.");
                    if (prediction.Band is { } band && !SegmentFields.ChurnBands.Contains(band, StringComparer.OrdinalIgnoreCase))
                        problems.Add($"{at}: the churn risk band must be low, medium or high.");
                    if (prediction.MinScore is < 0 or > 1 || prediction.MaxScore is < 0 or > 1)
                        problems.Add($"{at}: churn scores run from 0 to 1.");
                    if (prediction.MinScore > prediction.MaxScore) problems.Add($"{at}: the lowest score must not be above the highest.");
                }
                else if (string.IsNullOrWhiteSpace(prediction.Offer))
                    problems.Add($"{at}: choose an offer.");
                break;
            case ConsentRule consent:
                if (!Enum.IsDefined(consent.Purpose)) problems.Add($"{at}: unknown consent purpose.");
                break;
            case SourceRule source:
                if (string.IsNullOrWhiteSpace(source.Source)) problems.Add($"{at}: choose a data source.");
                break;
            case SegmentMembershipRule membership:
                if (membership.SegmentId <= 0) problems.Add($"{at}: choose a segment.");
                break;
        }
    }

    private static string Join(string path, int index) => path.Length == 0 ? $"{index + 1}" : $"{path}.{index + 1}";

    private static bool CheckValueCount(RuleOperator op, List<string> values, string at, List<string> problems)
    {
        var blank = values.Any(string.IsNullOrWhiteSpace);
        switch (SegmentFields.ValueCount(op))
        {
            case 0 when values.Count > 0:
                problems.Add($"{at}: \"{SegmentSentence.OperatorText(op)}\" takes no values.");
                return false;
            case 2 when values.Count != 2 || blank:
                problems.Add($"{at}: \"between\" needs two values (from and to).");
                return false;
            case 1 when values.Count != 1 || blank:
                problems.Add($"{at}: enter a value.");
                return false;
            case null when values.Count == 0 || blank:
                problems.Add($"{at}: enter at least one value.");
                return false;
        }
        return true;
    }

    /// <summary>Why a value cannot be read for a field, or null when it can.</summary>
    public static string? ValueProblem(SegmentField field, string value) => field.Kind switch
    {
        FieldKind.Number or FieldKind.Money when !TryNumber(value, out _) => $"needs a number (e.g. 100 or 99.5), not \"{value}\"",
        FieldKind.Days or FieldKind.Number when TryNumber(value, out var n) && (n != Math.Floor(n) || n < 0) => "needs a whole number of at least 0",
        FieldKind.Days when !TryNumber(value, out _) => $"needs a whole number of days, not \"{value}\"",
        FieldKind.Date when !TryDate(value, out _) => $"needs a date as yyyy-MM-dd, not \"{value}\"",
        FieldKind.Stage when !TryStage(value, out _) => $"has no stage \"{value}\"; stages are {string.Join(", ", Enum.GetNames<LifecycleStage>())}",
        FieldKind.Flag when !bool.TryParse(value, out _) => "is true or false",
        _ => null,
    };

    private static int Compare(SegmentField field, string a, string b) => field.Kind == FieldKind.Date
        ? TryDate(a, out var x) && TryDate(b, out var y) ? x.CompareTo(y) : 0
        : TryNumber(a, out var m) && TryNumber(b, out var n) ? m.CompareTo(n) : 0;

    public static bool TryNumber(string? text, out decimal value) =>
        decimal.TryParse(text?.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out value);

    public static bool TryDate(string? text, out DateOnly value) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);

    public static bool TryStage(string? text, out LifecycleStage stage) =>
        Enum.TryParse(text?.Trim(), ignoreCase: true, out stage) && Enum.IsDefined(stage) && !char.IsDigit(text!.Trim()[0]);
}
