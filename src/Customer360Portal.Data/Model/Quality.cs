namespace Customer360Portal.Data.Model;

/// <summary>
/// One pass of the data quality scan: headline figures as columns (so the trend over time is one cheap query) and the
/// full report (per field, per source, freshness, quarantine) as JSON. Aggregates only: no customer id, no value.
/// </summary>
public class QualitySnapshot
{
    public long Id { get; set; }
    public DateTime TakenAt { get; set; }
    /// <summary>Active, identified profiles the figures are about (anonymous visitors carry no profile fields).</summary>
    public long Profiles { get; set; }
    /// <summary>Share of key golden-record fields filled, 0..1, over all profiles and key fields.</summary>
    public double Completeness { get; set; }
    /// <summary>Share of filled golden-record values that pass their validity check, 0..1.</summary>
    public double Validity { get; set; }
    /// <summary>Profiles with no activity for longer than the configured stale age.</summary>
    public long Stale { get; set; }
    /// <summary>Open match reviews (suspected duplicates awaiting a person).</summary>
    public long OpenReviews { get; set; }
    /// <summary>Quarantined records not replayed yet.</summary>
    public long QuarantineOpen { get; set; }
    public long DurationMs { get; set; }
    /// <summary>Who asked for it ("schedule" or a user name); aggregates only, so a name here is no customer data.</summary>
    public string Trigger { get; set; } = "";
    public string ReportJson { get; set; } = "";
}
