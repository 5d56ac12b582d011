using Customer360Portal.Data.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Core.Sync;

public static class SyncSetup
{
    /// <summary>Retries, timeouts and circuit breaker of the pull client (<c>HttpStandardResilienceOptions</c>); defaults when absent.</summary>
    public const string ResilienceSection = SyncOptions.Section + ":Resilience";

    /// <summary>One background service per configured pull or file-drop source (push and tracking sources need none).</summary>
    public static IHostApplicationBuilder AddSourceSync(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.Section);
        var client = builder.Services.AddHttpClient(PullSyncService.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(60));
        var resilience = builder.Configuration.GetSection(ResilienceSection);
        if (resilience.Exists()) client.AddStandardResilienceHandler(resilience);
        else client.AddStandardResilienceHandler();
        var options = builder.Configuration.GetSection(SyncOptions.Section).Get<SyncOptions>() ?? new();
        if (!options.RunInProcess) return builder;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in options.Sources)
        {
            if (source.Connector is not (ConnectorStyle.Pull or ConnectorStyle.FileDrop)) continue;
            Validate(source);
            // Two services on one source would share (and fight over) its one checkpoint.
            if (!keys.Add(source.Key)) throw new InvalidOperationException($"Sync source '{source.Key}' is configured twice.");
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

    private static void Validate(SyncSourceOptions source)
    {
        if (string.IsNullOrWhiteSpace(source.Key)) throw new InvalidOperationException("A sync source has no Key.");
        if (string.IsNullOrWhiteSpace(source.RecordKind) || !Ingestion.RecordKinds.All.Contains(source.RecordKind))
            throw new InvalidOperationException($"Sync source '{source.Key}' needs a RecordKind: one of {string.Join(", ", Ingestion.RecordKinds.All)}.");
        if (source.PageSize < 1) throw new InvalidOperationException($"Sync source '{source.Key}': PageSize must be at least 1.");
        if (source.LinesPerBatch < 1) throw new InvalidOperationException($"Sync source '{source.Key}': LinesPerBatch must be at least 1.");
        if (source.Interval <= TimeSpan.Zero) throw new InvalidOperationException($"Sync source '{source.Key}': Interval must be positive.");
        if (string.IsNullOrWhiteSpace(source.DisplayName)) source.DisplayName = source.Key;
    }
}
