using System.Security.Cryptography;
using System.Text;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Sync;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Core.Tests.Sync;

/// <summary>The file-drop connector on a real temp folder: incoming/ to done/, checkpoints per line, pause and run-now.</summary>
public sealed class FileDropSyncServiceTests : IDisposable
{
    private const string Key = "files";
    private static readonly AuditActor Admin = AuditActor.System("test");
    private readonly string folder = Directory.CreateTempSubdirectory("c360-drop-tests-").FullName;

    private string Incoming => Path.Combine(folder, "incoming");
    private string Done => Path.Combine(folder, "done");

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    private Task<(TestProfileStore, FileDropSyncService)> HostAsync(int linesPerBatch = 1_000) =>
        SyncTestHost.CreateAsync<FileDropSyncService>(new()
        {
            ["Key"] = Key, ["DisplayName"] = "Files", ["Kind"] = "FileDrop", ["Connector"] = "FileDrop", ["RecordKind"] = RecordKinds.Contact,
            ["Folder"] = folder, ["LinesPerBatch"] = linesPerBatch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    private static string ContactLine(int i, string email = "") =>
        $$"""{"id":"F-{{i}}","updatedAt":"2026-10-01T09:00:00Z","firstName":"Ann","lastName":"Lee","email":"{{(email.Length > 0 ? email : $"ann{i}@example.com")}}"}""";

    private string Drop(string name, IEnumerable<string> lines, string newline = "\n")
    {
        Directory.CreateDirectory(Incoming);
        var path = Path.Combine(Incoming, name);
        File.WriteAllText(path, string.Join(newline, lines) + newline);
        return path;
    }

    private static List<string> DemoLines(int people, int seed) =>
        new DemoCompany(new DemoCompanyOptions { People = people, Seed = seed }).RecordsFor("crm")
            .Select(r => Encoding.UTF8.GetString(r.Payload)).Where(l => !l.Contains('\n')).Distinct().ToList();

    [Fact]
    public async Task JsonLinesFile_IsIngested_AndMovedToDone()
    {
        var lines = DemoLines(people: 150, seed: 21);
        Drop("crm-export.jsonl", lines);
        var (test, service) = await HostAsync(linesPerBatch: 40);
        await using var _ = test;

        var result = await service.RunOnceAsync();

        Assert.Equal(SyncPassOutcome.Completed, result.Outcome);
        Assert.Equal(lines.Count, result.Taken);
        Assert.False(File.Exists(Path.Combine(Incoming, "crm-export.jsonl")));
        Assert.True(File.Exists(Path.Combine(Done, "crm-export.jsonl")));
        var source = await test.SourceAsync(Key);
        Assert.Equal((lines.Count, 0L), (source.Received, source.Duplicates));
        Assert.True(string.IsNullOrEmpty(source.Cursor), "a finished file leaves no checkpoint behind");
        await test.AssertCountsBalanceAsync(Key);
        // The stored payloads are the lines of the file, byte for byte.
        var hashes = (await test.StoredAsync(Key)).Select(r => r.PayloadHash).Concat((await test.QuarantinedAsync(Key)).Select(q => q.PayloadHash)).Order();
        Assert.Equal(lines.Select(l => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(l)))).Order(), hashes);
    }

    [Fact]
    public async Task MalformedLines_AreQuarantinedWithReasons_TheOthersStored_AndTheCountsBalance()
    {
        string[] lines =
        [
            ContactLine(1),
            "{\"id\":\"F-2\",\"updatedAt\":", // cut off
            ContactLine(3, email: "not-an-email"),
            "",
            "   ",
            "[1,2,3]",
            ContactLine(4),
            "{\"id\":\"F-5\",\"updatedAt\":\"2026-10-01T09:00:00Z\",\"firstName\":\"<script>alert(1)</script>\"}",
            ContactLine(6),
        ];
        Drop("mixed.jsonl", lines, newline: "\r\n");
        var (test, service) = await HostAsync(linesPerBatch: 3);
        await using var _ = test;

        await service.RunOnceAsync();

        var source = await test.SourceAsync(Key);
        var stored = await test.StoredAsync(Key);
        var quarantined = await test.QuarantinedAsync(Key);
        Assert.Equal(7, source.Received); // blank lines carry no record
        Assert.Equal(source.Received, source.Stored + source.Duplicates + source.Quarantined);
        Assert.Contains(stored, r => r.ExternalId == "F-1");
        Assert.Contains(stored, r => r.ExternalId == "F-4");
        Assert.Contains(stored, r => r.ExternalId == "F-6");
        Assert.DoesNotContain(stored, r => r.PayloadJson.EndsWith('\r'));
        Assert.Contains(quarantined, q => q.ExternalId == "F-3" && q.Reason.Contains("email"));
        Assert.Contains(quarantined, q => q.PayloadJson.StartsWith("{\"id\":\"F-2\"", StringComparison.Ordinal));
        Assert.All(quarantined, q => Assert.False(string.IsNullOrWhiteSpace(q.Reason)));
        Assert.DoesNotContain(quarantined, q => q.Reason.Contains("not-an-email"));
        await test.AssertCountsBalanceAsync(Key);
        Assert.True(File.Exists(Path.Combine(Done, "mixed.jsonl")));
    }

    [Fact]
    public async Task InvalidUtf8AndOversizedLines_AreQuarantined_NotAlteredOrDropped()
    {
        Directory.CreateDirectory(Incoming);
        var bom = new byte[] { 0xEF, 0xBB, 0xBF };
        var invalidUtf8 = Encoding.UTF8.GetBytes("{\"id\":\"F-8\",\"updatedAt\":\"2026-10-01T09:00:00Z\",\"firstName\":\"Ann").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();
        var huge = Encoding.UTF8.GetBytes($"{{\"id\":\"F-9\",\"updatedAt\":\"2026-10-01T09:00:00Z\",\"notes\":\"{new string('x', 200_000)}\"}}");
        using (var file = File.Create(Path.Combine(Incoming, "bytes.jsonl")))
        {
            foreach (var part in new[] { bom, Encoding.UTF8.GetBytes(ContactLine(7) + "\n"), invalidUtf8, "\n"u8.ToArray(), huge, "\n"u8.ToArray(), Encoding.UTF8.GetBytes(ContactLine(10)) })
                file.Write(part);
        }
        var (test, service) = await HostAsync();
        await using var _ = test;

        await service.RunOnceAsync();

        var stored = await test.StoredAsync(Key);
        var quarantined = await test.QuarantinedAsync(Key);
        Assert.Equal(["F-10", "F-7"], stored.Select(r => r.ExternalId).Order());
        Assert.Equal(2, quarantined.Count);
        Assert.Contains(quarantined, q => q.Reason.Contains("UTF-8", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(quarantined, q => q.Reason.Contains("large", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(invalidUtf8)), quarantined.Single(q => q.Reason.Contains("UTF-8", StringComparison.OrdinalIgnoreCase)).PayloadHash);
        await test.AssertCountsBalanceAsync(Key);
    }

    [Fact]
    public async Task FileNamedAfterAKind_CarriesThatKind()
    {
        Drop("ticket-x.jsonl", [
            """{"ticketId":"T-1","createdAt":"2026-10-02T10:00:00Z","subject":"Broken lamp","status":"open","priority":"high","email":"ann@example.com"}""",
        ]);
        Drop("contacts.jsonl", [ContactLine(1)]);
        var (test, service) = await HostAsync();
        await using var _ = test;

        await service.RunOnceAsync();

        var stored = await test.StoredAsync(Key);
        Assert.Equal(RecordKinds.Ticket, stored.Single(r => r.ExternalId == "T-1").Kind);
        Assert.Equal(RecordKinds.Contact, stored.Single(r => r.ExternalId == "F-1").Kind);
    }

    [Fact]
    public async Task PausedSource_RunsNoPass_AndResumeLetsTheFileIn()
    {
        var (test, service) = await HostAsync();
        await using var _ = test;
        var registry = test.Get<SourceRegistry>();
        await service.RunOnceAsync();
        await registry.PauseAsync(Key, Admin);
        Drop("later.jsonl", [ContactLine(1), ContactLine(2)]);
        test.Advance(TimeSpan.FromMinutes(5));

        var whilePaused = await service.TickAsync(CancellationToken.None);
        var onceWhilePaused = await service.RunOnceAsync();
        var stillThere = File.Exists(Path.Combine(Incoming, "later.jsonl"));
        await registry.ResumeAsync(Key, Admin);
        var resumed = await service.TickAsync(CancellationToken.None);

        Assert.Null(whilePaused);
        Assert.Equal(SyncPassOutcome.Paused, onceWhilePaused.Outcome);
        Assert.True(stillThere);
        Assert.Equal(SyncPassOutcome.Completed, resumed?.Outcome);
        Assert.Equal(2, (await test.SourceAsync(Key)).Stored);
    }

    [Fact]
    public async Task PauseDuringAPass_StopsBetweenBatches_AndResumeContinuesFromTheCheckpoint()
    {
        const int lines = 3_000;
        Drop("big.jsonl", Enumerable.Range(1, lines).Select(i => ContactLine(i)));
        // The pass stops on its clock part-way through the file while the admin pauses, as the sync page would from
        // another process; polling for progress instead lost the race on a busy machine (the pass finished first).
        var clock = new HoldingClock(holdAtCall: 40);
        var (test, service) = await SyncTestHost.CreateAsync<FileDropSyncService>(new()
        {
            ["Key"] = Key, ["DisplayName"] = "Files", ["Kind"] = "FileDrop", ["Connector"] = "FileDrop", ["RecordKind"] = RecordKinds.Contact,
            ["Folder"] = folder, ["LinesPerBatch"] = "10",
        }, configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        await using var _ = test;
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync(Key, "Files", SourceKind.FileDrop, ConnectorStyle.FileDrop);

        clock.Arm();
        var pass = Task.Run(() => service.RunOnceAsync());
        await clock.Held.WaitAsync(TimeSpan.FromSeconds(30));
        await registry.PauseAsync(Key, Admin);
        clock.Release();
        var first = await pass;
        var paused = await test.SourceAsync(Key);
        var stayed = File.Exists(Path.Combine(Incoming, "big.jsonl"));
        await registry.ResumeAsync(Key, Admin);
        var second = await service.RunOnceAsync();
        var finished = await test.SourceAsync(Key);

        Assert.Equal(SyncPassOutcome.Paused, first.Outcome);
        Assert.InRange(paused.Received, 10, lines - 10);
        Assert.Equal(0, paused.Received % 10); // whole batches only
        Assert.Equal(new FileDropSyncService.Checkpoint("big.jsonl", new FileInfo(Path.Combine(Done, "big.jsonl")).Length, paused.Received).ToString(), paused.Cursor);
        Assert.True(stayed, "a paused file stays in incoming/");
        Assert.Equal(SyncPassOutcome.Completed, second.Outcome);
        Assert.Equal((lines, lines, 0L), (finished.Received, finished.Stored, finished.Duplicates));
        Assert.True(File.Exists(Path.Combine(Done, "big.jsonl")));
    }

    /// <summary>The system clock, except that the n-th reading after <see cref="Arm"/> waits until the test releases it.</summary>
    private sealed class HoldingClock(int holdAtCall) : TimeProvider
    {
        private readonly TaskCompletionSource held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim released = new();
        private int calls = -1;

        public Task Held => held.Task;
        public void Arm() => Interlocked.Exchange(ref calls, 0);
        public void Release() => released.Set();

        public override DateTimeOffset GetUtcNow()
        {
            if (Volatile.Read(ref calls) >= 0 && Interlocked.Increment(ref calls) == holdAtCall)
            {
                held.SetResult();
                released.Wait(TimeSpan.FromSeconds(30));
            }
            return System.GetUtcNow();
        }
    }

    [Fact]
    public async Task RunNow_TriggersAPassBeforeTheIntervalIsUp()
    {
        var (test, service) = await HostAsync();
        await using var _ = test;
        var registry = test.Get<SourceRegistry>();
        Assert.NotNull(await service.TickAsync(CancellationToken.None)); // the first tick always runs
        Drop("urgent.jsonl", [ContactLine(1)]);
        test.Advance(TimeSpan.FromSeconds(2));

        var beforeRequest = await service.TickAsync(CancellationToken.None);
        await registry.RunNowAsync(Key, Admin);
        test.Advance(TimeSpan.FromSeconds(1));
        var afterRequest = await service.TickAsync(CancellationToken.None);
        test.Advance(TimeSpan.FromSeconds(1));
        var nextTick = await service.TickAsync(CancellationToken.None);

        Assert.Null(beforeRequest); // the 15 s interval is not up
        Assert.Equal(SyncPassOutcome.Completed, afterRequest?.Outcome);
        Assert.Equal(1, afterRequest?.Taken);
        Assert.Null(nextTick); // the request is used up
        Assert.True(File.Exists(Path.Combine(Done, "urgent.jsonl")));
    }

    [Fact]
    public async Task CheckpointAfterACrash_ResumesAtTheNextLine_WithoutDuplicates()
    {
        var lines = Enumerable.Range(1, 30).Select(i => ContactLine(i)).ToList();
        var length = new FileInfo(Drop("resume.jsonl", lines)).Length;
        var (test, service) = await HostAsync(linesPerBatch: 7);
        await using var _ = test;
        await test.Get<SourceRegistry>().EnsureSourceAsync(Key, "Files", SourceKind.FileDrop, ConnectorStyle.FileDrop);
        // What a process killed after its second batch leaves behind: 14 lines stored with their checkpoint.
        await test.Get<IntakePipeline>().IngestAsync(Key,
            lines.Take(14).Select(l => new IncomingRecord(Key, RecordKinds.Contact, Encoding.UTF8.GetBytes(l), DateTime.UtcNow)).ToList(), new FileDropSyncService.Checkpoint("resume.jsonl", length, 14).ToString());

        var result = await service.RunOnceAsync();

        Assert.Equal(16, result.Taken);
        var source = await test.SourceAsync(Key);
        Assert.Equal((30L, 30L, 0L), (source.Received, source.Stored, source.Duplicates));
    }

    [Fact]
    public async Task HalfReadFile_IsFinishedBeforeNewerFiles_SoNoProgressIsLost()
    {
        var length = new FileInfo(Drop("b.jsonl", Enumerable.Range(1, 20).Select(i => ContactLine(i)))).Length;
        Drop("a.jsonl", Enumerable.Range(21, 5).Select(i => ContactLine(i)));
        var (test, service) = await HostAsync(linesPerBatch: 5);
        await using var _ = test;
        await test.Get<SourceRegistry>().EnsureSourceAsync(Key, "Files", SourceKind.FileDrop, ConnectorStyle.FileDrop);
        await test.Get<IntakePipeline>().IngestAsync(Key,
            Enumerable.Range(1, 10).Select(i => new IncomingRecord(Key, RecordKinds.Contact, Encoding.UTF8.GetBytes(ContactLine(i)), DateTime.UtcNow)).ToList(), new FileDropSyncService.Checkpoint("b.jsonl", length, 10).ToString());

        await service.RunOnceAsync();

        var source = await test.SourceAsync(Key);
        Assert.Equal((25L, 25L, 0L), (source.Received, source.Stored, source.Duplicates));
        Assert.Empty(Directory.EnumerateFiles(Incoming));
    }

    [Fact]
    public async Task FileWithTheNameOfAFinishedOne_IsReadFromItsFirstLine()
    {
        var (test, service) = await HostAsync();
        await using var _ = test;
        Drop("daily.jsonl", Enumerable.Range(1, 5).Select(i => ContactLine(i)));
        await service.RunOnceAsync();
        Drop("daily.jsonl", Enumerable.Range(6, 8).Select(i => ContactLine(i)));

        var second = await service.RunOnceAsync();

        Assert.Equal(8, second.Taken);
        Assert.Equal(13, (await test.SourceAsync(Key)).Stored);
        Assert.Equal(2, Directory.EnumerateFiles(Done).Count());
    }

    [Fact]
    public async Task StaleCheckpointOfAFileNoLongerInIncoming_IsCleared()
    {
        var (test, service) = await HostAsync();
        await using var _ = test;
        await test.Get<SourceRegistry>().EnsureSourceAsync(Key, "Files", SourceKind.FileDrop, ConnectorStyle.FileDrop);
        // Killed after moving daily.jsonl to done/ but before clearing its checkpoint.
        await test.Get<IntakePipeline>().IngestAsync(Key, [], new FileDropSyncService.Checkpoint("daily.jsonl", 300, 5).ToString());

        var empty = await service.RunOnceAsync();

        Assert.Equal(0, empty.Taken);
        Assert.True(string.IsNullOrEmpty((await test.SourceAsync(Key)).Cursor));
    }

    [Fact]
    public async Task StaleCheckpoint_AndANewFileOfTheSameNameArrivedMeanwhile_TheNewFileIsReadWhole()
    {
        var (test, service) = await HostAsync();
        await using var _ = test;
        await test.Get<SourceRegistry>().EnsureSourceAsync(Key, "Files", SourceKind.FileDrop, ConnectorStyle.FileDrop);
        // Killed after finishing the first daily.jsonl (5 lines); the next day's daily.jsonl arrived before the restart.
        await test.Get<IntakePipeline>().IngestAsync(Key, [], new FileDropSyncService.Checkpoint("daily.jsonl", 300, 5).ToString());
        Drop("daily.jsonl", Enumerable.Range(1, 8).Select(i => ContactLine(i)));

        var result = await service.RunOnceAsync();

        Assert.Equal(8, result.Taken);
        Assert.Equal(8, (await test.SourceAsync(Key)).Stored);
    }

    [Theory]
    [InlineData("a.jsonl|120|7", "a.jsonl", 120L, 7L)]
    [InlineData("odd|name.jsonl|120|7", "odd|name.jsonl", 120L, 7L)]
    [InlineData("a.jsonl|7", null, 0L, 0L)]
    [InlineData("a.jsonl|x|7", null, 0L, 0L)]
    [InlineData("", null, 0L, 0L)]
    [InlineData(null, null, 0L, 0L)]
    public void Checkpoint_RoundTrips_AndRefusesWhatItDidNotWrite(string? cursor, string? file, long length, long line)
    {
        var parsed = FileDropSyncService.Checkpoint.Parse(cursor);

        Assert.Equal(file, parsed?.File);
        if (parsed is null) return;
        Assert.Equal((length, line), (parsed.Length, parsed.Line));
        Assert.Equal(cursor, parsed.ToString());
    }
}
