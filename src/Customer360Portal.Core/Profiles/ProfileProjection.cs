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
    public int BatchSize { get; set; } = 2_000;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Walks the source records in id order from a stored mark and hands each batch to the resolver; the mark moves in
/// the same transaction as the batch's effects, so a crash neither skips nor repeats a record.
/// </summary>
public sealed class ProfileProjection(IDbContextFactory<ProfileStore> stores, IRecordResolver resolver, TimeProvider clock,
    IOptions<ProjectionOptions> options, ProfileChangeNotifier notifier, ResolutionGate gate)
{
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
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var mark = await store.ProcessingMarks.SingleOrDefaultAsync(m => m.Stage == Stage, cancellationToken);
        var after = mark?.LastSourceRecordId ?? 0;
        var rows = await store.SourceRecords.AsNoTracking()
            .Where(r => r.Id > after)
            .OrderBy(r => r.Id)
            .Take(options.Value.BatchSize)
            .Select(r => new { r.Id, r.SourceKey, r.NormalizedJson })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0) return 0;

        var batch = rows.Select(r => new PendingRecord(r.Id, r.SourceKey,
            JsonSerializer.Deserialize(r.NormalizedJson, IntakeJson.Storage.NormalisedRecord)!)).ToList();

        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        await resolver.ResolveAsync(store, batch, cancellationToken);
        if (mark is null)
        {
            mark = new ProcessingMark { Stage = Stage };
            store.ProcessingMarks.Add(mark);
        }
        mark.LastSourceRecordId = rows[^1].Id;
        mark.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await store.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        notifier.Publish(rows.Count);
        if (notifier.WatchesProfiles)
        {
            // After the commit, so a page that reloads on the news reads what it announces.
            var first = rows[0].Id;
            var last = rows[^1].Id;
            notifier.PublishProfiles(await store.SourceRecords.AsNoTracking().Where(r => r.Id >= first && r.Id <= last && r.CustomerId != null)
                .Select(r => r.CustomerId!.Value).Distinct().ToListAsync(cancellationToken));
        }
        return rows.Count;
    }

    /// <summary>Runs batches until nothing is pending (used by benchmarks, tests and the CLI).</summary>
    public async Task<long> CatchUpAsync(CancellationToken cancellationToken = default)
    {
        long total = 0;
        int taken;
        while ((taken = await RunOnceAsync(cancellationToken)) > 0) total += taken;
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
public sealed class ProfileProjectionService(ProfileProjection projection, MatchModelProvider models, IOptions<ProjectionOptions> options,
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
                var projected = await projection.CatchUpAsync(stoppingToken);
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
        builder.Services.AddOptions<ProjectionOptions>().BindConfiguration(ProjectionOptions.Section);
        builder.Services.AddSingleton<ProfileChangeNotifier>();
        builder.AddIdentityResolution(runInBackground);
        builder.Services.AddSingleton<ProfileProjection>();
        if (runInBackground)
            builder.Services.AddHostedService<ProfileProjectionService>();
        return builder;
    }
}
