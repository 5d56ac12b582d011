namespace Customer360Portal.Data.Model;

public enum SourceKind { Crm, Shop, HelpDesk, EmailPlatform, WebAnalytics, FileDrop, Webhook }

/// <summary>A system the portal takes data from.</summary>
public class DataSource
{
    public int Id { get; set; }
    /// <summary>Short stable key used in URLs, lineage and source records (e.g. "crm").</summary>
    public string Key { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public SourceKind Kind { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>Higher wins in survivorship when values conflict.</summary>
    public int TrustRank { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum SourceRecordStatus { Pending, Resolved, Superseded, Erased }

/// <summary>
/// One version of one record as a source sent it. Append-only: a changed record is a new row with a new hash,
/// which is what lets the golden record be rebuilt and merges be undone.
/// </summary>
public class SourceRecord
{
    public long Id { get; set; }
    public string SourceKey { get; set; } = "";
    public string ExternalId { get; set; } = "";
    /// <summary>Record kind within the source, e.g. "contact", "order", "ticket", "track".</summary>
    public string Kind { get; set; } = "";
    public string PayloadJson { get; set; } = "";
    /// <summary>SHA-256 of the canonical payload, hex; with source and external id it makes intake idempotent.</summary>
    public string PayloadHash { get; set; } = "";
    public DateTime ReceivedAt { get; set; }
    public SourceRecordStatus Status { get; set; }
    public long? CustomerId { get; set; }
}

/// <summary>A record that failed validation: kept whole with its reason so it can be fixed and replayed.</summary>
public class QuarantinedRecord
{
    public long Id { get; set; }
    public string SourceKey { get; set; } = "";
    public string? ExternalId { get; set; }
    public string Kind { get; set; } = "";
    public string PayloadJson { get; set; } = "";
    /// <summary>Why it was refused, without personal data (e.g. "email: not a valid address").</summary>
    public string Reason { get; set; } = "";
    public DateTime ReceivedAt { get; set; }
    public DateTime? ReplayedAt { get; set; }
    public long? ReplayedAsSourceRecordId { get; set; }
}

/// <summary>How far a sync service got in a source; committed in the same transaction as the records it covers.</summary>
public class SyncCheckpoint
{
    public string SourceKey { get; set; } = "";
    public string Cursor { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}
