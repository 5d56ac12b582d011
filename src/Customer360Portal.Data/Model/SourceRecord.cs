namespace Customer360Portal.Data.Model;

public enum SourceKind { Crm, Shop, HelpDesk, EmailPlatform, WebAnalytics, FileDrop, Webhook }

/// <summary>How records reach the portal from a source.</summary>
public enum ConnectorStyle
{
    /// <summary>The source posts batches to the ingest API with its API key.</summary>
    Push,
    /// <summary>A sync service pulls pages from the source's REST API with a cursor.</summary>
    Pull,
    /// <summary>A sync service watches a folder for CSV or JSON-lines files.</summary>
    FileDrop,
    /// <summary>Web and app events on the Segment-compatible tracking API, authenticated by write key.</summary>
    Tracking,
}

public enum SyncState { Running, Paused, Failing }

/// <summary>
/// A system the portal takes data from, with its sync state and counters. State lives here, not in process memory,
/// so the sync services can run in their own process and the admin page still sees and steers them.
/// </summary>
public class DataSource
{
    public int Id { get; set; }
    /// <summary>Short stable key used in URLs, lineage and source records (e.g. "crm").</summary>
    public string Key { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public SourceKind Kind { get; set; }
    public ConnectorStyle Connector { get; set; }
    /// <summary>Connector settings (base URL, folder, poll interval...) as JSON.</summary>
    public string? SettingsJson { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>Higher wins in survivorship when values conflict.</summary>
    public int TrustRank { get; set; }
    public DateTime CreatedAt { get; set; }

    public SyncState State { get; set; }
    /// <summary>Checkpoint of a pull or file connector; committed in the same transaction as the records it covers.</summary>
    public string? Cursor { get; set; }
    public DateTime? RunRequestedAt { get; set; }
    public DateTime? LastRunAt { get; set; }
    public DateTime? LastSuccessAt { get; set; }
    /// <summary>Newest source timestamp seen, for the lag shown to admins.</summary>
    public DateTime? LastRecordAt { get; set; }
    /// <summary>Last failure, without personal data.</summary>
    public string? LastError { get; set; }

    // Every record received is exactly one of stored, duplicate, quarantined or suppressed.
    public long Received { get; set; }
    public long Stored { get; set; }
    public long Duplicates { get; set; }
    public long Quarantined { get; set; }
    public long Suppressed { get; set; }

    /// <summary>Progress of a running backfill (records expected and done), when the source can tell.</summary>
    public long? BackfillTotal { get; set; }
    public long BackfillDone { get; set; }
}

public enum ApiKeyKind
{
    Ingest,
    WriteKey,
    /// <summary>An activation tool (email or ad platform) reading consented segment members; its "source key" names the tool.</summary>
    Activation,
}

/// <summary>
/// An API key or tracking write key of a source. Only a SHA-256 hash of the secret is kept (the secret is random and
/// long, so no salt is needed); the prefix finds the row without scanning.
/// </summary>
public class SourceApiKey
{
    public int Id { get; set; }
    public string SourceKey { get; set; } = "";
    public ApiKeyKind Kind { get; set; }
    public string Prefix { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string? CreatedByUserId { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
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
    /// <summary>The payload exactly as the source sent it.</summary>
    public string PayloadJson { get; set; } = "";
    /// <summary>The validated, normalised form that resolution and the timeline read.</summary>
    public string NormalizedJson { get; set; } = "";
    /// <summary>When it happened at the source (UTC).</summary>
    public DateTime OccurredAt { get; set; }
    /// <summary>SHA-256 of the payload bytes as received, hex.</summary>
    public string PayloadHash { get; set; } = "";
    /// <summary>
    /// The first 16 hex digits of <see cref="PayloadHash"/>: with source and external id it makes intake idempotent. A
    /// short key keeps the unique index small (SQLite maintains it on every insert); 64 bits are ample among the
    /// versions of one record.
    /// </summary>
    public string VersionKey { get; set; } = "";
    public DateTime ReceivedAt { get; set; }
    public SourceRecordStatus Status { get; set; }
    public long? CustomerId { get; set; }
    /// <summary>The profile the record was first resolved to: unmerge sends it back there.</summary>
    public long? OriginCustomerId { get; set; }
}

/// <summary>A record that failed validation: kept whole with its reason so it can be fixed and replayed.</summary>
public class QuarantinedRecord
{
    public long Id { get; set; }
    public string SourceKey { get; set; } = "";
    public string? ExternalId { get; set; }
    public string Kind { get; set; } = "";
    public string PayloadJson { get; set; } = "";
    /// <summary>SHA-256 of the payload bytes, hex: the same bad record sent twice is quarantined once.</summary>
    public string PayloadHash { get; set; } = "";
    /// <summary>Why it was refused, without personal data (e.g. "email: not a valid address"); reasons separated by "; ".</summary>
    public string Reason { get; set; } = "";
    public DateTime ReceivedAt { get; set; }
    public DateTime? ReplayedAt { get; set; }
    public long? ReplayedAsSourceRecordId { get; set; }
}

/// <summary>How far a background stage (e.g. profile projection) got through the source records, by id.</summary>
public class ProcessingMark
{
    public string Stage { get; set; } = "";
    public long LastSourceRecordId { get; set; }
    public DateTime UpdatedAt { get; set; }
}
