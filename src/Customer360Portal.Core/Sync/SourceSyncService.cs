using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Customer360Portal.Core.Sync;

/// <summary>
/// One background service per pull or file-drop source. Every second it reads the source's state from the store
/// (so pause, resume and run-now work from any process) and runs a pass when one is due. A failed pass is recorded on
/// the source and logged by type only; the loop goes on.
/// </summary>
public abstract class SourceSyncService(SyncSourceOptions source, SourceRegistry registry, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected SyncSourceOptions Source { get; } = source;
    protected SourceRegistry Registry { get; } = registry;
    protected TimeProvider Clock { get; } = clock;

    /// <summary>Brings everything new from the source into intake; returns how many records it took.</summary>
    protected abstract Task<long> RunPassAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Registry.EnsureSourceAsync(Source.Key, Source.DisplayName, Source.Kind, Source.Connector, trustRank: Source.TrustRank, cancellationToken: stoppingToken);
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1), Clock);
        do
        {
            try
            {
                var state = await Registry.FindAsync(Source.Key, stoppingToken);
                if (state is null || state.State == SyncState.Paused) continue;
                var now = Clock.GetUtcNow().UtcDateTime;
                var due = state.LastRunAt is null || now - state.LastRunAt >= Source.Interval
                    || (state.RunRequestedAt is { } requested && requested > state.LastRunAt);
                if (!due) continue;
                await Registry.MarkRunStartedAsync(Source.Key, stoppingToken);
                var taken = await RunPassAsync(stoppingToken);
                await Registry.MarkRunSucceededAsync(Source.Key, stoppingToken);
                if (taken > 0) logger.LogInformation("Sync {Source}: {Records} records taken.", Source.Key, taken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                var reason = SafeReason(e);
                logger.LogWarning("Sync {Source} failed: {Reason}", Source.Key, reason);
                try { await Registry.ReportFailureAsync(Source.Key, reason, stoppingToken); }
                catch (Exception inner) when (inner is not OperationCanceledException) { logger.LogError("Could not record the failure of {Source}: {Type}", Source.Key, inner.GetType().Name); }
            }
        } while (await ticks.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>What went wrong, in words that carry no record values.</summary>
    internal static string SafeReason(Exception e) => e switch
    {
        HttpRequestException { StatusCode: { } status } => $"The source answered HTTP {(int)status} ({status}).",
        HttpRequestException => "The source could not be reached.",
        TaskCanceledException or TimeoutException => "The source did not answer in time.",
        System.Text.Json.JsonException => "The source sent a page that is not valid JSON.",
        UnauthorizedAccessException => "The drop folder cannot be read or written.",
        IOException => "A file in the drop folder could not be read or moved.",
        _ => $"Unexpected failure ({e.GetType().Name}).",
    };
}
