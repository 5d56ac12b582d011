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
}
