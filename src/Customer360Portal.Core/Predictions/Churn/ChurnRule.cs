namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>
/// What churn means for this business, judged in the window (cut-off, cut-off + horizon]. Retail: inactivity (none of
/// <see cref="ActivityTypes"/> in the window: purchases, or purchases and logins). Subscriptions: an explicit
/// cancellation (an event of <see cref="CancellationEventType"/>, or the trait <see cref="CancellationTraitKey"/>
/// set to <see cref="CancellationTraitValue"/> in the window); people who cancelled before the cut-off have already
/// gone and are left out.
/// </summary>
public sealed record ChurnRule
{
    public const string OrderPlaced = "order.placed";

    public required int HorizonDays { get; init; }

    /// <summary>Inactivity: activity of these interaction types in the window means the customer stayed.</summary>
    public IReadOnlyList<string> ActivityTypes { get; init; } = [OrderPlaced];

    public string? CancellationEventType { get; init; }
    public string? CancellationTraitKey { get; init; }
    public string? CancellationTraitValue { get; init; }

    public bool ByCancellation => CancellationEventType is not null || CancellationTraitKey is not null;

    public static ChurnRule Inactivity(int horizonDays, params string[] activityTypes) =>
        new() { HorizonDays = horizonDays, ActivityTypes = activityTypes.Length == 0 ? [OrderPlaced] : activityTypes };

    public static ChurnRule Cancellation(int horizonDays, string? eventType = null, string? traitKey = null, string? traitValue = null) =>
        new() { HorizonDays = horizonDays, CancellationEventType = eventType, CancellationTraitKey = traitKey, CancellationTraitValue = traitValue };

    /// <summary>The rule in plain words, for the models page and the stored settings.</summary>
    public string Describe()
    {
        if (!ByCancellation)
        {
            var what = ActivityTypes.SequenceEqual([OrderPlaced]) ? "no purchase" : $"no {string.Join(" or ", ActivityTypes.Select(TypeWords))}";
            return $"{what} within {HorizonDays} days after the cut-off";
        }
        var signals = new List<string>();
        if (CancellationEventType is not null) signals.Add($"a \"{CancellationEventType}\" event");
        if (CancellationTraitKey is not null) signals.Add($"the trait \"{CancellationTraitKey}\" set to \"{CancellationTraitValue}\"");
        return $"{string.Join(" or ", signals)} within {HorizonDays} days after the cut-off";
    }

    private static string TypeWords(string type) => type == OrderPlaced ? "purchase" : $"\"{type}\"";

    /// <summary>Whether the trait marks a cancellation (the trait value compared case-insensitively).</summary>
    internal bool IsCancellationTrait(TraitValue trait) =>
        CancellationTraitKey is not null && string.Equals(trait.Key, CancellationTraitKey, StringComparison.Ordinal) &&
        string.Equals(trait.Value.Trim(), CancellationTraitValue?.Trim(), StringComparison.OrdinalIgnoreCase);
}
