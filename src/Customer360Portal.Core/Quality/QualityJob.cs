using System.Diagnostics;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Quality;

/// <summary>
/// Takes quality snapshots: when an admin asked for one ("Refresh now") and, when enabled, every
/// <see cref="QualityOptions.Interval"/>. Progress goes on the job row (read between the scan's short queries) and to
/// open pages through <see cref="QualitySnapshots.Changed"/>. A failed pass is recorded on its job and logged by type only.
/// </summary>
public sealed class QualityJob(IDbContextFactory<ProfileStore> stores, QualityScan scan, QualitySnapshots snapshots, IOptions<QualityOptions> options,
    TimeProvider clock, ILogger<QualityJob> logger) : BackgroundService
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        do
        {
            try
            {
                await RunDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError("Data quality pass failed: {ExceptionType}", e.GetType().FullName);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Runs a requested scan, or a scheduled one when the latest snapshot is older than the interval. Returns the job id run, if any.</summary>
    public async Task<long?> RunDueAsync(CancellationToken cancellationToken = default)
    {
        long jobId;
        string trigger;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            var job = await store.Jobs.Where(j => j.Kind == QualitySnapshots.JobKind && j.Status == JobStatus.Queued).OrderBy(j => j.Id).FirstOrDefaultAsync(cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            if (job is null)
            {
                if (!options.Value.Enabled) return null;
                var latest = await store.QualitySnapshots.MaxAsync(s => (DateTime?)s.TakenAt, cancellationToken);
                if (latest is { } taken && now - taken < options.Value.Interval) return null;
                job = new BackgroundJob { Kind = QualitySnapshots.JobKind, Status = JobStatus.Queued, CreatedAt = now, Target = QualitySnapshots.ScheduledTrigger };
                store.Jobs.Add(job);
            }
            job.Status = JobStatus.Running;
            job.StartedAt = now;
            await store.SaveChangesAsync(cancellationToken);
            (jobId, trigger) = (job.Id, job.Target ?? QualitySnapshots.ScheduledTrigger);
        }
        snapshots.Publish();

        var watch = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        long done = 0, total = 0;
        string message;
        JobStatus status;
        try
        {
            var report = await scan.RunAsync((d, t) =>
            {
                (done, total) = (d, t);
                if (watch.Elapsed - lastReport < ProgressEvery) return;
                lastReport = watch.Elapsed;
                // Progress is a short single-row write between the scan's reads.
                using var store = stores.CreateDbContext();
                store.Jobs.Where(j => j.Id == jobId).ExecuteUpdate(u => u.SetProperty(j => j.Done, d).SetProperty(j => j.Total, t));
                snapshots.Publish();
            }, cancellationToken);
            await snapshots.SaveAsync(report, watch.Elapsed, trigger, cancellationToken);
            (status, done, total) = (JobStatus.Succeeded, report.Profiles, report.Profiles);
            message = $"{report.Profiles:N0} profiles in {watch.Elapsed.TotalSeconds:F1} s";
            logger.LogInformation("Data quality snapshot: {Profiles} profiles in {Seconds:F1} s.", report.Profiles, watch.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            status = JobStatus.Failed;
            message = $"Failed: {e.GetType().Name}.";
            logger.LogError("Data quality job {JobId} failed: {ExceptionType}", jobId, e.GetType().FullName);
        }
        await using (var after = await stores.CreateDbContextAsync(cancellationToken))
            await after.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u
                .SetProperty(j => j.Status, status).SetProperty(j => j.Message, message).SetProperty(j => j.Done, done)
                .SetProperty(j => j.Total, total).SetProperty(j => j.FinishedAt, clock.GetUtcNow().UtcDateTime), cancellationToken);
        snapshots.Publish();
        return jobId;
    }
}
