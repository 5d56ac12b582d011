using System.Text.Json;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Profiles;

/// <summary>A stored source record waiting to reach a profile.</summary>
public sealed record PendingRecord(long SourceRecordId, string SourceKey, NormalisedRecord Record);

/// <summary>
/// Decides which profile each pending record belongs to and projects it onto that profile (golden record, identifiers,
/// timeline, metrics). This is the step identity resolution replaces; the projection loop around it stays.
/// </summary>
public interface IRecordResolver
{
    /// <summary>Runs inside the projection's transaction, which saves what it leaves tracked; must assign every record of the batch to a profile.</summary>
    Task ResolveAsync(ProfileStore store, IReadOnlyList<PendingRecord> batch, CancellationToken cancellationToken);
}

public sealed class ProjectionOptions
{
    public const string Section = "Projection";
    /// <summary>The most records one batch (one write transaction) takes.</summary>
    public int BatchSize { get; set; } = 2_000;
    /// <summary>
    /// How long one batch should hold the store's write lock: batches shrink when one took longer (a busy machine, a
    /// crowded profile) and grow back to <see cref="BatchSize"/> when they are quick, so other writers (sync, jobs,
    /// agents' edits) never wait long behind the projection.
    /// </summary>
    public TimeSpan TargetBatchTime { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
    /// <summary>
    /// Records resolved between two clearings of the change tracker, and between two looks at the clock (a batch stops
    /// early once it has held the lock for <see cref="TargetBatchTime"/>): small enough that a slice of new people stays
    /// quick, large enough that its fixed costs (owner lookup, model) stay small.
    /// </summary>
    public int SliceSize { get; set; } = 200;
}

/// <summary>
/// Walks the source records in id order from a stored mark and hands each batch to the resolver; the mark moves in
/// the same transaction as the batch's effects, so a crash neither skips nor repeats a record.
/// </summary>
public sealed class ProfileProjection(IDbContextFactory<ProfileStore> stores, IRecordResolver resolver, TimeProvider clock,
    IOptions<ProjectionOptions> options, ProfileChangeNotifier notifier, ResolutionGate gate, ILogger<ProfileProjection> logger)
{
    /// <summary>The smallest batch: below it the per-batch work (mark, notification) dominates.</summary>
    public const int MinimumBatch = 25;
    // Starts small and grows while batches are quick: the first batch on a new store or a busy machine must not hold
    // the lock for minutes before the first measurement.
    private int batchSize = Math.Min(options.Value.BatchSize, 4 * MinimumBatch);

    /// <summary>
    /// The next batch's size after a full batch of <paramref name="size"/> took <paramref name="took"/>: scaled toward the
    /// target time, at most halved or doubled at once (one slow batch is not a trend), within [MinimumBatch, maximum].
    /// </summary>
    public static int Adapt(int size, TimeSpan took, TimeSpan target, int maximum)
    {
        var scale = took <= TimeSpan.Zero ? 2.0 : Math.Clamp(target / took, 0.5, 2.0);
        return (int)Math.Clamp(size * scale, Math.Min(MinimumBatch, maximum), maximum);
    }

    public const string Stage = "profile-projection";

    /// <summary>Projects the next batch; returns how many records it took (0 when caught up).</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await gate.Lock.WaitAsync(cancellationToken);
        try
        {
            return await RunBatchAsync(cancellationToken);
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    private async Task<int> RunBatchAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await TryBatchAsync(cancellationToken) is { } taken) return taken;
            // Another projection (a `c360 sync` worker beside the portal projects too) took these records first.
            logger.LogDebug("Projection mark moved by another projection; reading on from it.");
        }
    }

    /// <summary>Projects the next batch from the mark as read; null when another projection moved the mark meanwhile (nothing kept).</summary>
    private async Task<int?> TryBatchAsync(CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var marked = await MarkAsync(store, cancellationToken);
        var after = marked ?? 0;
        var rows = await store.SourceRecords.AsNoTracking()
            .Where(r => r.Id > after)
            .OrderBy(r => r.Id)
            .Take(batchSize)
            .Select(r => new { r.Id, r.SourceKey, r.NormalizedJson })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0) return 0;

        var batch = rows.Select(r => new PendingRecord(r.Id, r.SourceKey,
            JsonSerializer.Deserialize(r.NormalizedJson, IntakeJson.Storage.NormalisedRecord)!)).ToList();

        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        // SQLite's transaction holds the write lock from here: a mark moved since it was read is seen now, before any work.
        if (await MarkAsync(store, cancellationToken) != marked) return null;
        var held = System.Diagnostics.Stopwatch.StartNew();
        var target = options.Value.TargetBatchTime;
        var done = 0;
        foreach (var slice in batch.Chunk(options.Value.SliceSize))
        {
            await resolver.ResolveAsync(store, slice, cancellationToken);
            await store.SaveChangesAsync(cancellationToken);
            // Every save compares each tracked row with its snapshot, and resolution saves once per new profile: a
            // tracker that kept a whole batch of new people made the batch quadratic (2,000 demo records held the lock
            // 10-18 s). A slice's rows are saved; the next slice reads them back as it needs them.
            store.ChangeTracker.Clear();
            done += slice.Length;
            // The batch size is a guess from the last batch; the time is the promise to other writers.
            if (held.Elapsed > target) break;
        }
        // The mark moves only from where this batch started (compare and set): two projections on one store, which
        // projected every record twice, now keep one batch and roll the other back. On SQL Server, which does not lock
        // the store, this is what guards it (two first batches on an empty store both insert the mark: the unique key
        // fails one, and its service tries again on the next tick).
        var (through, now) = (rows[done - 1].Id, clock.GetUtcNow().UtcDateTime);
        if (marked is null)
            store.ProcessingMarks.Add(new ProcessingMark { Stage = Stage, LastSourceRecordId = through, UpdatedAt = now });
        else if (await store.ProcessingMarks.Where(m => m.Stage == Stage && m.LastSourceRecordId == after)
                     .ExecuteUpdateAsync(u => u.SetProperty(m => m.LastSourceRecordId, through).SetProperty(m => m.UpdatedAt, now), cancellationToken) == 0)
            return null;
        await store.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var took = held.Elapsed;
        logger.LogDebug("Projection held the write lock {Seconds:0.000} s for {Records} records.", took.TotalSeconds, done);
        if (took > 4 * target)
            logger.LogWarning("Projection held the write lock {Seconds:0.0} s for {Records} records (target {Target:0.0} s); batches shrink.",
                took.TotalSeconds, done, target.TotalSeconds);
        // A short, quick batch (caught up) says nothing about the time a full one takes; a slow or cut-short one is
        // scaled to the time a full batch would have taken.
        if (rows.Count == batchSize || took > target) batchSize = Adapt(batchSize, took * ((double)batchSize / done), target, options.Value.BatchSize);

        notifier.Publish(done);
        if (notifier.WatchesProfiles)
        {
            // After the commit, so a page that reloads on the news reads what it announces.
            var first = rows[0].Id;
            var last = rows[done - 1].Id;
            notifier.PublishProfiles(await store.SourceRecords.AsNoTracking().Where(r => r.Id >= first && r.Id <= last && r.CustomerId != null)
                .Select(r => r.CustomerId!.Value).Distinct().ToListAsync(cancellationToken));
        }
        return done;
    }

    private static Task<long?> MarkAsync(ProfileStore store, CancellationToken cancellationToken) =>
        store.ProcessingMarks.AsNoTracking().Where(m => m.Stage == Stage).Select(m => (long?)m.LastSourceRecordId).SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Runs batches until nothing is pending. With <paramref name="turns"/> (the background service) it lets other
    /// writers in between batches; benchmarks, tests and the CLI run flat out.
    /// </summary>
    public async Task<long> CatchUpAsync(CancellationToken cancellationToken = default, WriteTurns? turns = null)
    {
        long total = 0;
        int taken;
        while ((taken = await RunOnceAsync(cancellationToken)) > 0)
        {
            total += taken;
            if (turns is not null) await turns.AfterCommitAsync(cancellationToken);
        }
        return total;
    }
}

/// <summary>Tells open pages that profiles changed, so they refresh without reload.</summary>
public sealed class ProfileChangeNotifier
{
    /// <summary>Records were projected (their number); pages that show totals refresh.</summary>
    public event Action<int>? Changed;

    /// <summary>These profiles changed (new records, notes...); an open profile page among them reloads.</summary>
    public event Action<IReadOnlyCollection<long>>? ProfilesChanged;

    /// <summary>Whether anyone listens for profile ids, so the projection looks them up only then.</summary>
    public bool WatchesProfiles => ProfilesChanged is not null;

    public void Publish(int records) => Changed?.Invoke(records);

    public void PublishProfiles(IReadOnlyCollection<long> customerIds)
    {
        if (customerIds.Count > 0) ProfilesChanged?.Invoke(customerIds);
    }
}

/// <summary>The background loop: one pass per tick, a failure is logged and the next tick tries again.</summary>
public sealed class ProfileProjectionService(ProfileProjection projection, IDbContextFactory<ProfileStore> stores, MatchModelProvider models, IOptions<ProjectionOptions> options,
    TimeProvider clock, ILogger<ProfileProjectionService> logger) : BackgroundService
{
    private static readonly TimeSpan TrainingCheckInterval = TimeSpan.FromMinutes(1);
    private DateTimeOffset lastTrainingCheck = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        do
        {
            try
            {
                var projected = await projection.CatchUpAsync(stoppingToken, WriteTurns.For(stores));
                // Once the store has enough people, the match model is learnt from them (EM) instead of the bootstrap
                // one. Checking counts profiles, so it runs only after new records, and at most once a minute.
                var now = clock.GetUtcNow();
                if (projected > 0 && now - lastTrainingCheck >= TrainingCheckInterval)
                {
                    lastTrainingCheck = now;
                    if (await models.TrainIfDueAsync(stoppingToken))
                        logger.LogInformation("Trained a new match model from the profile store.");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Type only: messages can quote record values.
                logger.LogError("Profile projection pass failed: {ExceptionType}", e.GetType().FullName);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public static class ProfilesSetup
{
    public static IHostApplicationBuilder AddProfiles(this IHostApplicationBuilder builder, bool runInBackground = true)
    {
        builder.Services.AddOptions<ProjectionOptions>().BindConfiguration(ProjectionOptions.Section)
            .Validate(o => o.BatchSize >= 1 && o.SliceSize >= 1 && o.TargetBatchTime > TimeSpan.Zero, "Projection needs a BatchSize and SliceSize of at least 1 and a positive TargetBatchTime.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ProfileChangeNotifier>();
        builder.AddIdentityResolution(runInBackground);
        builder.Services.AddSingleton<ProfileProjection>();
        if (runInBackground)
            builder.Services.AddHostedService<ProfileProjectionService>();
        return builder;
    }
}
