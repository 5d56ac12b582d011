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
