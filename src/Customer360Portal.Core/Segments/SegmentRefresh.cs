using System.Diagnostics;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Segments;

public sealed record SegmentRefreshResult(long SegmentId, int Size, int Entered, int Exited, int DurationMs);

/// <summary>
/// Recomputes a saved segment's members with an exact count: who entered and who left since the last refresh are
/// stored with the size as a <see cref="SegmentSnapshot"/> (the "over time" chart), members are kept for exports, the
/// API and membership rules of other segments.
/// </summary>
public sealed class SegmentRefresher(IDbContextFactory<ProfileStore> stores, TimeProvider clock, SegmentChangeNotifier notifier,
    IOptions<SegmentOptions> options, ILogger<SegmentRefresher> logger)
{
    private const int WriteChunk = 5_000;

    public async Task<SegmentRefreshResult?> RefreshAsync(long segmentId, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var segment = await store.Segments.SingleOrDefaultAsync(s => s.Id == segmentId, cancellationToken);
        if (segment is null || segment.ArchivedAt is not null) return null;
        List<long> members;
        try
        {
            var rule = SegmentRuleJson.Parse(segment.DefinitionJson);
            var problems = SegmentValidation.Validate(rule);
            if (problems.Count > 0) throw new SegmentRuleException(string.Join(" ", problems));
            members = await SegmentCompiler.Query(store, rule, now).Select(c => c.Id).ToListAsync(cancellationToken);
        }
        catch (SegmentRuleException e)
        {
            segment.RefreshError = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
            segment.RefreshRequestedAt = null;
            await store.SaveChangesAsync(cancellationToken);
            notifier.Changed(segmentId);
            return null;
        }
        var dataAsOf = await store.Customers.MaxAsync(c => (DateTime?)c.UpdatedAt, cancellationToken);
        var before = (await store.SegmentMembers.AsNoTracking().Where(m => m.SegmentId == segmentId).Select(m => m.CustomerId)
            .ToListAsync(cancellationToken)).ToHashSet();
        var after = members.ToHashSet();
        var entered = members.Where(id => !before.Contains(id)).ToList();
        var exited = before.Where(id => !after.Contains(id)).ToList();

        // Short transactions: SQLite has one writer, and intake must not wait behind a large segment.
        var turns = WriteTurns.For(store);
        foreach (var chunk in exited.Chunk(WriteChunk))
        {
            await store.SegmentMembers.Where(m => m.SegmentId == segmentId && chunk.Contains(m.CustomerId)).ExecuteDeleteAsync(cancellationToken);
            await turns.AfterCommitAsync(cancellationToken);
        }
        await store.Database.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in entered.Chunk(WriteChunk))
        {
            await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
            await using (var bulk = BulkRows<SegmentMember>.InsertMany(store, transaction.GetDbTransaction()))
                foreach (var id in chunk) bulk.Write(new SegmentMember { SegmentId = segmentId, CustomerId = id, EnteredAt = now });
            await transaction.CommitAsync(cancellationToken);
            await turns.AfterCommitAsync(cancellationToken);
        }
        var duration = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        store.SegmentSnapshots.Add(new SegmentSnapshot
        {
            SegmentId = segmentId, Version = segment.Version, ComputedAt = now, DataAsOf = dataAsOf, Size = members.Count, Entered = entered.Count,
            Exited = exited.Count, DurationMs = duration,
        });
        segment.Size = members.Count;
        segment.RefreshedAt = now;
        segment.DataAsOf = dataAsOf;
        segment.RefreshError = null;
        // A request made while this refresh ran stays for the next pass.
        if (segment.RefreshRequestedAt <= now) segment.RefreshRequestedAt = null;
        await store.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Segment {SegmentId} refreshed: {Size} members, {Entered} entered, {Exited} exited in {Ms} ms.",
            segmentId, members.Count, entered.Count, exited.Count, duration);
        notifier.Changed(segmentId);
        return new SegmentRefreshResult(segmentId, members.Count, entered.Count, exited.Count, duration);
    }

    /// <summary>
    /// Refreshes what is due: segments someone asked to refresh, then those older than the refresh interval. Segments
    /// that other segments' rules use go first, so a dependant sees fresh members.
    /// </summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var staleBefore = clock.GetUtcNow().UtcDateTime - options.Value.RefreshInterval;
        List<Segment> due;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            due = await store.Segments.AsNoTracking()
                .Where(s => s.ArchivedAt == null && (s.RefreshRequestedAt != null || s.RefreshedAt == null || s.RefreshedAt < staleBefore))
                .ToListAsync(cancellationToken);
        var used = due.SelectMany(s => SegmentRuleJson.TryParse(s.DefinitionJson, out var r, out _) ? SegmentCatalog.References(r!) : []).ToHashSet();
        var refreshed = 0;
        foreach (var segment in due.OrderBy(s => s.RefreshRequestedAt is null).ThenBy(s => used.Contains(s.Id) ? 0 : 1).ThenBy(s => s.Id))
            if (await RefreshAsync(segment.Id, cancellationToken) is not null) refreshed++;
        return refreshed;
    }
}

/// <summary>The background loop: refreshes due segments on every tick, and at once when someone asks (refresh now, a save).</summary>
public sealed class SegmentRefreshService(SegmentRefresher refresher, SegmentChangeNotifier notifier, IOptions<SegmentOptions> options,
    ILogger<SegmentRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        Task<bool>? tick = null; // a PeriodicTimer allows one pending wait at a time: keep it across request wake-ups
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await refresher.RunDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Type only: messages can quote personal data.
                logger.LogError("Segment refresh pass failed: {ExceptionType}", e.GetType().FullName);
            }
            // Whichever comes first: the next tick or a request.
            tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var request = notifier.WaitForRequestAsync(Timeout.InfiniteTimeSpan, stopWaiting.Token);
            var first = await Task.WhenAny(tick, request);
            if (first == tick) tick = null;
            await stopWaiting.CancelAsync();
            try { await request; } catch (OperationCanceledException) { }
            if (tick is { IsCompleted: true }) tick = null;
        }
    }
}
