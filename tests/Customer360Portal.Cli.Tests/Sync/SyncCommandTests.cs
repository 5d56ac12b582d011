using System.Text.Json;
using Customer360Portal.Cli.Commands;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Cli.Tests.Sync;

/// <summary><c>c360 sync --once</c> in process, on a fresh SQLite store and a real drop folder.</summary>
public sealed class SyncCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("c360-sync-cmd-").FullName;
    private string Drop => Path.Combine(root, "drop");
    private string DataFolder => Path.Combine(root, "data");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private string Config(params object[] sources)
    {
        var path = Path.Combine(root, "sync.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            Sync = new
            {
                Sources = sources,
                Resilience = new { Retry = new { Delay = "00:00:00.010", BackoffType = "Constant", UseJitter = false } },
            },
        }));
        return path;
    }

    private object FileSource(string key = "files") =>
        new { Key = key, DisplayName = "Files", Kind = "FileDrop", Connector = "FileDrop", RecordKind = "contact", Folder = Drop };

    private void DropFile(string name, int from, int count)
    {
        Directory.CreateDirectory(Path.Combine(Drop, "incoming"));
        File.WriteAllLines(Path.Combine(Drop, "incoming", name), Enumerable.Range(from, count).Select(i =>
            $$"""{"id":"K-{{i}}","updatedAt":"2026-10-01T09:00:00Z","firstName":"Kim","lastName":"Park","email":"kim{{i}}@example.com"}"""));
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string? config, bool once = true, bool noProjection = false)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await SyncCommand.RunAsync(new SyncCommand.Settings(DataFolder, null, null, config, once, noProjection), output, error, CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Once_MigratesAFreshStore_RunsEachSource_PrintsCounts_ProjectsAndExitsZero()
    {
        DropFile("contacts.jsonl", 1, 25);
        File.AppendAllText(Path.Combine(Drop, "incoming", "contacts.jsonl"), "{\"id\":\"K-bad\"\n");

        var (exitCode, output, error) = await RunAsync(Config(FileSource()));

        Assert.True(exitCode == 0, output + error);
        Assert.Matches(@"files\s+received\s+26\s+stored\s+25\s+duplicates\s+0\s+quarantined\s+1\s+ok", output);
        Assert.Contains("Projection: 25 records onto profiles.", output);
        Assert.True(File.Exists(Path.Combine(Drop, "done", "contacts.jsonl")));
        Assert.True(File.Exists(Path.Combine(DataFolder, "portal.db")));
    }

    [Fact]
    public async Task Once_SecondRunTakesOnlyWhatIsNew()
    {
        var config = Config(FileSource());
        DropFile("a.jsonl", 1, 10);
        await RunAsync(config);
        DropFile("b.jsonl", 11, 4);

        var (exitCode, output, _) = await RunAsync(config, noProjection: true);

        Assert.Equal(0, exitCode);
        Assert.Matches(@"received\s+4\s+stored\s+4\s", output);
        Assert.DoesNotContain("Projection", output);
    }

    [Fact]
    public async Task Once_SkipsPausedSources()
    {
        var config = Config(FileSource("files"));
        await RunAsync(config);
        using (var host = SyncCommand.BuildHost(new SyncCommand.Settings(DataFolder, null, null, config, Once: true, NoProjection: true)))
            await host.Services.GetRequiredService<SourceRegistry>().PauseAsync("files", AuditActor.System("test"));
        DropFile("held.jsonl", 1, 3);

        var (exitCode, output, _) = await RunAsync(config);

        Assert.Equal(0, exitCode);
        Assert.Matches(@"files\s+received\s+0\s.*paused", output);
        Assert.True(File.Exists(Path.Combine(Drop, "incoming", "held.jsonl")));
    }

    [Fact]
    public async Task Once_UnreachableSource_IsReportedWithoutValues_AndExitsOne()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        var config = Config(FileSource(), new { Key = "crm", DisplayName = "CRM", Kind = "Crm", Connector = "Pull", RecordKind = "contact", BaseUrl = $"http://127.0.0.1:{port}/contacts" });
        DropFile("a.jsonl", 1, 2);

        var (exitCode, output, _) = await RunAsync(config, noProjection: true);

        Assert.Equal(1, exitCode);
        Assert.Matches(@"crm\s+received\s+0\s.*failed: The source could not be reached\.", output);
        Assert.Matches(@"files\s+received\s+2\s.*ok", output); // one failing source does not stop the others
    }

    [Fact]
    public async Task MissingSettingsFile_ExitsTwo()
    {
        var (exitCode, _, error) = await RunAsync(Path.Combine(root, "nope.json"));

        Assert.Equal(2, exitCode);
        Assert.Contains("does not exist", error);
    }

    [Fact]
    public async Task NoSources_Once_ExitsTwoWithAHint()
    {
        var (exitCode, _, error) = await RunAsync(Config());

        Assert.Equal(2, exitCode);
        Assert.Contains("Sync:Sources", error);
    }

    [Fact]
    public async Task MisconfiguredSource_ExitsTwoNamingTheSetting()
    {
        var (exitCode, _, error) = await RunAsync(Config(new { Key = "files", Kind = "FileDrop", Connector = "FileDrop", RecordKind = "contact" }));

        Assert.Equal(2, exitCode);
        Assert.Contains("'files' watches files but has no Folder", error);
    }
}
