namespace Customer360Portal.Data.Model;

/// <summary>
/// The latest computed figures of one insights chart (e.g. "revenue"), as JSON. The insights job computes the expensive
/// aggregates in the background and keeps one row per kind, so the dashboard loads in milliseconds at a million profiles.
/// Aggregates only: counts and sums, never a customer id or a personal value.
/// </summary>
public class InsightsSnapshot
{
    public long Id { get; set; }
    /// <summary>Which figures, e.g. "stages", "revenue", "churn"; unique.</summary>
    public string Kind { get; set; } = "";
    public DateTime ComputedAt { get; set; }
    /// <summary>The newest data the figures cover (latest order, score, consent change...), when there is any.</summary>
    public DateTime? DataThrough { get; set; }
    /// <summary>How long the computation took, for admins wondering about cost.</summary>
    public long DurationMs { get; set; }
    public string Json { get; set; } = "";
}

/// <summary>
/// The lifecycle stage a profile had when the insights job last looked: comparing it with the profile's current stage is
/// how the job counts moves between stages without keeping a stage history per person. A recomputable projection
/// (dropped on erasure, and for profiles that are merged away or restricted), not personal history.
/// </summary>
public class StageMark
{
    public long CustomerId { get; set; }
    public LifecycleStage Stage { get; set; }
    public DateTime RecordedAt { get; set; }
}
