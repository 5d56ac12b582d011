namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>One timeline event as churn features see it (amount in major units; satisfaction 1–5 on tickets). A struct: scoring holds millions.</summary>
public readonly record struct ActivityEvent(string Type, DateTime At, decimal Amount = 0, int? Satisfaction = null, string? Reference = null);

/// <summary>A custom trait's current value and when it was set (the store keeps no older values).</summary>
public sealed record TraitValue(string Key, string Value, DateTime UpdatedAt);

/// <summary>A change of email-marketing consent: granted or not, from when (a struct: a million of them are held while scoring).</summary>
public readonly record struct ConsentChange(bool Granted, DateTime EffectiveAt);

/// <summary>
/// Everything the churn features of one customer read, whatever its time: <see cref="ChurnFeatureLayout"/> decides
/// what counts for a cut-off, so the same history serves several cut-offs (training, validation, scoring).
/// </summary>
public sealed class CustomerHistory(string customerId)
{
    public string CustomerId { get; } = customerId;

    /// <summary>Orders, returns, tickets, emails, web visits and the rule's activity or cancellation events.</summary>
    public List<ActivityEvent> Events { get; } = [];
    public List<TraitValue> Traits { get; } = [];
    public List<ConsentChange> EmailConsent { get; } = [];
}
