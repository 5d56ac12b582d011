using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>What one job pass did: the training run (null when the active model was recent enough) and the scoring pass.</summary>
public sealed record ChurnJobResult(ChurnTrainingResult? Training, ChurnScoringResult Scoring);

/// <summary>
/// Every <see cref="ChurnScoringOptions.Interval"/>: trains a new churn model when there is no active one or it is
/// older than the interval, then scores everyone.
/// </summary>
public sealed class ChurnScoringJob(ChurnTraining training, ChurnScoring scoring, IOptions<ChurnScoringOptions> options,
    TimeProvider clock, ILogger<ChurnScoringJob> logger) : BackgroundService
{
    private static readonly AuditActor Actor = AuditActor.System("churn scoring job");
    private static readonly TimeSpan RetryWithoutModel = TimeSpan.FromMinutes(5);

    public async Task<ChurnJobResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var active = await training.ActiveAsync(cancellationToken);
        ChurnTrainingResult? trained = null;
        if (active is null || clock.GetUtcNow().UtcDateTime - active.TrainedAt >= settings.Interval)
        {
            trained = await training.TrainAsync(settings, Actor, cancellationToken);
            if (trained.Trained) logger.LogInformation("Churn model {Version} trained on {Rows} customers, AUC {Auc:0.000}.",
                trained.Version, trained.TrainingRows, trained.Metrics!.Auc);
            else logger.LogInformation("No churn model trained: {Message}", trained.Message);
        }
        var scored = await scoring.ScoreAllAsync(cancellationToken);
        logger.LogInformation("Churn scoring: {Scored} scored, {Skipped} skipped, {Removed} removed.", scored.Scored, scored.Skipped, scored.Removed);
        return new ChurnJobResult(trained, scored);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = options.Value.Interval;
            try
            {
                var result = await RunOnceAsync(stoppingToken);
                // A new store (or a demo still filling up) has too little to learn from: look again soon, not in a day.
                if (result.Training is { Trained: false } && await training.ActiveAsync(stoppingToken) is null && next > RetryWithoutModel)
                    next = RetryWithoutModel;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Type only: messages can quote data.
                logger.LogError("Churn scoring pass failed: {ExceptionType}", e.GetType().FullName);
            }
            await Task.Delay(next, clock, stoppingToken);
        }
    }
}

public static class PredictionsSetup
{
    public static IHostApplicationBuilder AddPredictions(this IHostApplicationBuilder builder, bool runInBackground = true)
    {
        builder.Services.AddOptions<ChurnScoringOptions>().BindConfiguration(ChurnScoringOptions.Section)
            .Validate(o => o.HorizonDays > 0 && o.Interval > TimeSpan.Zero && o.MinimumCustomers > 0,
                "Predictions:Churn needs HorizonDays > 0, Interval > 0 and MinimumCustomers > 0.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<AuditLog>();
        builder.Services.TryAddSingleton<ConsentCheck>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ChurnTraining>();
        builder.Services.AddSingleton<ChurnScoring>();
        builder.Services.AddSingleton<ChurnScoringJob>();
        if (runInBackground)
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ChurnScoringJob>());
        return builder;
    }
}
