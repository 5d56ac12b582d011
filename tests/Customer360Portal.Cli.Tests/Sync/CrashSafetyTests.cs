using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace Customer360Portal.Cli.Tests.Sync;

/// <summary>
/// Crash safety of the sync worker (issue 3): <c>c360 sync</c> runs as its own process on a large backfill, is killed
/// hard (SIGKILL) at random points, restarted, and the store is then audited against the source: every record stored
/// or quarantined exactly once (count and checksum), nothing counted as a duplicate (the checkpoint resumed exactly).
/// </summary>
[Collection(nameof(CrashSafetyTests))] // one worker at a time: they measure throughput-sensitive kill points on 2 cores
public sealed class CrashSafetyTests(ITestOutputHelper log) : IDisposable
{
    private const string Key = "crm-files";
    private const int Kills = 3;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private readonly string root = Directory.CreateTempSubdirectory("c360-crash-").FullName;

    private string DataFolder => Path.Combine(root, "data");
    private string DatabaseFile => Path.Combine(DataFolder, "portal.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task FileDrop_KilledHardMidBackfill_RestartsWithNothingLostOrDuplicated()
    {
        var clock = Stopwatch.StartNew();
        var data = CrashTestData.Contacts(150_000, seed: 360, invalidEvery: 3_000, jsonOnly: false);
        var drop = Path.Combine(root, "drop");
        var incoming = Directory.CreateDirectory(Path.Combine(drop, "incoming")).FullName;
        var file = Path.Combine(incoming, "contacts.jsonl");
        data.WriteJsonLines(file);
        var config = WriteConfig(new { Key, DisplayName = "CRM export", Kind = "FileDrop", Connector = "FileDrop", RecordKind = "contact", Folder = drop, Interval = "00:00:02" });
        log.WriteLine($"Wrote {data.Count:N0} lines ({data.Invalid} invalid, {new FileInfo(file).Length / 1e6:N1} MB) in {clock.Elapsed.TotalSeconds:N1} s.");

        var kills = await KillAndRestartAsync(data.Count, config, afterKill: counters =>
        {
            Assert.True(File.Exists(file), "a half-read file stays in incoming/");
            Assert.False(File.Exists(Path.Combine(drop, "done", "contacts.jsonl")));
            // The checkpoint ("file|length|line") is the line of the last committed record: it moved in the same transaction as the records.
            Assert.Equal($"contacts.jsonl|{new FileInfo(file).Length}|{counters.Received}", counters.Cursor);
        }, finished: counters => counters.Received == data.Count && File.Exists(Path.Combine(drop, "done", "contacts.jsonl")));

        AssertNothingLostOrDuplicated(data, kills, clock);
        Assert.False(File.Exists(file));
        Assert.True(string.IsNullOrEmpty(SourceCounters.Read(DatabaseFile, Key).Cursor), "a finished file leaves no checkpoint");
    }

    [Fact]
    public async Task Pull_KilledHardMidBackfill_RestartsWithNothingLostOrDuplicated()
    {
        var clock = Stopwatch.StartNew();
        var data = CrashTestData.Contacts(100_000, seed: 361, invalidEvery: 3_000, jsonOnly: true);
        await using var api = await PagedSourceApi.StartAsync(data.Records);
        var config = WriteConfig(new { Key, DisplayName = "CRM API", Kind = "Crm", Connector = "Pull", RecordKind = "contact", BaseUrl = api.BaseUrl, PageSize = 500, Interval = "00:00:02" });
        log.WriteLine($"Serving {data.Count:N0} records ({data.Invalid} invalid) in pages of 500 from {api.BaseUrl}; ready in {clock.Elapsed.TotalSeconds:N1} s.");

        var kills = await KillAndRestartAsync(data.Count, config, afterKill: counters =>
        {
            Assert.Equal(0, counters.Received % 500); // whole pages only
            Assert.Equal(PagedSourceApi.CursorAt((int)counters.Received), counters.Cursor);
        }, finished: counters => counters.Received == data.Count);

        AssertNothingLostOrDuplicated(data, kills, clock);
        Assert.Equal(PagedSourceApi.CursorAt(data.Count), SourceCounters.Read(DatabaseFile, Key).Cursor);
    }

    private string WriteConfig(object source)
    {
        var path = Path.Combine(root, "sync.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { Sync = new { Sources = new[] { source } } }));
        return path;
    }

    /// <summary>
    /// Starts the worker, kills it hard <see cref="Kills"/> times at random points of the backfill (each after more is stored), starts it
    /// a last time and lets it finish; then stops it with SIGTERM (a clean stop, exit code 0). Returns the kill points (records received).
    /// </summary>
    private async Task<List<long>> KillAndRestartAsync(long total, string config, Action<SourceCounters> afterKill, Func<SourceCounters, bool> finished)
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var kills = new List<long>();
        long done = 0;
        for (var round = 0; round < Kills; round++)
        {
            // Somewhere between 10% and 45% of what is left, so every kill lands mid-backfill.
            var target = done + (long)((total - done) * (0.10 + random.NextDouble() * 0.35));
            var started = Stopwatch.StartNew();
            using var worker = SyncWorker.Start(WorkerArguments(config));
            var before = await WaitForAsync(worker, c => c.Received >= target, $"{target:N0} records received");
            // A batch commits every few tens of milliseconds: a random delay lands the kill anywhere in the next one.
            await Task.Delay(random.Next(0, 60));
            worker.KillHard();
            var after = SourceCounters.Read(DatabaseFile, Key);
            log.WriteLine($"Kill {round + 1}: SIGKILL at {after.Received:N0} of {total:N0} received (aimed at {target:N0}, seed {seed}), {started.Elapsed.TotalSeconds:N1} s after start.");
            Assert.InRange(after.Received, Math.Max(done + 1, before.Received), total - 1);
            afterKill(after);
            kills.Add(after.Received);
            done = after.Received;
        }

        var last = Stopwatch.StartNew();
        using var final = SyncWorker.Start(WorkerArguments(config));
        await WaitForAsync(final, finished, "the backfill to finish");
        // Counters stop moving: nothing is replayed after the end.
        var settled = SourceCounters.Read(DatabaseFile, Key);
        for (var stable = 0; stable < 3;)
        {
            await Task.Delay(300);
            var now = SourceCounters.Read(DatabaseFile, Key);
            stable = now == settled ? stable + 1 : 0;
            settled = now;
        }
        log.WriteLine($"Final start (after {Kills} kills) finished the backfill in {last.Elapsed.TotalSeconds:N1} s.");
        var exitCode = await final.TerminateAsync(TimeSpan.FromSeconds(15));
        Assert.True(exitCode == 0 || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()), $"SIGTERM stops the worker cleanly (exit {exitCode}):\n{final.Output}");
        Assert.Contains("Sync worker stopped.", final.Output);
        return kills;
    }

    /// <summary>
    /// Intake only: the profile projection has its own mark and would share the one SQLite writer, slowing the backfill
    /// several-fold on 2 cores (it is covered by the --once test).
    /// </summary>
    private string[] WorkerArguments(string config) => ["--config", config, "--data-folder", DataFolder, "--no-projection"];

    private async Task<SourceCounters> WaitForAsync(SyncWorker worker, Func<SourceCounters, bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var counters = SourceCounters.Read(DatabaseFile, Key);
            if (condition(counters)) return counters;
            if (worker.HasExited) Assert.Fail($"The worker exited ({worker.ExitCode}) before {what}:\n{worker.Output}");
            if (deadline.Elapsed > StepTimeout) Assert.Fail($"Timed out waiting for {what} (received {counters.Received:N0}):\n{worker.Output}");
            await Task.Delay(25);
        }
    }

    private void AssertNothingLostOrDuplicated(CrashTestData data, List<long> kills, Stopwatch clock)
    {
        var counters = SourceCounters.Read(DatabaseFile, Key);
        var audit = StoreAudit.Read(DatabaseFile, Key);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Result: {data.Count:N0} records, kills at {string.Join(", ", kills.Select(k => k.ToString("N0", CultureInfo.InvariantCulture)))}; received {counters.Received:N0}, stored {counters.Stored:N0}, quarantined {counters.Quarantined:N0}, duplicates {counters.Duplicates}; payload checksum {audit.PayloadChecksum[..16]}…, id checksum {audit.IdChecksum[..16]}…; {clock.Elapsed.TotalSeconds:N1} s in all."));

        // Nothing lost: every record of the source is stored or quarantined.
        Assert.Equal(data.Count, counters.Received);
        Assert.Equal(data.Count, audit.StoredRows + audit.QuarantinedRows);
        Assert.Equal((counters.Stored, counters.Quarantined), (audit.StoredRows, audit.QuarantinedRows));
        Assert.Equal(data.Invalid, audit.QuarantinedRows);
        // Nothing duplicated: no key twice, and no record even offered twice (the checkpoint resumed exactly).
        Assert.Equal(0, audit.RepeatedKeys);
        Assert.Equal(0, counters.Duplicates);
        // The very same records: checksums over the sorted payload hashes and over the sorted external ids.
        Assert.Equal(data.PayloadChecksum(), audit.PayloadChecksum);
        Assert.Equal(data.IdChecksum(), audit.IdChecksum);
    }
}
