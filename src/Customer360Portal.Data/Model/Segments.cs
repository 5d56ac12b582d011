namespace Customer360Portal.Data.Model;

/// <summary>
/// A marketer's saved segment: a rule tree (JSON, see Core/Segments and /work/coord/segment-rules-contract.md) and what
/// its last membership refresh found. Every save keeps the previous definition as a <see cref="SegmentVersion"/>.
/// </summary>
public class Segment
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    /// <summary>The rule tree as JSON (camelCase, polymorphic on "type").</summary>
    public string DefinitionJson { get; set; } = "";
    /// <summary>1 for the first save, +1 for every save that changed the definition or name.</summary>
    public int Version { get; set; }
    public string OwnerUserId { get; set; } = "";
    public string OwnerName { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Archived segments keep their history but are no longer refreshed or offered for export.</summary>
    public DateTime? ArchivedAt { get; set; }

    // What the last membership refresh found (null until the first one).
    public DateTime? RefreshedAt { get; set; }
    public int? Size { get; set; }
    /// <summary>The newest profile update the refresh saw: how fresh the data behind the size is.</summary>
    public DateTime? DataAsOf { get; set; }
    /// <summary>Set by "refresh now"; the refresh job takes these first.</summary>
    public DateTime? RefreshRequestedAt { get; set; }
    /// <summary>Why the last refresh failed (a rule no longer valid...), without personal data.</summary>
    public string? RefreshError { get; set; }
}

/// <summary>A definition a segment had before a later save replaced it.</summary>
public class SegmentVersion
{
    public long Id { get; set; }
    public long SegmentId { get; set; }
    public int Version { get; set; }
    public string Name { get; set; } = "";
    public string DefinitionJson { get; set; } = "";
    public DateTime SavedAt { get; set; }
    public string SavedByName { get; set; } = "";
}

/// <summary>
/// Who is in a segment as of its last refresh: a recomputable projection of the rules (erasure deletes the rows; a merge
/// needs no move, the next refresh recomputes).
/// </summary>
public class SegmentMember
{
    public long SegmentId { get; set; }
    public long CustomerId { get; set; }
    public DateTime EnteredAt { get; set; }
}

/// <summary>One membership refresh: the size, who entered and who left since the refresh before, and how fresh the data was.</summary>
public class SegmentSnapshot
{
    public long Id { get; set; }
    public long SegmentId { get; set; }
    public int Version { get; set; }
    public DateTime ComputedAt { get; set; }
    public DateTime? DataAsOf { get; set; }
    public int Size { get; set; }
    public int Entered { get; set; }
    public int Exited { get; set; }
    public int DurationMs { get; set; }
}
