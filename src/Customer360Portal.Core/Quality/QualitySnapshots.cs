using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Quality;

/// <summary>A snapshot's headline figures, for the trend chart.</summary>
public sealed record QualityTrendPoint(DateTime TakenAt, long Profiles, double Completeness, double Validity, long Stale, long OpenReviews, long QuarantineOpen);

/// <summary>The latest snapshot with its report.</summary>
public sealed record LatestQuality(long SnapshotId, DateTime TakenAt, long DurationMs, string Trigger, QualityReport Report);

/// <summary>A scan asked for or running, with its progress (profiles read of all).</summary>
public sealed record QualityScanState(long JobId, JobStatus Status, long Done, long Total, DateTime CreatedAt);

/// <summary>
/// The quality centre's stored side: snapshots taken by <see cref="QualityJob"/>, the trend over them, and "Refresh
/// now" requests (a queued <see cref="BackgroundJob"/>, so a refresh asked for on one web node runs wherever the job
/// runs). <see cref="Changed"/> tells open pages that progress or a new snapshot is there.
/// </summary>
public sealed class QualitySnapshots(IDbContextFactory<ProfileStore> stores, IOptions<QualityOptions> options, TimeProvider clock)
{
    public const string JobKind = "quality-scan";
    /// <summary>The snapshot's trigger when an admin asked for it (who asked is in the audit log).</summary>
    public const string RequestedTrigger = "refresh now";
    public const string ScheduledTrigger = "schedule";

    public event Action? Changed;

    internal void Publish() => Changed?.Invoke();

    public async Task<LatestQuality?> LatestAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var row = await store.QualitySnapshots.AsNoTracking().OrderByDescending(s => s.TakenAt).ThenByDescending(s => s.Id).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new LatestQuality(row.Id, row.TakenAt, row.DurationMs, row.Trigger, QualityReport.Read(row.ReportJson));
    }

    /// <summary>Headline figures of the last <paramref name="take"/> snapshots, oldest first.</summary>
    public async Task<IReadOnlyList<QualityTrendPoint>> TrendAsync(int take = 90, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var points = await store.QualitySnapshots.AsNoTracking().OrderByDescending(s => s.TakenAt).ThenByDescending(s => s.Id).Take(take)
            .Select(s => new QualityTrendPoint(s.TakenAt, s.Profiles, s.Completeness, s.Validity, s.Stale, s.OpenReviews, s.QuarantineOpen))
            .ToListAsync(cancellationToken);
        points.Reverse();
        return points;
    }

    /// <summary>Queues a scan unless one is queued or running (then returns that one); audited.</summary>
    public async Task<long> RequestRefreshAsync(AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var pending = await Pending(store).Select(j => (long?)j.Id).FirstOrDefaultAsync(cancellationToken);
        if (pending is { } id) return id;
        var now = clock.GetUtcNow().UtcDateTime;
        var job = new BackgroundJob { Kind = JobKind, Status = JobStatus.Queued, CreatedAt = now, RequestedByUserId = actor.UserId ?? actor.Name, Target = RequestedTrigger };
        store.Jobs.Add(job);
        store.AuditLog.Add(new AuditEntry { At = now, UserId = actor.UserId, UserName = actor.Name, Action = "quality.refresh-requested", TargetType = "job" });
        await store.SaveChangesAsync(cancellationToken);
        Publish();
        return job.Id;
    }

    /// <summary>The scan queued or running, if any.</summary>
    public async Task<QualityScanState?> PendingAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await Pending(store).Select(j => new QualityScanState(j.Id, j.Status, j.Done, j.Total, j.CreatedAt)).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The last finished scan's job when it failed (the page says so), otherwise null.</summary>
    public async Task<BackgroundJob?> LastFailureAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var last = await store.Jobs.AsNoTracking().Where(j => j.Kind == JobKind && j.FinishedAt != null).OrderByDescending(j => j.Id).FirstOrDefaultAsync(cancellationToken);
        return last is { Status: JobStatus.Failed } ? last : null;
    }

    /// <summary>Stores a pass's report as a snapshot and trims the oldest beyond <see cref="QualityOptions.SnapshotsKept"/>.</summary>
    public async Task<long> SaveAsync(QualityReport report, TimeSpan duration, string trigger, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var snapshot = new QualitySnapshot
        {
            TakenAt = report.TakenAt, Profiles = report.Profiles, Completeness = report.Completeness, Validity = report.Validity,
            Stale = report.Stale, OpenReviews = report.OpenReviews, QuarantineOpen = report.QuarantineOpen,
            DurationMs = (long)duration.TotalMilliseconds, Trigger = trigger.Length <= 256 ? trigger : trigger[..256], ReportJson = QualityReport.Write(report),
        };
        store.QualitySnapshots.Add(snapshot);
        await store.SaveChangesAsync(cancellationToken);
        // Keep the trend bounded: the oldest snapshots beyond the configured number go.
        var keep = options.Value.SnapshotsKept;
        var cutoff = await store.QualitySnapshots.OrderByDescending(s => s.Id).Skip(keep).Select(s => (long?)s.Id).FirstOrDefaultAsync(cancellationToken);
        if (cutoff is { } oldest) await store.QualitySnapshots.Where(s => s.Id <= oldest).ExecuteDeleteAsync(cancellationToken);
        return snapshot.Id;
    }

    private static IQueryable<BackgroundJob> Pending(ProfileStore store) =>
        store.Jobs.Where(j => j.Kind == JobKind && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running)).OrderBy(j => j.Id);
}
