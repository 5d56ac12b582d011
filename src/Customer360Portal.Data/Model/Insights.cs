namespace Customer360Portal.Data.Model;

/// <summary>A custom attribute a source or a user set on a profile (e.g. "plan" = "gold").</summary>
public class CustomerTrait
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
    public string SourceKey { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}

public enum ScoreKind { ChurnRisk, NextBestOffer }

/// <summary>A model's output for a customer, with the model version and the reasons it gives.</summary>
public class CustomerScore
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public ScoreKind Kind { get; set; }
    public string ModelVersion { get; set; } = "";
    public double Value { get; set; }
    /// <summary>Band or offer code, e.g. "high" or "offer:coffee-machine".</summary>
    public string? Label { get; set; }
    public string? ReasonsJson { get; set; }
    public DateTime ScoredAt { get; set; }
    /// <summary>The profile this row was written for: merges move it, unmerge sends it back there.</summary>
    public long? OriginCustomerId { get; set; }
}

/// <summary>
/// One trained version of a prediction model (churn, next best offer): the ML.NET model itself, what it was trained on
/// and how well it did on held-out data. One version per kind is active; older ones are kept so admins can roll back.
/// </summary>
public class PredictionModel
{
    public long Id { get; set; }
    public ScoreKind Kind { get; set; }
    /// <summary>Shown with every score, e.g. "churn-3".</summary>
    public string Version { get; set; } = "";
    public DateTime TrainedAt { get; set; }
    public bool Active { get; set; }
    /// <summary>The settings it was trained with (churn definition, cut-off, horizon), as JSON.</summary>
    public string SettingsJson { get; set; } = "";
    /// <summary>Held-out metrics (AUC, PR-AUC, calibration, lift, curve points), as JSON.</summary>
    public string MetricsJson { get; set; } = "";
    public int TrainingRows { get; set; }
    /// <summary>The saved ML.NET model (zip bytes).</summary>
    public byte[] ModelBytes { get; set; } = [];
    public string? TrainedByUserId { get; set; }
}
