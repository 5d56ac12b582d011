using Customer360Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Tests.Shared;

/// <summary>A real SQLite profile store in a temp folder, built through the same setup as the portal.</summary>
public sealed class TestProfileStore : IAsyncDisposable
{
    public string Folder { get; }
    // A second host on another's store (as a second process would be) leaves the folder to its owner.
    private readonly bool ownsFolder;
    public IHost Host { get; }
    public IDbContextFactory<ProfileStore> Stores => Host.Services.GetRequiredService<IDbContextFactory<ProfileStore>>();
    public string DatabaseFile => Path.Combine(Folder, "portal.db");

    private TestProfileStore(Action<IHostApplicationBuilder>? configure, string? folder = null)
    {
        ownsFolder = folder is null;
        Folder = folder ?? Directory.CreateTempSubdirectory("c360-data-tests-").FullName;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ProfileStore:DataFolder"] = Folder });
        builder.AddProfileStore();
        configure?.Invoke(builder);
        Host = builder.Build();
    }

    public static Task<TestProfileStore> CreateAsync(Action<IHostApplicationBuilder>? configure = null) => MigratedAsync(new TestProfileStore(configure));

    /// <summary>Another host on the store of <paramref name="owner"/>: what a second process (the `c360` worker) sees.</summary>
    public static Task<TestProfileStore> OpenAsync(TestProfileStore owner, Action<IHostApplicationBuilder>? configure = null) =>
        MigratedAsync(new TestProfileStore(configure, owner.Folder));

    private static async Task<TestProfileStore> MigratedAsync(TestProfileStore store)
    {
        await store.Host.Services.GetRequiredService<ProfileStoreMigrator>().MigrateAsync();
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Task.Yield();
        if (ownsFolder)
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
