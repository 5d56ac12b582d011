namespace Customer360Portal.Data.Model;

/// <summary>
/// Who did what, when. Never holds personal data of customers: targets are ids, details are free of values.
/// </summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string? UserId { get; set; }
    public string? UserName { get; set; }
    /// <summary>Dotted verb, e.g. "profile.viewed", "consent.changed", "user.locked".</summary>
    public string Action { get; set; } = "";
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    public string? Details { get; set; }
    public string? CorrelationId { get; set; }
}

/// <summary>A merge of two profiles, kept so it can be explained and undone.</summary>
public class MergeRecord
{
    public long Id { get; set; }
    public long SurvivorId { get; set; }
    public long MergedId { get; set; }
    public DateTime MergedAt { get; set; }
    /// <summary>"deterministic:email", "probabilistic", "manual"...</summary>
    public string Rule { get; set; } = "";
    public double? MatchWeight { get; set; }
    public string? EvidenceJson { get; set; }
    public string? MergedByUserId { get; set; }
    public DateTime? UndoneAt { get; set; }
    public string? UndoneByUserId { get; set; }
}

/// <summary>
/// Keeps an erased person from coming back on the next sync: only a keyed hash (HMAC, key outside the database)
/// of each identifier, never the identifier itself.
/// </summary>
public class SuppressionEntry
{
    public long Id { get; set; }
    public IdentifierType IdentifierType { get; set; }
    public string KeyedHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public long? PrivacyRequestId { get; set; }
}
