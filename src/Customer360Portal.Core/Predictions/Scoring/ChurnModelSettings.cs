using System.Text.Json;
using Customer360Portal.Core.Predictions.Churn;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>
/// What a churn model version was trained with (stored as its SettingsJson): the churn definition, the cut-off, how it
/// was validated and its feature columns. Scoring rebuilds the same rule and columns from it, so a rolled-back version
/// is scored exactly as it was trained. Versions stored before these fields existed read as purchase inactivity over
/// the purchase features.
/// </summary>
public sealed record ChurnModelSettings
{
    /// <summary>The definition in plain words.</summary>
    public string ChurnDefinition { get; init; } = "";
    public int HorizonDays { get; init; }
    public IReadOnlyList<string>? ActivityTypes { get; init; }
    public string? CancellationEventType { get; init; }
    public string? CancellationTraitKey { get; init; }
    public string? CancellationTraitValue { get; init; }
    public DateTime? Cutoff { get; init; }
    public string Validation { get; init; } = "";
    public string Learner { get; init; } = "";
    public int Seed { get; init; }
    public IReadOnlyList<string>? Features { get; init; }
    public IReadOnlyList<string>? Traits { get; init; }
    public int Churned { get; init; }

    public ChurnRule Rule() => CancellationEventType is not null || CancellationTraitKey is not null
        ? ChurnRule.Cancellation(HorizonDays, CancellationEventType, CancellationTraitKey, CancellationTraitValue)
        : ChurnRule.Inactivity(HorizonDays, [.. ActivityTypes ?? []]);

    public ChurnFeatureLayout Layout() => new(Features is { Count: > 0 } features ? features : ChurnFeatureBuilder.FeatureNames);

    public static ChurnModelSettings? Read(string json)
    {
        try { return string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<ChurnModelSettings>(json, ChurnTraining.Json); }
        catch (JsonException) { return null; }
    }
}
