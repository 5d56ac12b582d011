using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Core.Segments;

public static class SegmentsSetup
{
    /// <summary>Segments: rules, live size, saved segments with versions, membership refresh and consented exports.</summary>
    public static IHostApplicationBuilder AddSegments(this IHostApplicationBuilder builder, bool runInBackground = true)
    {
        builder.Services.AddOptions<SegmentOptions>().BindConfiguration(SegmentOptions.Section)
            .Validate(o => o.ExactUpTo >= 0 && o.SampleSize >= 100, "Segments:ExactUpTo must be at least 0 and Segments:SampleSize at least 100.")
            .Validate(o => o.RefreshInterval > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero, "Segments:RefreshInterval and PollInterval must be positive.")
            .Validate(o => o.PreviewSize is >= 0 and <= 100, "Segments:PreviewSize must be between 0 and 100.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<AuditLog>();
        builder.Services.TryAddSingleton<ConsentCheck>();
        builder.Services.TryAddSingleton<ConsentedExport>();
        builder.Services.AddSingleton<SegmentChangeNotifier>();
        builder.Services.AddSingleton<SegmentEstimator>();
        builder.Services.AddSingleton<SegmentCatalog>();
        builder.Services.AddSingleton<SegmentRefresher>();
        builder.Services.AddSingleton<SegmentExport>();
        if (runInBackground)
            builder.Services.AddHostedService<SegmentRefreshService>();
        return builder;
    }
}
