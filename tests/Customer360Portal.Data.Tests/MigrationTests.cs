using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Customer360Portal.Data.Tests;

public class MigrationTests
{
    private static SqliteProfileStore SqliteStore() =>
        new(new DbContextOptionsBuilder<SqliteProfileStore>()
            .UseSqlite("Data Source=:memory:")
            .UseApplicationServiceProvider(IdentitySchema.StandaloneServices).Options);

    // No SQL Server engine runs on our machines: nothing here opens a connection.
    private static SqlServerProfileStore SqlServerStore() =>
        new(new DbContextOptionsBuilder<SqlServerProfileStore>()
            .UseSqlServer("Server=unused;Database=Customer360Portal;Integrated Security=false;Encrypt=true")
            .UseApplicationServiceProvider(IdentitySchema.StandaloneServices).Options);

    [Fact]
    public void SqliteMigrations_MatchTheModel()
    {
        using var store = SqliteStore();
        Assert.False(store.Database.HasPendingModelChanges(),
            "The model changed without a SQLite migration: run the dotnet ef command in ProfileStore.cs.");
    }

    [Fact]
    public void SqlServerMigrations_MatchTheModel()
    {
        using var store = SqlServerStore();
        Assert.False(store.Database.HasPendingModelChanges(),
            "The model changed without a SQL Server migration: run the dotnet ef command in ProfileStore.cs.");
    }

    [Fact]
    public void SqlServerMigrationScript_ParsesWithoutErrors()
    {
        using var store = SqlServerStore();
        var script = store.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        // The script separates batches with GO, as sqlcmd and SSMS expect; the parser understands GO too.
        parser.Parse(new StringReader(script), out var errors);

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Select(e => $"line {e.Line}: {e.Message}")));
        Assert.Contains("CREATE TABLE [Customers]", script);
        Assert.Contains("CREATE TABLE [AspNetUserPasskeys]", script); // Identity schema v3
        Assert.Contains("CREATE UNIQUE INDEX [IX_SourceRecords_SourceKey_ExternalId_VersionKey]", script);
    }

    [Fact]
    public void SqlServerMigrationScript_WithASyntaxError_IsRejectedByTheParser()
    {
        // Guards the check above: the parser must actually report a broken script.
        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        parser.Parse(new StringReader("CREATE TABLE [Broken] ([Id] int NOT NULL,"), out var errors);
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void Model_BuiltWithoutIdentitySchemaOptions_FailsLoudly()
    {
        using var store = new SqliteProfileStore(new DbContextOptionsBuilder<SqliteProfileStore>().UseSqlite("Data Source=:memory:").Options);
        var error = Assert.Throws<InvalidOperationException>(() => store.Model);
        Assert.Contains("Identity schema", error.Message);
    }

    [Fact]
    public async Task LineageOnTheProfile_KeepsTheLineageRecordedBefore()
    {
        var file = Path.Combine(Path.GetTempPath(), $"c360-migrate-{Guid.NewGuid():N}.db");
        try
        {
            await using (var store = new SqliteProfileStore(new DbContextOptionsBuilder<SqliteProfileStore>().UseSqlite($"Data Source={file};Pooling=false")
                             .UseApplicationServiceProvider(IdentitySchema.StandaloneServices).Options))
            {
                var migrator = store.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
                var before = store.Database.GetMigrations().TakeWhile(m => !m.EndsWith("_LineageOnTheProfile", StringComparison.Ordinal)).Last();
                await migrator.MigrateAsync(before);
                await store.Database.ExecuteSqlRawAsync("""
                    INSERT INTO "Customers" ("Id", "Status", "Anonymous", "LifecycleStage", "LifetimeValueMinor", "OrderCount", "CreatedAt", "UpdatedAt", "Version", "GivenName")
                    VALUES (7, 'Active', 0, 'Unknown', 0, 0, '2026-10-01 09:00:00', '2026-10-01 09:00:00', 1, 'Jonathan');
                    INSERT INTO "FieldLineage" ("CustomerId", "Field", "Value", "SourceKey", "SourceRecordId", "ObservedAt", "Rule")
                    VALUES (7, 'GivenName', 'Jonathan', 'crm', 42, '2026-10-01 09:00:00', 'most-recent');
                    """);
                await migrator.MigrateAsync();
            }
            await using var after = new SqliteProfileStore(new DbContextOptionsBuilder<SqliteProfileStore>().UseSqlite($"Data Source={file};Pooling=false")
                .UseApplicationServiceProvider(IdentitySchema.StandaloneServices).Options);
            var lineage = Assert.Single((await after.Customers.SingleAsync(c => c.Id == 7)).Lineage);
            Assert.Equal(("GivenName", "Jonathan", "crm", 42L, "most-recent"), (lineage.Field, lineage.Value, lineage.SourceKey, lineage.SourceRecordId!.Value, lineage.Rule));
            Assert.Equal(new DateTime(2026, 10, 1, 9, 0, 0, DateTimeKind.Utc), lineage.ObservedAt);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
