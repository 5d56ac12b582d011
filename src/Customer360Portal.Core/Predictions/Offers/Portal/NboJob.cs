using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Predictions.Offers.Portal;

/// <summary>What one pass did: the training run (null when the active model was recent enough) and the scoring pass.</summary>
public sealed record NboJobResult(NboTrainingResult? Training, NboScoringResult Scoring);

/// <summary>Tells open pages that a next-best-offer pass finished.</summary>
public sealed class NboNotifier
{
    public event Action<NboJobResult>? Finished;

    public void Publish(NboJobResult result) => Finished?.Invoke(result);
}

/// <summary>
/// Every <see cref="NboOptions.Interval"/>: trains a new offer model when there is none or the active one is older
/// than the interval, then ranks offers for everyone. <see cref="RunNowAsync"/> is the on-demand run (always trains).
/// </summary>
public sealed class NboJob(NboTraining training, NboScoring scoring, IOptions<NboOptions> options, TimeProvider clock, NboNotifier notifier,
    ILogger<NboJob> logger) : BackgroundService
{
    private static readonly AuditActor Actor = AuditActor.System("next best offer job");
    private static readonly TimeSpan RetryWithoutModel = TimeSpan.FromMinutes(5);

    public async Task<NboJobResult> RunOnceAsync(bool forceTraining = false, AuditActor? actor = null, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var active = await training.ActiveAsync(cancellationToken);
        NboTrainingResult? trained = null;
        if (forceTraining || active is null || clock.GetUtcNow().UtcDateTime - active.TrainedAt >= settings.Interval)
        {
            trained = await training.TrainAsync(settings, actor ?? Actor, cancellationToken);
            logger.LogInformation("Next best offer training: {Message}", trained.Trained ? trained.Version : "not trained");
        }
        var scored = await scoring.ScoreAllAsync(cancellationToken);
        logger.LogInformation("Next best offer scoring: {Scored} scored, {Skipped} skipped, {Removed} removed.", scored.Scored, scored.Skipped, scored.Removed);
        var result = new NboJobResult(trained, scored);
        notifier.Publish(result);
        return result;
    }

    /// <summary>Trains and scores now, for the person who asked.</summary>
    public Task<NboJobResult> RunNowAsync(AuditActor actor, CancellationToken cancellationToken = default) =>
        RunOnceAsync(forceTraining: true, actor, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = options.Value.Interval;
            try
            {
                var result = await RunOnceAsync(cancellationToken: stoppingToken);
                // A new store (or a demo still filling up) has too little to learn from: look again soon.
                if (result.Training is { Trained: false } && await training.ActiveAsync(stoppingToken) is null && next > RetryWithoutModel)
                    next = RetryWithoutModel;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Type only: messages can quote data.
                logger.LogError("Next best offer pass failed: {ExceptionType}", e.GetType().FullName);
            }
            await Task.Delay(next, clock, stoppingToken);
        }
    }
}

public static class NboSetup
{
    public static IHostApplicationBuilder AddNextBestOffer(this IHostApplicationBuilder builder, bool runInBackground = true)
    {
        builder.Services.AddOptions<NboOptions>().BindConfiguration(NboOptions.Section)
            .Validate(o => o.Interval > TimeSpan.Zero && o.MinimumCustomers > 0 && o.OffersPerCustomer > 0 && o.DeclinedCooldownDays >= 0
                    && o.EngagementDays > 0 && o.ItemsPerCampaign > 0,
                "Predictions:NextBestOffer needs Interval > 0, MinimumCustomers > 0, OffersPerCustomer > 0, DeclinedCooldownDays >= 0, EngagementDays > 0 and ItemsPerCampaign > 0.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<AuditLog>();
        builder.Services.TryAddSingleton<ConsentCheck>();
        builder.Services.TryAddSingleton<OfferGate>();
        builder.Services.TryAddSingleton<ProfileChangeNotifier>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProductCatalogue>();
        builder.Services.AddSingleton<OfferDefinitions>();
        builder.Services.AddSingleton<CustomerOffers>();
        builder.Services.AddSingleton<NboTraining>();
        builder.Services.AddSingleton<NboScoring>();
        builder.Services.AddSingleton<NboNotifier>();
        builder.Services.AddSingleton<NboJob>();
        if (runInBackground)
            builder.Services.AddHostedService(sp => sp.GetRequiredService<NboJob>());
        return builder;
    }
}
