using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Core.Quality;

public static class QualitySetup
{
    /// <summary>The data quality centre: the scan, its background job and snapshots, the incomplete-data list and enrichment tasks.</summary>
    public static IHostApplicationBuilder AddDataQuality(this IHostApplicationBuilder builder, bool runInBackground = true)
    {
        builder.Services.AddOptions<QualityOptions>().BindConfiguration(QualityOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Interval > TimeSpan.Zero && o.StaleAfter > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero,
                "Quality needs Interval, StaleAfter and PollInterval > 0.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<AuditLog>();
        builder.Services.TryAddSingleton<ProfileChangeNotifier>();
        builder.Services.AddSingleton<QualityScan>();
        builder.Services.AddSingleton<QualitySnapshots>();
        builder.Services.AddSingleton<QualityJob>();
        builder.Services.AddSingleton<IncompleteProfiles>();
        builder.Services.AddSingleton<EnrichmentTasks>();
        if (runInBackground)
            builder.Services.AddHostedService(sp => sp.GetRequiredService<QualityJob>());
        return builder;
    }
}
