using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Customer360Portal.Core.Sync;

/// <summary>How one sync pass ended.</summary>
public enum SyncPassOutcome
{
    /// <summary>The pass ran to the end: everything new at the source is in intake.</summary>
    Completed,
    /// <summary>The source is paused (no pass ran, or the pass stopped between batches).</summary>
    Paused,
    /// <summary>The pass failed; the source is marked failing with a value-free reason.</summary>
    Failed,
}

/// <param name="Taken">Records handed to intake by this pass (stored, duplicate or quarantined).</param>
/// <param name="Error">For a failed pass: what went wrong, without record values.</param>
public sealed record SyncPassResult(string SourceKey, SyncPassOutcome Outcome, long Taken, string? Error = null);

/// <summary>
/// One background service per pull or file-drop source. Every second it reads the source's state from the store
/// (so pause, resume and run-now work from any process) and runs a pass when one is due. A failed pass is recorded on
/// the source and logged by type only; the loop goes on.
/// </summary>
public abstract class SourceSyncService(SyncSourceOptions source, SourceRegistry registry, TimeProvider clock, ILogger logger) : BackgroundService
{
    private bool registered;
    private bool ranInThisProcess;

    protected SyncSourceOptions Source { get; } = source;
    protected SourceRegistry Registry { get; } = registry;
    protected TimeProvider Clock { get; } = clock;

    /// <summary>The key of the source this service syncs.</summary>
    public string SourceKey => Source.Key;

    /// <summary>Brings everything new from the source into intake; returns how many records it took.</summary>
    protected abstract Task<long> RunPassAsync(CancellationToken cancellationToken);

    /// <summary>
    /// One pass now, whether or not one is due (<c>c360 sync --once</c>, tests): registers the source if needed, skips a
    /// paused source, and records the start, success or failure in the store like the timed loop does. A failure is
    /// reported in the result, not thrown; cancellation is thrown.
    /// </summary>
    public async Task<SyncPassResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await EnsureRegisteredAsync(cancellationToken);
        var state = await Registry.FindAsync(Source.Key, cancellationToken);
        if (state is null || state.State == SyncState.Paused) return new SyncPassResult(Source.Key, SyncPassOutcome.Paused, 0);
        return await RunRecordedPassAsync(cancellationToken);
    }

    /// <summary>
    /// One tick of the loop: runs a pass when one is due (interval elapsed or run-now requested); null when none was.
    /// The first tick of a process always runs one, so a restart after a crash resumes a backfill at once instead of
    /// waiting out the interval since the dead process's last pass.
    /// </summary>
    internal async Task<SyncPassResult?> TickAsync(CancellationToken cancellationToken)
    {
        await EnsureRegisteredAsync(cancellationToken);
        var state = await Registry.FindAsync(Source.Key, cancellationToken);
        if (state is null || state.State == SyncState.Paused) return null;
        var now = Clock.GetUtcNow().UtcDateTime;
        var due = !ranInThisProcess || state.LastRunAt is null || now - state.LastRunAt >= Source.Interval
            || (state.RunRequestedAt is { } requested && requested > state.LastRunAt);
        return due ? await RunRecordedPassAsync(cancellationToken) : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1), Clock);
        do
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The store itself failed (the pass's own failures are recorded in RunRecordedPassAsync). Type only.
                logger.LogError("Sync {Source}: could not check or record the source's state: {Type}", Source.Key, e.GetType().Name);
            }
        } while (await ticks.WaitForNextTickAsync(stoppingToken));
    }

    private async Task EnsureRegisteredAsync(CancellationToken cancellationToken)
    {
        if (registered) return;
        await Registry.EnsureSourceAsync(Source.Key, Source.DisplayName, Source.Kind, Source.Connector, trustRank: Source.TrustRank, cancellationToken: cancellationToken);
        registered = true;
    }

    private async Task<SyncPassResult> RunRecordedPassAsync(CancellationToken cancellationToken)
    {
        ranInThisProcess = true;
        try
        {
            await Registry.MarkRunStartedAsync(Source.Key, cancellationToken);
            var taken = await RunPassAsync(cancellationToken);
            await Registry.MarkRunSucceededAsync(Source.Key, cancellationToken);
            if (taken > 0) logger.LogInformation("Sync {Source}: {Records} records taken.", Source.Key, taken);
            var after = await Registry.FindAsync(Source.Key, cancellationToken);
            return new SyncPassResult(Source.Key, after?.State == SyncState.Paused ? SyncPassOutcome.Paused : SyncPassOutcome.Completed, taken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = SafeReason(e);
            logger.LogWarning("Sync {Source} failed: {Reason}", Source.Key, reason);
            try { await Registry.ReportFailureAsync(Source.Key, reason, cancellationToken); }
            catch (Exception inner) when (inner is not OperationCanceledException) { logger.LogError("Could not record the failure of {Source}: {Type}", Source.Key, inner.GetType().Name); }
            return new SyncPassResult(Source.Key, SyncPassOutcome.Failed, 0, reason);
        }
    }

    /// <summary>What went wrong, in words that carry no record values.</summary>
    internal static string SafeReason(Exception e) => e switch
    {
        HttpRequestException { StatusCode: { } status } => $"The source answered HTTP {(int)status} ({status}).",
        HttpRequestException => "The source could not be reached.",
        TaskCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException => "The source did not answer in time.",
        Polly.CircuitBreaker.BrokenCircuitException => "The source failed repeatedly; calls are paused for a short while (circuit open).",
        System.Text.Json.JsonException => "The source sent a page that is not valid JSON.",
        UnauthorizedAccessException => "The drop folder cannot be read or written.",
        DropFileRejectedException => e.Message, // names the file and the problem, never a value
        IOException => "A file in the drop folder could not be read or moved.",
        _ => $"Unexpected failure ({e.GetType().Name}).",
    };
}
