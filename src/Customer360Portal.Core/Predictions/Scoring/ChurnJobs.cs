using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>Where a churn job is: a phase in words and, when known, how far (Total 0 = no count).</summary>
public sealed record ChurnJobProgress(string Phase, long Done, long Total);

/// <summary>
/// Churn training and scoring as jobs admins start and everyone on the models page watches. Requests are job rows
/// (<see cref="TrainingKind"/> trains then scores with the new version; <see cref="ScoringKind"/> scores with the
/// active one); <see cref="ChurnScoringJob"/> runs them. Live progress stays in memory and is pushed to open pages
/// through <see cref="Changed"/>.
/// </summary>
public sealed class ChurnJobs(IDbContextFactory<ProfileStore> stores, AuditLog audit, TimeProvider clock)
{
    public const string TrainingKind = "churn-training";
    public const string ScoringKind = "churn-scoring";

    /// <summary>The kind of the job running in this process, or null.</summary>
    public string? RunningKind { get; private set; }

    /// <summary>The running job's latest progress, or null when none runs in this process.</summary>
    public ChurnJobProgress? Progress { get; private set; }

    /// <summary>A job was requested, moved on or finished, or a version was activated: open pages reload.</summary>
    public event Action? Changed;

    internal void Report(string kind, ChurnJobProgress progress)
    {
        RunningKind = kind;
        Progress = progress;
        Changed?.Invoke();
    }

    internal void Finished()
    {
        RunningKind = null;
        Progress = null;
        Changed?.Invoke();
    }

    /// <summary>Tells open pages something changed outside a job (a version activated).</summary>
    public void Notify() => Changed?.Invoke();

    /// <summary>Queues a training or scoring run unless one of that kind is queued or running; returns the job's id.</summary>
    public async Task<long> RequestAsync(string kind, AuditActor actor, CancellationToken cancellationToken = default)
    {
        if (kind is not (TrainingKind or ScoringKind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a churn job kind.");
        long id;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            var pending = await store.Jobs.Where(j => j.Kind == kind && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
                .Select(j => (long?)j.Id).FirstOrDefaultAsync(cancellationToken);
            if (pending is { } existing) return existing;
            var job = new BackgroundJob { Kind = kind, Status = JobStatus.Queued, CreatedAt = clock.GetUtcNow().UtcDateTime, RequestedByUserId = actor.UserId };
            store.Jobs.Add(job);
            await store.SaveChangesAsync(cancellationToken);
            id = job.Id;
        }
        await audit.WriteAsync(actor, kind == TrainingKind ? "model.training-requested" : "model.scoring-requested", "job",
            id.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken: cancellationToken);
        Changed?.Invoke();
        return id;
    }

    /// <summary>The latest churn jobs (requested and scheduled), newest first.</summary>
    public async Task<IReadOnlyList<BackgroundJob>> RecentAsync(int take = 10, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.Jobs.AsNoTracking().Where(j => j.Kind == TrainingKind || j.Kind == ScoringKind)
            .OrderByDescending(j => j.Id).Take(take).ToListAsync(cancellationToken);
    }

    /// <summary>Whether a job of this kind waits or runs.</summary>
    public async Task<bool> PendingAsync(string kind, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.Jobs.AnyAsync(j => j.Kind == kind && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running), cancellationToken);
    }
}
