using System.CommandLine;
using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Core.Sync;
using Customer360Portal.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Cli.Commands;

/// <summary>
/// <c>c360 sync</c>: runs the pull and file-drop sources configured under <c>Sync:Sources</c> as their own process,
/// against the configured profile store, with the profile projection unless <c>--no-projection</c>. Sync state,
/// checkpoints, pause/resume/run-now live in the store, so the portal shows and steers this worker (run the portal
/// with <c>Sync:RunInProcess=false</c> so the two do not both sync). Stops on Ctrl+C or SIGTERM; a hard kill loses
/// nothing either, because every batch commits with its checkpoint.
/// </summary>
public static class SyncCommand
{
    private static readonly Option<FileInfo?> Config = new("--config")
    {
        Description = "A JSON settings file (e.g. with Sync:Sources), read after appsettings.json and environment variables.",
    };
    private static readonly Option<bool> Once = new("--once")
    {
        Description = "Run one pass of every source that is not paused, project to profiles, print the counts and exit.",
    };
    private static readonly Option<bool> NoProjection = new("--no-projection")
    {
        Description = "Only sync into intake; leave the profile projection to another process (the portal).",
    };

    public static Command Create()
    {
        var command = new Command("sync", "Run the configured sync services (Sync:Sources) as their own process.")
        {
            Config, Once, NoProjection,
        };
        StoreOptions.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(Settings.From(parse), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    public sealed record Settings(string? DataFolder, string? Provider, string? Connection, string? ConfigFile, bool Once, bool NoProjection)
    {
        public static Settings From(ParseResult parse) => new(parse.GetValue(StoreOptions.DataFolder), parse.GetValue(StoreOptions.Provider),
            parse.GetValue(StoreOptions.Connection), parse.GetValue(SyncCommand.Config)?.FullName, parse.GetValue(SyncCommand.Once),
            parse.GetValue(SyncCommand.NoProjection));
    }

    public static async Task<int> RunAsync(Settings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (settings.ConfigFile is { } file && !File.Exists(file))
        {
            await error.WriteLineAsync($"The settings file {file} does not exist.");
            return 2;
        }

        IHost host;
        try
        {
            host = BuildHost(settings);
        }
        catch (InvalidOperationException e)
        {
            // Configuration mistakes (a source without a folder...): the message names settings, never data.
            await error.WriteLineAsync(e.Message);
            return 2;
        }

        using (host)
        {
            try
            {
                host.Services.GetService<IStartupValidator>()?.Validate();
            }
            catch (OptionsValidationException e)
            {
                foreach (var failure in e.Failures) await error.WriteLineAsync(failure);
                return 2;
            }
            var migrator = host.Services.GetRequiredService<ProfileStoreMigrator>();
            if (migrator.MigratesOnStartup)
                await migrator.MigrateAsync(cancellationToken);

            var services = host.Services.GetServices<IHostedService>().OfType<SourceSyncService>().ToList();
            if (services.Count == 0)
            {
                await error.WriteLineAsync("No pull or file-drop sources are configured under Sync:Sources.");
                if (settings.Once || settings.NoProjection) return 2;
            }

            if (settings.Once)
                return await RunOnceAsync(host, services, settings, output, cancellationToken);

            await output.WriteLineAsync((services.Count == 0 ? "Running the profile projection only" :
                $"Syncing {string.Join(", ", services.Select(s => s.SourceKey))}" + (settings.NoProjection ? " (no projection)" : " with the profile projection"))
                + ". Ctrl+C or SIGTERM stops.");
            await host.RunAsync(cancellationToken);
            await output.WriteLineAsync("Sync worker stopped.");
            return 0;
        }
    }

    private static async Task<int> RunOnceAsync(IHost host, IReadOnlyList<SourceSyncService> services, Settings settings,
        TextWriter output, CancellationToken cancellationToken)
    {
        var registry = host.Services.GetRequiredService<SourceRegistry>();
        var failed = false;
        foreach (var service in services)
        {
            var before = await registry.FindAsync(service.SourceKey, cancellationToken);
            var result = await service.RunOnceAsync(cancellationToken);
            var after = await registry.FindAsync(service.SourceKey, cancellationToken);
            long Delta(Func<Data.Model.DataSource, long> counter) => (after is null ? 0 : counter(after)) - (before is null ? 0 : counter(before));
            var status = result.Outcome switch
            {
                SyncPassOutcome.Completed => "ok",
                SyncPassOutcome.Paused => "paused",
                _ => "failed: " + result.Error,
            };
            failed |= result.Outcome == SyncPassOutcome.Failed;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{service.SourceKey,-16} received {Delta(s => s.Received),9:N0}  stored {Delta(s => s.Stored),9:N0}  duplicates {Delta(s => s.Duplicates),9:N0}  quarantined {Delta(s => s.Quarantined),9:N0}  {status}"));
        }
        if (!settings.NoProjection)
        {
            var projected = await host.Services.GetRequiredService<ProfileProjection>().CatchUpAsync(cancellationToken);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Projection: {projected:N0} records onto profiles."));
        }
        return failed ? 1 : 0;
    }

    /// <summary>The worker's host: the store, audit, intake, the profile projection and one service per source.</summary>
    public static IHost BuildHost(Settings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        if (settings.ConfigFile is { } file) builder.Configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
        var overrides = StoreOptions.Overrides(settings.DataFolder, settings.Provider, settings.Connection);
        // This process is where the sync services run, whatever the shared settings tell the portal.
        overrides[$"{SyncOptions.Section}:{nameof(SyncOptions.RunInProcess)}"] = "true";
        builder.Configuration.AddInMemoryCollection(overrides);
        // A pass logs what it took and why it failed; per-request HTTP logging would drown that.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        // --once prints its own summary; keep the log to warnings and errors.
        if (settings.Once) builder.Logging.AddFilter(level => level >= LogLevel.Warning);
        builder.AddProfileStore();
        builder.AddAudit();
        builder.AddIntake();
        builder.AddProfiles(runInBackground: !settings.Once && !settings.NoProjection);
        builder.AddSourceSync();
        return builder.Build();
    }
}
