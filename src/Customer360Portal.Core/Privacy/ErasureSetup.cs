using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Core.Privacy;

public static class ErasureSetup
{
    /// <summary>
    /// Erasure of a person everywhere (with the suppression list that keeps them from coming back) and the retention
    /// policy that deletes old interactions with their source records.
    /// </summary>
    public static IHostApplicationBuilder AddErasure(this IHostApplicationBuilder builder, bool runInBackground = true)
    {
        builder.Services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section);
        builder.Services.AddOptions<ResolutionOptions>();
        builder.Services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.Section);
        builder.Services.AddSingleton<PersonErasure>();
        builder.Services.AddSingleton<ProfileCorrections>();
        builder.Services.AddSingleton<ErasureJobs>();
        builder.Services.AddSingleton<ErasureJobService>();
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .Validate(o => o.Interval > TimeSpan.Zero && o.InteractionMaxAge is null or { TotalDays: >= 1 },
                "Privacy:Retention needs a positive Interval and an InteractionMaxAge of at least one day (or none).")
            .ValidateOnStart();
        builder.Services.AddSingleton<RetentionPolicy>();
        if (runInBackground)
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ErasureJobService>());
            builder.Services.AddHostedService<RetentionService>();
        }
        return builder;
    }
}
