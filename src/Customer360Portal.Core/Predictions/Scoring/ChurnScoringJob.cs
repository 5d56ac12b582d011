using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>What one job pass did: the training run (null when it only scored) and the scoring pass.</summary>
public sealed record ChurnJobResult(ChurnTrainingResult? Training, ChurnScoringResult Scoring);

/// <summary>
/// Runs churn jobs: every 2 s the oldest requested one ("Train now", "Score now" on the models page), and every
/// <see cref="ChurnScoringOptions.Interval"/> (when enabled) a scheduled pass that trains a new model when there is no
/// active one, it is older than the interval or it was saved in a format this version cannot load, then scores everyone. Each run is a job row with its outcome
/// (scheduled passes that found nothing to do leave none); a failure is recorded on the job and logged by type only.
/// </summary>
public sealed class ChurnScoringJob(IDbContextFactory<ProfileStore> stores, ChurnTraining training, ChurnScoring scoring, ChurnJobs jobs,
    IOptions<ChurnScoringOptions> options, TimeProvider clock, ILogger<ChurnScoringJob> logger) : BackgroundService
{
    private static readonly AuditActor Schedule = AuditActor.System("churn scoring job");
    private static readonly TimeSpan RetryWithoutModel = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(2);

    /// <summary>One scheduled pass: trains when there is no model or it is stale, then scores.</summary>
    public async Task<ChurnJobResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var active = await training.ActiveAsync(cancellationToken);
        var train = active is null || clock.GetUtcNow().UtcDateTime - active.TrainedAt >= options.Value.Interval
            || !await ActiveModelLoadsAsync(active.Id, cancellationToken);
        var started = clock.GetUtcNow().UtcDateTime;
        var (result, status, message) = await RunAsync(train ? ChurnJobs.TrainingKind : ChurnJobs.ScoringKind, train, Schedule, cancellationToken);
        // "Not enough data yet" is retried every few minutes on a new store: only runs that did something, or broke, are kept.
        if (result is null || result.Training is { Trained: true } || result.Scoring.Scored > 0)
        {
            await using var store = await stores.CreateDbContextAsync(cancellationToken);
            store.Jobs.Add(new BackgroundJob
            {
                Kind = train ? ChurnJobs.TrainingKind : ChurnJobs.ScoringKind, Target = "schedule", Status = status, Message = message,
                CreatedAt = started, StartedAt = started, FinishedAt = clock.GetUtcNow().UtcDateTime,
                Done = result?.Scoring.Scored ?? 0, Total = result?.Scoring.Scored ?? 0,
            });
            await store.SaveChangesAsync(cancellationToken);
            jobs.Notify();
        }
        return result ?? throw new InvalidOperationException(message);
    }

    private async Task<bool> ActiveModelLoadsAsync(long id, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var bytes = await store.PredictionModels.Where(m => m.Id == id).Select(m => m.ModelBytes).FirstOrDefaultAsync(cancellationToken);
        return bytes is not null && Churn.ChurnModel.IsCurrentFormat(bytes);
    }

    /// <summary>Runs the oldest requested churn job, if any. True when one ran.</summary>
    public async Task<bool> RunQueuedAsync(CancellationToken cancellationToken = default)
    {
        BackgroundJob? job;
        AuditActor actor;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            job = await store.Jobs.Where(j => (j.Kind == ChurnJobs.TrainingKind || j.Kind == ChurnJobs.ScoringKind) && j.Status == JobStatus.Queued)
                .OrderBy(j => j.Id).FirstOrDefaultAsync(cancellationToken);
            if (job is null) return false;
            job.Status = JobStatus.Running;
            job.StartedAt = clock.GetUtcNow().UtcDateTime;
            await store.SaveChangesAsync(cancellationToken);
            var userName = job.RequestedByUserId is null ? null
                : await store.Users.Where(u => u.Id == job.RequestedByUserId).Select(u => u.UserName).FirstOrDefaultAsync(cancellationToken);
            actor = job.RequestedByUserId is null ? Schedule : new AuditActor(job.RequestedByUserId, userName ?? "unknown user");
        }
        jobs.Notify();
        var (result, status, message) = await RunAsync(job.Kind, job.Kind == ChurnJobs.TrainingKind, actor, cancellationToken);
        await using var after = await stores.CreateDbContextAsync(cancellationToken);
        var scored = result?.Scoring.Scored ?? 0;
        await after.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.Status, status).SetProperty(j => j.Message, message).SetProperty(j => j.Done, scored)
            .SetProperty(j => j.Total, scored).SetProperty(j => j.FinishedAt, clock.GetUtcNow().UtcDateTime), cancellationToken);
        jobs.Notify();
        return true;
    }

    /// <summary>Trains (when asked; scoring follows only when a version is active) and scores; never throws but on cancellation.</summary>
    private async Task<(ChurnJobResult? Result, JobStatus Status, string Message)> RunAsync(string kind, bool train, AuditActor actor,
        CancellationToken cancellationToken)
    {
        try
        {
            ChurnTrainingResult? trained = null;
            if (train)
            {
                trained = await training.TrainAsync(options.Value, actor, new InlineProgress<ChurnJobProgress>(p => jobs.Report(kind, p)), cancellationToken);
                if (trained.Trained) logger.LogInformation("Churn model {Version} trained on {Rows} customers, {Validation} AUC {Auc:0.000}.",
                    trained.Version, trained.TrainingRows, trained.Metrics!.Validation, trained.Metrics.Auc);
                else logger.LogInformation("No churn model trained: {Message}", trained.Message);
            }
            jobs.Report(kind, new ChurnJobProgress("Scoring customers", 0, 0));
            var scored = await scoring.ScoreAllAsync(cancellationToken);
            logger.LogInformation("Churn scoring: {Scored} scored, {Skipped} skipped, {Removed} removed.", scored.Scored, scored.Skipped, scored.Removed);
            var message = trained is null ? scored.Message : $"{trained.Message} {scored.Message}";
            // Asked to train but could not (too little data): the run did not do what was asked.
            return (new ChurnJobResult(trained, scored), trained is { Trained: false } ? JobStatus.Failed : JobStatus.Succeeded, message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Type only: messages can quote data.
            logger.LogError("Churn {Kind} job failed: {ExceptionType}", kind, e.GetType().FullName);
            return (null, JobStatus.Failed, $"Failed: {e.GetType().Name}. The active model and the existing scores were kept.");
        }
        finally
        {
            jobs.Finished();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var nextScheduled = clock.GetUtcNow();
        using var timer = new PeriodicTimer(Tick, clock);
        do
        {
            try
            {
                while (await RunQueuedAsync(stoppingToken)) { }
                if (options.Value.Enabled && clock.GetUtcNow() >= nextScheduled)
                {
                    nextScheduled = clock.GetUtcNow() + options.Value.Interval;
                    var result = await RunOnceAsync(stoppingToken);
                    // A new store (or a demo still filling up) has too little to learn from: look again soon, not in a day.
                    if (result.Training is { Trained: false } && await training.ActiveAsync(stoppingToken) is null && options.Value.Interval > RetryWithoutModel)
                        nextScheduled = clock.GetUtcNow() + RetryWithoutModel;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError("Churn job pass failed: {ExceptionType}", e.GetType().FullName);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; posts to the thread pool and may reorder or lag).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

public static class PredictionsSetup
{
    public static IHostApplicationBuilder AddPredictions(this IHostApplicationBuilder builder, bool runInBackground = true)
    {
        builder.Services.AddOptions<ChurnScoringOptions>().BindConfiguration(ChurnScoringOptions.Section)
            .Validate(o => o.HorizonDays > 0 && o.Interval > TimeSpan.Zero && o.MinimumCustomers > 0,
                "Predictions:Churn needs HorizonDays > 0, Interval > 0 and MinimumCustomers > 0.")
            .Validate(o => string.IsNullOrWhiteSpace(o.CancellationTrait) || o.CancellationTrait.IndexOf('=') > 0,
                "Predictions:Churn:CancellationTrait must read key=value, e.g. subscription_status=cancelled.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<AuditLog>();
        builder.Services.TryAddSingleton<ConsentCheck>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ChurnTraining>();
        builder.Services.AddSingleton<ChurnScoring>();
        builder.Services.AddSingleton<ChurnJobs>();
        builder.Services.AddSingleton<ChurnScoringJob>();
        if (runInBackground)
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ChurnScoringJob>());
        return builder;
    }
}
