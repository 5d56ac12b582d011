namespace Customer360Portal.Data.Model;

public enum ReviewStatus { Open, Accepted, Rejected, Superseded }

/// <summary>
/// A borderline pair of profiles waiting for a person: the engine was not sure enough to merge, or a guard stopped
/// an automatic merge. Decisions are kept: a rejected pair is never proposed again.
/// </summary>
public class MatchReview
{
    public long Id { get; set; }
    /// <summary>The lower profile id of the pair (pairs are stored once, in order).</summary>
    public long LeftCustomerId { get; set; }
    public long RightCustomerId { get; set; }
    public double Probability { get; set; }
    public double Weight { get; set; }
    /// <summary>Why it needs a person: "probabilistic", "identifier-limit:AccountId", "strong-id-conflict", "inconsistent-names"...</summary>
    public string Reason { get; set; } = "";
    /// <summary>Field-by-field agreement levels and weights; never the values themselves.</summary>
    public string? EvidenceJson { get; set; }
    /// <summary>The record whose arrival raised the question.</summary>
    public long? SourceRecordId { get; set; }
    public ReviewStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? DecidedByUserId { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? DecisionReason { get; set; }
}

/// <summary>
/// A blocking key of a profile (a 64-bit hash of e.g. "family-name sound + initial"): finds the few profiles worth
/// comparing a new record with, without scanning.
/// </summary>
public class ProfileMatchKey
{
    public long KeyHash { get; set; }
    public long CustomerId { get; set; }
}

/// <summary>A trained match model (m and u per field and level, prior, value frequencies) as JSON.</summary>
public class MatchModelVersion
{
    public int Id { get; set; }
    public DateTime TrainedAt { get; set; }
    public int TrainedOnRecords { get; set; }
    public string ModelJson { get; set; } = "";
    public bool Active { get; set; }
}

public enum JobStatus { Queued, Running, Succeeded, Failed, Cancelled }

/// <summary>A long-running job admins start and watch (full re-resolution, training, erasure...).</summary>
public class BackgroundJob
{
    public long Id { get; set; }
    /// <summary>e.g. "re-resolution", "erasure".</summary>
    public string Kind { get; set; } = "";
    /// <summary>What the job works on, e.g. "privacy-request:12" (ids only, never personal data).</summary>
    public string? Target { get; set; }
    public JobStatus Status { get; set; }
    public long Total { get; set; }
    public long Done { get; set; }
    /// <summary>Outcome or failure, without personal data.</summary>
    public string? Message { get; set; }
    public string? RequestedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}
