using Customer360Portal.Core.Audit;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Core.Search;
using Customer360Portal.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Customer360Portal.Cli.Benchmarks;

/// <summary>A throwaway host with the real services on a fresh SQLite store in a temp folder.</summary>
internal sealed class BenchHost : IDisposable
{
    private readonly IHost host;
    private readonly string folder;
    private readonly bool keep;
    public IServiceProvider Services => host.Services;

    private BenchHost(IHost host, string folder, bool keep) => (this.host, this.folder, this.keep) = (host, folder, keep);

    /// <param name="name">Part of the temp folder's name.</param>
    /// <param name="configure">Settings on top of the real services' defaults (e.g. projection batch size).</param>
    /// <param name="folder">A store folder to use (and keep) instead of a fresh temp folder deleted on dispose.</param>
    public static async Task<BenchHost> CreateAsync(string name, Action<HostApplicationBuilder>? configure = null, string? folder = null)
    {
        var keep = folder is not null;
        folder = keep ? Directory.CreateDirectory(folder!).FullName : Directory.CreateTempSubdirectory($"c360-bench-{name}-").FullName;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Benchmark", ContentRootPath = folder });
        builder.Configuration["ProfileStore:DataFolder"] = folder;
        builder.Logging.ClearProviders();
        builder.AddProfileStore();
        builder.AddIntake();
        builder.AddProfiles(runInBackground: false);
        builder.AddSearch(runInBackground: false);
        builder.AddCustomerView();
        builder.AddAudit();
        configure?.Invoke(builder);
        var host = builder.Build();
        await host.Services.GetRequiredService<ProfileStoreMigrator>().MigrateAsync();
        var registry = host.Services.GetRequiredService<SourceRegistry>();
        foreach (var source in DemoSources.All)
            await registry.EnsureSourceAsync(source.Key, source.DisplayName, source.Kind, source.Connector);
        return new BenchHost(host, folder, keep);
    }

    public void Dispose()
    {
        host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (keep) return;
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}
