using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Insights;

/// <summary>Settings of the insights job (section "Insights").</summary>
public sealed class InsightsOptions
{
    public const string Section = "Insights";

    /// <summary>Whether the background job computes the dashboard's snapshots.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the snapshots are refreshed (incrementally).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often revenue, journeys and source contributions are recomputed from scratch.</summary>
    public TimeSpan FullRebuildInterval { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>
/// Runs insights refresh passes, on schedule or on request, one at a time, each recorded as a <see cref="BackgroundJob"/>
/// (kind <see cref="Kind"/>) with its progress, and tells open dashboards when new figures are in (<see cref="Changed"/>).
/// Requests are rows, not memory, so a request from any web node is picked up by whichever node runs the job.
/// </summary>
public sealed class InsightsJob(IDbContextFactory<ProfileStore> stores, InsightsRefresh refresh, IOptions<InsightsOptions> options,
    AuditLog audit, TimeProvider clock, ILogger<InsightsJob> logger)
{
    public const string Kind = "insights-refresh";
    /// <summary>A pass still "running" after this long was cut off (a restart): it no longer blocks requests or passes.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(2);
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    /// <summary>A pass started, progressed or finished: dashboards reload.</summary>
    public event Action? Changed;

    /// <summary>Queues a refresh (or returns the one already waiting or running).</summary>
    public async Task<long> RequestAsync(AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var staleBefore = clock.GetUtcNow().UtcDateTime - StaleAfter;
        var pending = await store.Jobs.Where(j => j.Kind == Kind && (j.Status == JobStatus.Queued || (j.Status == JobStatus.Running && j.StartedAt > staleBefore)))
            .Select(j => (long?)j.Id).FirstOrDefaultAsync(cancellationToken);
        if (pending is { } id) return id;
        var job = new BackgroundJob
        {
            Kind = Kind, Status = JobStatus.Queued, Total = InsightsRefresh.Steps, CreatedAt = clock.GetUtcNow().UtcDateTime,
            RequestedByUserId = actor.UserId ?? actor.Name,
        };
        store.Jobs.Add(job);
        await store.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(actor, "insights.refresh-requested", "job", job.Id.ToString(CultureInfo.InvariantCulture), cancellationToken: cancellationToken);
        Changed?.Invoke();
        return job.Id;
    }

    /// <summary>Runs a queued request, or a scheduled pass when the last one is older than the interval; false when neither is due.</summary>
    public async Task<bool> RunIfDueAsync(CancellationToken cancellationToken = default)
    {
        BackgroundJob? queued;
        DateTime? lastStarted;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            queued = await store.Jobs.AsNoTracking().Where(j => j.Kind == Kind && j.Status == JobStatus.Queued).OrderBy(j => j.Id).FirstOrDefaultAsync(cancellationToken);
            lastStarted = await store.Jobs.Where(j => j.Kind == Kind && j.Status != JobStatus.Queued).MaxAsync(j => (DateTime?)(j.StartedAt ?? j.CreatedAt), cancellationToken);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (queued is null && lastStarted is { } last && now - last < options.Value.Interval) return false;
        await RunOnceAsync(queued?.Id, cancellationToken);
        return true;
    }

    /// <summary>One refresh pass, recorded on the given queued job row or a new one; rebuild forces a full recomputation.</summary>
    public async Task<InsightsRefreshResult?> RunOnceAsync(long? queuedJobId = null, CancellationToken cancellationToken = default, bool rebuild = false)
    {
        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            // Another node is running a pass: running two at once would count the same stage moves twice.
            if (await StartAsync(queuedJobId, cancellationToken) is not { } jobId) return null;
            Changed?.Invoke();
            try
            {
                var result = await refresh.RunAsync(rebuild, options.Value.FullRebuildInterval,
                    new Progress<int>(done => _ = ReportAsync(jobId, done)), cancellationToken);
                var message = string.Create(CultureInfo.InvariantCulture,
                    $"{(result.Rebuilt ? "Rebuilt" : "Refreshed")} in {result.Took.TotalSeconds:0.0} s: {result.StageMoves} stage move(s), {result.NewOrders} order(s), {result.NewJourneys} first purchase(s).");
                await FinishAsync(jobId, JobStatus.Succeeded, message, CancellationToken.None);
                logger.LogInformation("Insights: {Message}", message);
                return result;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Type only: messages can quote data.
                logger.LogError("Insights refresh failed: {ExceptionType}", e.GetType().FullName);
                await FinishAsync(jobId, JobStatus.Failed, $"Failed: {e.GetType().Name}. The previous figures stay on the dashboard.", CancellationToken.None);
                return null;
            }
        }
        finally
        {
            oneAtATime.Release();
            Changed?.Invoke();
        }
    }

    /// <summary>
    /// Claims the pass: marks the job row running unless another pass is (checked and written in one serializable
    /// transaction, so two nodes cannot both start); null when another pass runs.
    /// </summary>
    private async Task<long?> StartAsync(long? queuedJobId, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await using var transaction = await store.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var staleBefore = now - StaleAfter;
        if (await store.Jobs.AnyAsync(j => j.Kind == Kind && j.Status == JobStatus.Running && j.StartedAt > staleBefore, cancellationToken)) return null;
        var job = queuedJobId is { } id ? await store.Jobs.SingleAsync(j => j.Id == id, cancellationToken) : null;
        if (job is null) store.Jobs.Add(job = new BackgroundJob { Kind = Kind, CreatedAt = now, Total = InsightsRefresh.Steps });
        job.Status = JobStatus.Running;
        job.StartedAt = now;
        await store.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return job.Id;
    }

    private async Task ReportAsync(long jobId, int done)
    {
        try
        {
            await using var store = await stores.CreateDbContextAsync();
            await store.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Running).ExecuteUpdateAsync(u => u.SetProperty(j => j.Done, done));
            Changed?.Invoke();
        }
        catch (Exception e)
        {
            // Progress is a courtesy; the pass goes on.
            logger.LogWarning("Insights progress not recorded: {ExceptionType}", e.GetType().FullName);
        }
    }

    private async Task FinishAsync(long jobId, JobStatus status, string message, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await store.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.Status, status).SetProperty(j => j.Message, message).SetProperty(j => j.FinishedAt, now)
            .SetProperty(j => j.Done, j => status == JobStatus.Succeeded ? j.Total : j.Done), cancellationToken);
    }
}

/// <summary>The background loop: looks every few seconds for a request or a due pass; a failed pass never stops it.</summary>
public sealed class InsightsJobService(InsightsJob job, IOptions<InsightsOptions> options, TimeProvider clock, ILogger<InsightsJobService> logger)
    : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        using var timer = new PeriodicTimer(Poll, clock);
        do
        {
            try
            {
                await job.RunIfDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError("Insights job loop failed: {ExceptionType}", e.GetType().FullName);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public static class InsightsSetup
{
    public static IHostApplicationBuilder AddInsights(this IHostApplicationBuilder builder, bool runInBackground = true)
    {
        builder.Services.AddOptions<InsightsOptions>().BindConfiguration(InsightsOptions.Section)
            .Validate(o => o.Interval > TimeSpan.Zero && o.FullRebuildInterval > TimeSpan.Zero, "Insights needs a positive Interval and FullRebuildInterval.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<AuditLog>();
        builder.Services.AddSingleton<InsightsRefresh>();
        builder.Services.AddSingleton<InsightsReader>();
        builder.Services.AddSingleton<InsightsJob>();
        if (runInBackground)
            builder.Services.AddHostedService<InsightsJobService>();
        return builder;
    }
}
