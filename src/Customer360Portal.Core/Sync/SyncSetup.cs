using Customer360Portal.Data.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Core.Sync;

public static class SyncSetup
{
    /// <summary>One background service per configured pull or file-drop source (push and tracking sources need none).</summary>
    public static IHostApplicationBuilder AddSourceSync(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.Section);
        builder.Services.AddHttpClient(PullSyncService.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(60))
            .AddStandardResilienceHandler();
        var options = builder.Configuration.GetSection(SyncOptions.Section).Get<SyncOptions>() ?? new();
        if (!options.RunInProcess) return builder;
        foreach (var source in options.Sources)
        {
            switch (source.Connector)
            {
                case ConnectorStyle.Pull:
                    if (string.IsNullOrWhiteSpace(source.BaseUrl)) throw new InvalidOperationException($"Sync source '{source.Key}' pulls but has no BaseUrl.");
                    builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<PullSyncService>(sp, source));
                    break;
                case ConnectorStyle.FileDrop:
                    if (string.IsNullOrWhiteSpace(source.Folder)) throw new InvalidOperationException($"Sync source '{source.Key}' watches files but has no Folder.");
                    builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<FileDropSyncService>(sp, source));
                    break;
            }
        }
        return builder;
    }
}
