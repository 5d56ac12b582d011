namespace Customer360Portal.Data.Model;

public enum CustomerStatus { Active, Merged, Restricted, Erased }

public enum LifecycleStage { Unknown, Awareness, Consideration, Purchase, Onboarding, Retention, Advocacy, AtRisk, Lapsed }

/// <summary>
/// The golden record: one person as the portal believes them to be. Every field is a projection chosen by
/// survivorship rules from source records; <see cref="CustomerFieldLineage"/> says where each value came from.
/// </summary>
public class Customer
{
    public long Id { get; set; }
    public CustomerStatus Status { get; set; }
    /// <summary>Set when this profile was merged into another; lookups by the old id redirect there.</summary>
    public long? MergedIntoId { get; set; }
    /// <summary>Known only by cookie or device ids (a web visitor who has not identified yet).</summary>
    public bool Anonymous { get; set; }

    public string? GivenName { get; set; }
    public string? FamilyName { get; set; }
    /// <summary>Lower-cased, accent-free "given family" used for name lookups.</summary>
    public string? NormalizedName { get; set; }
    public string? Email { get; set; }
    /// <summary>E.164, e.g. +441632960961.</summary>
    public string? Phone { get; set; }
    public DateOnly? DateOfBirth { get; set; }
    public string? AddressLine { get; set; }
    public string? City { get; set; }
    public string? Postcode { get; set; }
    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string? Country { get; set; }

    public LifecycleStage LifecycleStage { get; set; }

    // Computed metrics (projections of the timeline), kept on the row so lists and segments stay cheap.
    /// <summary>Lifetime value in minor units of <see cref="Currency"/>.</summary>
    public long LifetimeValueMinor { get; set; }
    public string? Currency { get; set; }
    public int OrderCount { get; set; }
    public DateTime? FirstPurchaseAt { get; set; }
    public DateTime? LastPurchaseAt { get; set; }
    public DateTime? LastActivityAt { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Application-managed concurrency token (SQLite generates none).</summary>
    public long Version { get; set; }

    public List<Identifier> Identifiers { get; set; } = [];
    /// <summary>Stored as one JSON column: it is always read with the profile, and a profile writes it in one row.</summary>
    public List<CustomerFieldLineage> Lineage { get; set; } = [];
}

/// <summary>Where one golden-record value came from and which rule chose it.</summary>
public class CustomerFieldLineage
{
    public string Field { get; set; } = "";
    public string? Value { get; set; }
    public string SourceKey { get; set; } = "";
    public long? SourceRecordId { get; set; }
    public DateTime ObservedAt { get; set; }
    /// <summary>Survivorship rule that chose the value (e.g. "most-recent", "most-trusted-source", "rectified").</summary>
    public string Rule { get; set; } = "";
    /// <summary>Why a person rectified the value (only with the "rectified" rule); shown with the lineage.</summary>
    public string? Reason { get; set; }

    /// <summary>Every field is a string, number or time: a member-wise copy shares nothing mutable.</summary>
    public CustomerFieldLineage Clone() => (CustomerFieldLineage)MemberwiseClone();
}

/// <summary>Lineage as JSON on the profile row; times are UTC (SQL Server's FOR JSON writes them without a zone).</summary>
public static class LineageJson
{
    private static readonly System.Text.Json.JsonSerializerOptions Options = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static string Write(List<CustomerFieldLineage> lineage) => System.Text.Json.JsonSerializer.Serialize(lineage, Options);

    public static List<CustomerFieldLineage> Read(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        var lineage = System.Text.Json.JsonSerializer.Deserialize<List<CustomerFieldLineage>>(json, Options) ?? [];
        foreach (var entry in lineage)
            if (entry.ObservedAt.Kind != DateTimeKind.Utc)
                entry.ObservedAt = DateTime.SpecifyKind(entry.ObservedAt, DateTimeKind.Utc);
        return lineage;
    }

    // The change tracker compares every tracked profile's lineage with its snapshot at every save (the projection saves
    // once per new profile): field by field, not by serialising both, which made a demo batch spend seconds in JSON.

    /// <summary>Same entries, same order, every field equal (times with their kind, as the JSON would differ).</summary>
    public static bool Same(List<CustomerFieldLineage>? a, List<CustomerFieldLineage>? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null || a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
        {
            var (x, y) = (a[i], b[i]);
            if (x.Field != y.Field || x.Value != y.Value || x.SourceKey != y.SourceKey || x.SourceRecordId != y.SourceRecordId
                || x.ObservedAt != y.ObservedAt || x.ObservedAt.Kind != y.ObservedAt.Kind || x.Rule != y.Rule || x.Reason != y.Reason)
                return false;
        }
        return true;
    }

    public static int HashOf(List<CustomerFieldLineage> lineage)
    {
        var hash = new HashCode();
        foreach (var entry in lineage)
        {
            hash.Add(entry.Field);
            hash.Add(entry.Value);
            hash.Add(entry.SourceRecordId);
            hash.Add(entry.ObservedAt);
        }
        return hash.ToHashCode();
    }

    /// <summary>A snapshot: entries are copied, since survivorship changes them in place.</summary>
    public static List<CustomerFieldLineage> Copy(List<CustomerFieldLineage> lineage) => lineage.Select(e => e.Clone()).ToList();
}
