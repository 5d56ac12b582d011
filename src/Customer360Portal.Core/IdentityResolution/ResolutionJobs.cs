using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>
/// Admins ask for a full re-resolution; it runs in the background (one at a time) and reports progress. The job row
/// holds the request and the outcome; live progress stays in memory, because the run holds the store's write lock
/// while it persists and nothing else could write progress meanwhile.
/// </summary>
public sealed class ResolutionJobs(IDbContextFactory<ProfileStore> stores, TimeProvider clock)
{
    public const string Kind = "re-resolution";

    /// <summary>The running job's latest progress, or null when none runs in this process.</summary>
    public FullResolutionProgress? Progress { get; internal set; }
    public event Action? Changed;

    internal void Report(FullResolutionProgress progress)
    {
        Progress = progress;
        Changed?.Invoke();
    }

    internal void Finished()
    {
        Progress = null;
        Changed?.Invoke();
    }

    /// <summary>Queues a run unless one is queued or running; returns the job's id.</summary>
    public async Task<long> RequestAsync(AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var pending = await store.Jobs.Where(j => j.Kind == Kind && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
            .Select(j => (long?)j.Id).FirstOrDefaultAsync(cancellationToken);
        if (pending is { } id) return id;
        var now = clock.GetUtcNow().UtcDateTime;
        var job = new BackgroundJob { Kind = Kind, Status = JobStatus.Queued, CreatedAt = now, RequestedByUserId = actor.UserId ?? actor.Name };
        store.Jobs.Add(job);
        store.AuditLog.Add(new AuditEntry { At = now, UserId = actor.UserId, UserName = actor.Name, Action = "resolution.full-run-requested", TargetType = "job" });
        await store.SaveChangesAsync(cancellationToken);
        Changed?.Invoke();
        return job.Id;
    }

    public async Task<IReadOnlyList<BackgroundJob>> RecentAsync(int take = 10, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.Jobs.AsNoTracking().Where(j => j.Kind == Kind).OrderByDescending(j => j.Id).Take(take).ToListAsync(cancellationToken);
    }
}

/// <summary>Runs queued re-resolution jobs, one pass per tick; a failure is recorded on the job and logged by type only.</summary>
public sealed class ResolutionJobService(IDbContextFactory<ProfileStore> stores, FullResolution resolution, ResolutionJobs jobs,
    TimeProvider clock, ILogger<ResolutionJobService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2), clock);
        do
        {
            try
            {
                await RunQueuedAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError("Re-resolution pass failed: {ExceptionType}", e.GetType().FullName);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RunQueuedAsync(CancellationToken cancellationToken)
    {
        long jobId;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            var job = await store.Jobs.Where(j => j.Kind == ResolutionJobs.Kind && j.Status == JobStatus.Queued).OrderBy(j => j.Id).FirstOrDefaultAsync(cancellationToken);
            if (job is null) return;
            job.Status = JobStatus.Running;
            job.StartedAt = clock.GetUtcNow().UtcDateTime;
            await store.SaveChangesAsync(cancellationToken);
            jobId = job.Id;
        }
        string message;
        JobStatus status;
        long done = 0, total = 0;
        try
        {
            var report = await resolution.RunAsync(new InlineProgress(jobs.Report), cancellationToken);
            (status, done, total) = (JobStatus.Succeeded, report.Records, report.Records);
            message = $"{report.Records:N0} records ({report.PersonRecords:N0} describing people) into {report.Profiles:N0} profiles; " +
                      $"{report.Merges:N0} profiles redirected, {report.Reviews:N0} pairs for review; {report.Elapsed.TotalSeconds:F1} s";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            status = JobStatus.Failed;
            message = $"Failed: {e.GetType().Name}. Nothing was changed (the run is one transaction).";
            logger.LogError("Re-resolution job {JobId} failed: {ExceptionType}", jobId, e.GetType().FullName);
        }
        finally
        {
            jobs.Finished();
        }
        await using var after = await stores.CreateDbContextAsync(cancellationToken);
        await after.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.Status, status).SetProperty(j => j.Message, message).SetProperty(j => j.Done, done)
            .SetProperty(j => j.Total, total).SetProperty(j => j.FinishedAt, clock.GetUtcNow().UtcDateTime), cancellationToken);
    }
}

/// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; posts to the thread pool and may reorder or lag).</summary>
internal sealed class InlineProgress(Action<FullResolutionProgress> report) : IProgress<FullResolutionProgress>
{
    public void Report(FullResolutionProgress value) => report(value);
}
