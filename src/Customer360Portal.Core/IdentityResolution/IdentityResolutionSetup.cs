using Customer360Portal.Core.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Core.IdentityResolution;

public static class IdentityResolutionSetup
{
    /// <summary>Identity resolution is the projection's resolver; <see cref="ProfilesSetup.AddProfiles"/> calls this.</summary>
    public static IHostApplicationBuilder AddIdentityResolution(this IHostApplicationBuilder builder, bool runInBackground = true)
    {
        builder.Services.AddOptions<ResolutionOptions>().BindConfiguration(ResolutionOptions.Section)
            .Validate(o => o.MergeProbability > o.ReviewProbability && o.ReviewProbability > 0 && o.MergeProbability < 1,
                "Resolution: need 0 < ReviewProbability < MergeProbability < 1.")
            .ValidateOnStart();
        builder.Services.AddSingleton<MatchModelProvider>();
        builder.Services.AddSingleton<ProfileMerger>();
        builder.Services.AddSingleton<IRecordResolver, IdentityResolver>();
        builder.Services.AddSingleton<ReviewQueue>();
        builder.Services.AddSingleton<ResolutionGate>();
        builder.Services.AddSingleton<FullResolution>();
        builder.Services.AddSingleton<ResolutionJobs>();
        builder.Services.AddSingleton<ResolutionOverview>();
        builder.Services.AddSingleton<ResolutionJobService>();
        if (runInBackground)
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ResolutionJobService>());
        builder.Services.AddSingleton<IdentityGraph>();
        return builder;
    }
}
