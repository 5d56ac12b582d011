using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Data;

public enum StoreProvider { Sqlite, SqlServer }

public sealed class ProfileStoreOptions
{
    public const string Section = "ProfileStore";

    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>Folder of the embedded database file; a relative path is taken from the content root.</summary>
    [Required]
    public string DataFolder { get; set; } = DefaultDataFolder;

    /// <summary>The per-user application data folder, so the portal and c360 find the same store wherever they run from.</summary>
    public static string DefaultDataFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "Customer360Portal");

    /// <summary>
    /// Apply pending migrations at start-up. Always done for the embedded SQLite store; for SQL Server migration
    /// is an explicit step (<c>c360 migrate</c> or a reviewed script) unless this is set.
    /// </summary>
    public bool MigrateOnStartup { get; set; }
}

public static class ProfileStoreSetup
{
    /// <summary>
    /// Registers the profile store for the configured provider: <see cref="IDbContextFactory{ProfileStore}"/> for
    /// feature services (short-lived contexts) and a scoped <see cref="ProfileStore"/> for Identity's stores.
    /// Connection string: <c>ConnectionStrings:ProfileStore</c>; for SQLite it defaults to a file in the data folder.
    /// </summary>
    public static IHostApplicationBuilder AddProfileStore(this IHostApplicationBuilder builder)
    {
        IdentitySchema.Configure(builder.Services);
        builder.Services.AddOptions<ProfileStoreOptions>()
            .BindConfiguration(ProfileStoreOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(ProfileStoreOptions.Section).Get<ProfileStoreOptions>() ?? new();
        var connectionString = builder.Configuration.GetConnectionString("ProfileStore");

        if (options.Provider == StoreProvider.SqlServer)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException("ProfileStore:Provider is SqlServer but ConnectionStrings:ProfileStore is not set.");
            builder.Services.AddDbContextFactory<SqlServerProfileStore>(o => ConfigureSqlServer(o, connectionString));
            builder.Services.AddSingleton<IDbContextFactory<ProfileStore>, ProfileStoreFactory<SqlServerProfileStore>>();
        }
        else
        {
            connectionString = SqliteConnectionString(connectionString, options.DataFolder, builder.Environment.ContentRootPath);
            RaiseThreadPoolFloor();
            builder.Services.AddDbContextFactory<SqliteProfileStore>(o => ConfigureSqlite(o, connectionString));
            builder.Services.AddSingleton<IDbContextFactory<ProfileStore>, ProfileStoreFactory<SqliteProfileStore>>();
        }

        builder.Services.AddScoped<ProfileStore>(sp => sp.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContext());
        builder.Services.AddSingleton<ProfileStoreMigrator>();
        return builder;
    }

    /// <summary>
    /// SQLite has no asynchronous I/O: its "async" calls run on the calling pool thread, so the whole-store reads that
    /// run side by side (offer and churn scoring start six or seven at once) each hold a thread, and the pool, which
    /// starts with one thread per core, adds more only about twice a second. A precaution: at a million customers the
    /// offer reads measured 9.1–9.6 s with and without it. Only raised, never lowered.
    /// </summary>
    private static void RaiseThreadPoolFloor()
    {
        ThreadPool.GetMinThreads(out var workers, out var completion);
        var wanted = Math.Max(16, 4 * Environment.ProcessorCount);
        if (workers < wanted) ThreadPool.SetMinThreads(wanted, completion);
    }

    internal static string SqliteConnectionString(string? configured, string dataFolder, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(configured ?? "");
        if (string.IsNullOrEmpty(csb.DataSource))
        {
            var folder = Path.IsPathRooted(dataFolder) ? dataFolder : Path.Combine(contentRoot, dataFolder);
            csb.DataSource = Path.Combine(folder, "portal.db");
        }
        if (csb.DataSource != ":memory:")
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(csb.DataSource))!);
        // Waits for the single writer instead of failing at once when background jobs write.
        if (!(configured ?? "").Contains("Timeout", StringComparison.OrdinalIgnoreCase))
            csb.DefaultTimeout = 30;
        csb.Pooling = true;
        return csb.ToString();
    }

    internal static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable("__EFMigrationsHistory"))
            .AddInterceptors(SqlitePragmas.Instance);

    internal static void ConfigureSqlServer(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlServer(connectionString, sql => sql.EnableRetryOnFailure());

    private sealed class ProfileStoreFactory<TStore>(IDbContextFactory<TStore> inner) : IDbContextFactory<ProfileStore>
        where TStore : ProfileStore
    {
        public ProfileStore CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>
/// Per-connection SQLite settings. <c>secure_delete</c> overwrites deleted content so erased personal data does not
/// linger in free pages of the file; <c>synchronous=NORMAL</c> is safe with WAL and much faster for bulk intake. Each
/// connection notes its waits for the write lock (<see cref="SqliteWaiters"/>), so long write loops step aside for it.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();
    // cache_size is a ceiling (64 MB), not an allocation: bulk intake keeps its index pages in memory.
    private const string Pragmas = "PRAGMA secure_delete=ON; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        SqliteWaiters.Watch((SqliteConnection)connection);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
        SqliteWaiters.Watch((SqliteConnection)connection);
    }
}

/// <summary>Applies migrations; for SQLite also switches the file to WAL so readers never block the writer.</summary>
public sealed class ProfileStoreMigrator(IDbContextFactory<ProfileStore> factory, IOptions<ProfileStoreOptions> options)
{
    public bool MigratesOnStartup => options.Value.Provider == StoreProvider.Sqlite || options.Value.MigrateOnStartup;

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var store = factory.CreateDbContext();
        if (store.Database.IsSqlite())
        {
            // page_size only takes effect on a new, empty file; 8 KB pages suit rows of source records.
            await store.Database.ExecuteSqlRawAsync("PRAGMA page_size=8192;", cancellationToken);
            await store.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        await store.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>The idempotent SQL script of every migration, for a reviewed production rollout.</summary>
    public string Script()
    {
        using var store = factory.CreateDbContext();
        return store.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
    }
}

/// <summary>Used by <c>dotnet ef</c> only: builds each provider's context without starting the portal.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteProfileStore>
{
    public SqliteProfileStore CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteProfileStore>();
        ProfileStoreSetup.ConfigureSqlite(options, "Data Source=design-time.db");
        options.UseApplicationServiceProvider(IdentitySchema.StandaloneServices);
        return new SqliteProfileStore(options.Options);
    }
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerProfileStore>
{
    public SqlServerProfileStore CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqlServerProfileStore>();
        ProfileStoreSetup.ConfigureSqlServer(options, "Server=design-time;Database=Customer360Portal;Integrated Security=false");
        options.UseApplicationServiceProvider(IdentitySchema.StandaloneServices);
        return new SqlServerProfileStore(options.Options);
    }
}
