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
    public IServiceProvider Services => host.Services;

    private BenchHost(IHost host, string folder) => (this.host, this.folder) = (host, folder);

    /// <param name="name">Part of the temp folder's name.</param>
    /// <param name="configure">Settings on top of the real services' defaults (e.g. projection batch size).</param>
    public static async Task<BenchHost> CreateAsync(string name, Action<HostApplicationBuilder>? configure = null)
    {
        var folder = Directory.CreateTempSubdirectory($"c360-bench-{name}-").FullName;
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
        return new BenchHost(host, folder);
    }

    public void Dispose()
    {
        host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}
