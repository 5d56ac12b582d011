using System.Globalization;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Privacy;

public sealed class RetentionOptions
{
    public const string Section = "Privacy:Retention";

    /// <summary>Interactions older than this are deleted with the source records behind them; null keeps them forever.</summary>
    public TimeSpan? InteractionMaxAge { get; set; }

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Applies the retention policy: interactions past their age are deleted together with the source records they came
/// from, so no rebuild or re-resolution brings them back. Profile metrics (lifetime value, order count) keep their
/// totals: they are aggregates, not the events. Each run is audited with its counts.
/// </summary>
public sealed class RetentionPolicy(IDbContextFactory<ProfileStore> stores, IOptions<RetentionOptions> options, TimeProvider clock)
{
    private const int BatchSize = 2_000;

    /// <summary>Deletes what is past the age; returns (interactions, source records) deleted.</summary>
    public async Task<(int Interactions, int SourceRecords)> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        if (options.Value.InteractionMaxAge is not { } maxAge) return (0, 0);
        var now = clock.GetUtcNow().UtcDateTime;
        var cutoff = now - maxAge;
        int interactions = 0, records = 0;
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        while (true)
        {
            var batch = await store.Interactions.AsNoTracking().Where(i => i.OccurredAt < cutoff).OrderBy(i => i.Id).Take(BatchSize)
                .Select(i => new { i.Id, i.SourceRecordId }).ToListAsync(cancellationToken);
            if (batch.Count == 0) break;
            var ids = batch.Select(b => b.Id).ToList();
            var recordIds = batch.Where(b => b.SourceRecordId != null).Select(b => b.SourceRecordId!.Value).Distinct().ToList();
            await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
            interactions += await store.Interactions.Where(i => ids.Contains(i.Id)).ExecuteDeleteAsync(cancellationToken);
            records += await store.SourceRecords.Where(r => recordIds.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        if (interactions > 0)
        {
            store.AuditLog.Add(new AuditEntry
            {
                At = now, UserName = "retention", Action = "retention.applied", TargetType = "interactions",
                Details = string.Create(CultureInfo.InvariantCulture, $"{interactions} interactions and {records} source records older than {cutoff:yyyy-MM-dd} deleted"),
            });
            await store.SaveChangesAsync(cancellationToken);
        }
        return (interactions, records);
    }
}

public sealed class RetentionService(RetentionPolicy policy, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.InteractionMaxAge is null) return;
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        do
        {
            try
            {
                var (interactions, records) = await policy.RunOnceAsync(stoppingToken);
                if (interactions > 0) logger.LogInformation("Retention deleted {Interactions} interactions and {Records} source records.", interactions, records);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError("Retention pass failed: {ExceptionType}", e.GetType().FullName);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
