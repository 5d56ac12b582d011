using System.ComponentModel.DataAnnotations;

namespace Customer360Portal.Core.Quality;

/// <summary>Settings of the data quality centre (section "Quality").</summary>
public sealed class QualityOptions
{
    public const string Section = "Quality";

    /// <summary>Whether the background job takes snapshots on its own (a "Refresh now" still runs when off).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often a snapshot is taken on schedule.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>A profile with no activity for longer than this is stale.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromDays(365);

    /// <summary>At most this many profiles have their lineage read for freshness (every k-th profile beyond it).</summary>
    [Range(100, 10_000_000)]
    public int FreshnessSample { get; set; } = 100_000;

    /// <summary>The latest this many stored records of each source are read for the per-source figures.</summary>
    [Range(100, 10_000_000)]
    public int SourceSample { get; set; } = 20_000;

    /// <summary>Snapshots kept for the trend; older ones are deleted.</summary>
    [Range(2, 100_000)]
    public int SnapshotsKept { get; set; } = 500;

    /// <summary>How often the job looks for a requested refresh.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(3);
}
