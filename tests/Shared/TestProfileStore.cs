using Customer360Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Tests.Shared;

/// <summary>A real SQLite profile store in a temp folder, built through the same setup as the portal.</summary>
public sealed class TestProfileStore : IAsyncDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("c360-data-tests-").FullName;
    public IHost Host { get; }
    public IDbContextFactory<ProfileStore> Stores => Host.Services.GetRequiredService<IDbContextFactory<ProfileStore>>();
    public string DatabaseFile => Path.Combine(Folder, "portal.db");

    private TestProfileStore(Action<IHostApplicationBuilder>? configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ProfileStore:DataFolder"] = Folder });
        builder.AddProfileStore();
        configure?.Invoke(builder);
        Host = builder.Build();
    }

    public static async Task<TestProfileStore> CreateAsync(Action<IHostApplicationBuilder>? configure = null)
    {
        var store = new TestProfileStore(configure);
        await store.Host.Services.GetRequiredService<ProfileStoreMigrator>().MigrateAsync();
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Task.Yield();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
