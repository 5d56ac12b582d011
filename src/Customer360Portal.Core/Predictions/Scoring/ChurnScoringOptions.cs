using Customer360Portal.Core.Predictions.Churn;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>Settings of churn training and scoring (section "Predictions:Churn").</summary>
public sealed class ChurnScoringOptions
{
    public const string Section = "Predictions:Churn";

    /// <summary>Whether the background job trains and scores on its schedule (on-demand runs work either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The churn window: churn is judged within this many days after the cut-off.</summary>
    public int HorizonDays { get; set; } = 90;

    /// <summary>
    /// Churn by inactivity: the interaction types that count as activity in the window. Empty means purchases only
    /// ("order.placed"); add a login type (e.g. "track:Signed In") for "no purchase or login".
    /// </summary>
    public string[] ActivityTypes { get; set; } = [];

    /// <summary>Churn by cancellation (subscriptions): an interaction type that marks a cancellation, e.g. "subscription.cancelled".</summary>
    public string? CancellationEventType { get; set; }

    /// <summary>Churn by cancellation: a trait value that marks it, as "key=value", e.g. "subscription_status=cancelled".</summary>
    public string? CancellationTrait { get; set; }

    /// <summary>Custom trait keys used as features (numeric traits as numbers, others by their most common values).</summary>
    public string[] Traits { get; set; } = [];

    /// <summary>How often the job runs; a new model is trained when the active one is older than this.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Fewer customers with a purchase before the training cut-off than this: no model is trained.</summary>
    public int MinimumCustomers { get; set; } = 200;

    /// <summary>Seed of the holdout split and the learner, so a training run can be repeated.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>The churn definition these settings describe.</summary>
    public ChurnRule Rule()
    {
        string? traitKey = null, traitValue = null;
        if (!string.IsNullOrWhiteSpace(CancellationTrait))
        {
            // "key=value" (checked at start-up).
            var equals = CancellationTrait.IndexOf('=');
            (traitKey, traitValue) = (CancellationTrait[..equals].Trim(), CancellationTrait[(equals + 1)..].Trim());
        }
        var eventType = string.IsNullOrWhiteSpace(CancellationEventType) ? null : CancellationEventType.Trim();
        return eventType is not null || traitKey is not null
            ? ChurnRule.Cancellation(HorizonDays, eventType, traitKey, traitValue)
            : ChurnRule.Inactivity(HorizonDays, ActivityTypes.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Distinct().ToArray());
    }
}
