using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Sync;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Customer360Portal.Core.Tests.Sync;

/// <summary>CSV files in the file-drop connector: header paths to JSON records, malformed rows quarantined, checkpoints per row.</summary>
public sealed class FileDropCsvTests : IDisposable
{
    private const string Key = "files";
    private const string ContactHeader = "id,updatedAt,firstName,lastName,email";
    private readonly string folder = Directory.CreateTempSubdirectory("c360-csv-tests-").FullName;

    private string Incoming => Path.Combine(folder, "incoming");
    private string Done => Path.Combine(folder, "done");
    private string Failed => Path.Combine(folder, "failed");

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

    private static string ContactRow(int i) => $"F-{i},2026-10-01T09:00:00Z,Ann,Lee,ann{i}@example.com";

    /// <summary>Writes a UTF-8 file into incoming/ ("\uFEFF" first writes the byte order mark EF BB BF).</summary>
    private string Drop(string name, string text, bool bom = false)
    {
        Directory.CreateDirectory(Incoming);
        var path = Path.Combine(Incoming, name);
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes((bom ? "\uFEFF" : "") + text));
        return path;
    }

    private static NormalisedRecord Normalised(SourceRecord record) =>
        JsonSerializer.Deserialize(record.NormalizedJson, IntakeJson.Storage.NormalisedRecord)!;

    private static void AssertJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}\nactual   {actual}");

    [Fact]
    public async Task CsvContacts_WithNestedAddressQuotesNewlinesCommasBomAndCrlf_AreStoredAndNormalised()
    {
        string[] rows =
        [
            "id,updatedAt,firstName,lastName,email,phone,accountId,address.line1,address.city,address.postcode,address.country,traits.plan,traits.note",
            "C-1,2026-10-01T09:00:00Z,ann,O'Neil,Ann.Lee@Example.com,020 7123 4567,007,\"1 High St, Flat \"\"B\"\"\",London,sw1a 1aa,United Kingdom,gold,\"first line\r\nsecond line, with a comma\"",
            "C-2,2026-10-02T09:00:00Z,Bob,,bob@example.com,,,,,,,,",
            "C-3,2026-10-03T09:00:00Z,Zoë,\"Smith\",,+33 1 42 68 53 00,,,Paris, 75008 ,FR,,",
        ];
        Drop("crm.csv", string.Join("\r\n", rows) + "\r\n", bom: true);
        var (test, service) = await HostAsync(linesPerBatch: 2);
        await using var _ = test;

        var result = await service.RunOnceAsync();

        Assert.Equal((SyncPassOutcome.Completed, 3L), (result.Outcome, result.Taken));
        Assert.True(File.Exists(Path.Combine(Done, "crm.csv")));
        var stored = (await test.StoredAsync(Key)).ToDictionary(r => r.ExternalId);
        Assert.Empty(await test.QuarantinedAsync(Key));
        Assert.Equal(["C-1", "C-2", "C-3"], stored.Keys.Order());
        Assert.All(stored.Values, r => Assert.Equal(RecordKinds.Contact, r.Kind));

        // Empty cells are missing, not "", and an address with no cell is no object at all.
        AssertJson("""{"id":"C-2","updatedAt":"2026-10-02T09:00:00Z","firstName":"Bob","email":"bob@example.com"}""", stored["C-2"].PayloadJson);
        AssertJson("""
            {"id":"C-1","updatedAt":"2026-10-01T09:00:00Z","firstName":"ann","lastName":"O'Neil","email":"Ann.Lee@Example.com",
             "phone":"020 7123 4567","accountId":"007",
             "address":{"line1":"1 High St, Flat \"B\"","city":"London","postcode":"sw1a 1aa","country":"United Kingdom"},
             "traits":{"plan":"gold","note":"first line\r\nsecond line, with a comma"}}
            """, stored["C-1"].PayloadJson);

        var ann = Normalised(stored["C-1"]);
        Assert.Equal(("Ann", "O'Neil", "ann.lee@example.com", "+442071234567"), (ann.GivenName, ann.FamilyName, ann.Email, ann.Phone));
        Assert.Equal("007", ann.AccountId); // identifiers stay text: the leading zeros survive
        Assert.Equal(("1 High St, Flat \"B\"", "London", "SW1A 1AA", "GB"), (ann.AddressLine, ann.City, ann.Postcode, ann.Country));
        Assert.Equal("first line\r\nsecond line, with a comma", ann.Traits["note"]);
        Assert.Equal(new DateTime(2026, 10, 1, 9, 0, 0, DateTimeKind.Utc), ann.OccurredAt);

        var zoe = Normalised(stored["C-3"]);
        Assert.Equal(("Zoë", "Smith", "+33142685300", "Paris", "75008", "FR"), (zoe.GivenName, zoe.FamilyName, zoe.Phone, zoe.City, zoe.Postcode, zoe.Country));
        await test.AssertCountsBalanceAsync(Key);
    }

    [Fact]
    public async Task CsvOrders_WithDecimalTotalsAndLineColumns_AreStoredWithAmountsAndItems()
    {
        string[] rows =
        [
            "orderNumber,placedAt,currency,total,status,email,lines[0].sku,lines[0].name,lines[0].quantity,lines[0].unitPrice,lines[1].sku,lines[1].name,lines[1].quantity,lines[1].unitPrice,shippingAddress.city,shippingAddress.country",
            "O-1,2026-10-03T10:00:00Z,GBP,12.50,paid,ann@example.com,SKU-1,\"Lamp, brass\",2,5.00,SKU-2,Bulb,1,2.50,Leeds,GB",
            "O-2,2026-10-03T11:00:00Z,EUR,1234.5,placed,bob@example.com,SKU-3,Chair,1,1234.50,,,,,,",
            "O-3,2026-10-03T12:00:00Z,GBP,3.00,placed,cy@example.com,SKU-4,Pen,two,1.50,,,,,,",
        ];
        // The file name gives the kind: the source's own kind is contact.
        Drop("order-export.csv", string.Join("\n", rows) + "\n");
        var (test, service) = await HostAsync();
        await using var _ = test;

        await service.RunOnceAsync();

        var stored = (await test.StoredAsync(Key)).ToDictionary(r => r.ExternalId);
        Assert.Equal(["O-1", "O-2"], stored.Keys.Order());
        var first = Normalised(stored["O-1"]);
        Assert.Equal((RecordKinds.Order, 1250L, "GBP", "Order O-1 · 3 items · 12.50 GBP"), (first.Kind, first.AmountMinor, first.Currency, first.Summary));
        Assert.Equal(("Leeds", "GB"), (first.City, first.Country));
        var second = Normalised(stored["O-2"]);
        Assert.Equal((123450L, "EUR", "Order O-2 · 1 item · 1234.50 EUR"), (second.AmountMinor, second.Currency, second.Summary));
        // Quantities are JSON numbers (intake needs them so); amounts stay decimal strings; unused line columns add nothing.
        AssertJson("""
            {"orderNumber":"O-2","placedAt":"2026-10-03T11:00:00Z","currency":"EUR","total":"1234.5","status":"placed","email":"bob@example.com",
             "lines":[{"sku":"SKU-3","name":"Chair","quantity":1,"unitPrice":"1234.50"}]}
            """, stored["O-2"].PayloadJson);
        // A quantity that is no number stays text, and intake says why it refuses it.
        var refused = Assert.Single(await test.QuarantinedAsync(Key));
        Assert.Equal(("O-3", RecordKinds.Order), (refused.ExternalId, refused.Kind));
        Assert.Contains("lines[0].quantity", refused.Reason);
        await test.AssertCountsBalanceAsync(Key);
    }

    [Fact]
    public async Task MalformedRows_AreQuarantinedWithReasons_ReadingGoesOn_AndTheCountsBalance()
    {
        string[] rows =
        [
            ContactHeader + ",traits.note",
            ContactRow(1) + ",",
            "F-2,2026-10-01T09:00:00Z,Ann,Lee,ann2@example.com,,surplus",    // more cells than the header
            "F-3,2026-10-01T09:00:00Z,Ann",                                   // fewer
            "F-4,2026-10-01T09:00:00Z,\"Ann\"x,Lee,ann4@example.com,",       // text after the closing quote
            ",,,,,",                                                          // a blank spreadsheet row: no record
            "",
            "F-5,2026-10-01T09:00:00Z,\"Ann,Lee,ann5@example.com,",          // a quote never closed: swallows the lines after it
            ContactRow(6) + ",",
            ContactRow(7) + ",",
            ContactRow(8) + ",\"said \"\"hi\"\"\"",                           // the next quote: CsvHelper's record ends here
            ContactRow(9) + ",",
            "F-10,2026-10-01T09:00:00Z,Ann,Lee,not-an-email,",                // a record intake refuses
            ContactRow(11) + ",5'10\" tall",                                  // a stray quote in an unquoted field is text
            "F-12,2026-10-01T09:00:00Z,\"Ann,Lee,ann12@example.com,",        // a quote never closed, on the last line
        ];
        Drop("mixed.csv", string.Join("\r\n", rows));
        var (test, service) = await HostAsync(linesPerBatch: 3);
        await using var _ = test;

        await service.RunOnceAsync();

        var source = await test.SourceAsync(Key);
        var stored = await test.StoredAsync(Key);
        var quarantined = await test.QuarantinedAsync(Key);
        Assert.Equal(12, source.Received); // every row but the blank ones
        Assert.Equal(["F-1", "F-11", "F-6", "F-7", "F-8", "F-9"], stored.Select(r => r.ExternalId).Order());
        Assert.Equal("said \"hi\"", Normalised(stored.Single(r => r.ExternalId == "F-8")).Traits["note"]);
        Assert.Equal("5'10\" tall", Normalised(stored.Single(r => r.ExternalId == "F-11")).Traits["note"]);
        Assert.Equal(6, quarantined.Count);
        string Raw(QuarantinedRecord q) => JsonSerializer.Deserialize<string>(q.PayloadJson)!;
        var malformed = quarantined.Where(q => q.Reason.StartsWith("csv:", StringComparison.Ordinal)).ToDictionary(q => Raw(q).Split(',')[0]);
        Assert.Equal(["F-12", "F-2", "F-3", "F-4", "F-5"], malformed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("csv: the row has 7 cells, the header 6", malformed["F-2"].Reason);
        Assert.Equal("csv: the row has 3 cells, the header 6", malformed["F-3"].Reason);
        Assert.Equal("csv: text after the closing quote of a field", malformed["F-4"].Reason);
        Assert.Equal("csv: a quoted field is not closed", malformed["F-12"].Reason);
        // The payload is the raw row (for F-5 its first line only: the lines it swallowed were read again as rows).
        Assert.Equal(rows[2], Raw(malformed["F-2"]));
        Assert.Equal(rows[7], Raw(malformed["F-5"]));
        Assert.StartsWith("csv: ", malformed["F-5"].Reason);
        Assert.Contains(quarantined, q => q.ExternalId == "F-10" && q.Reason.Contains("email"));
        Assert.All(quarantined, q => Assert.DoesNotContain("example.com", q.Reason));
        Assert.All(quarantined, q => Assert.DoesNotContain("not-an-email", q.Reason));
        await test.AssertCountsBalanceAsync(Key);
        Assert.True(File.Exists(Path.Combine(Done, "mixed.csv")));
    }

    [Fact]
    public async Task UnclosedQuoteNearTheTopOfALargeFile_CostsOneLine_NotTheRest()
    {
        const int rows = 3_000; // about 150 KB after the bad line: more than the 64 KB a row may have
        var text = new StringBuilder(ContactHeader).Append('\n')
            .Append("F-0,2026-10-01T09:00:00Z,\"Ann,Lee,ann0@example.com\n");
        for (var i = 1; i <= rows; i++) text.Append(ContactRow(i)).Append('\n');
        Drop("big.csv", text.ToString());
        var (test, service) = await HostAsync(linesPerBatch: 500);
        await using var _ = test;

        await service.RunOnceAsync();

        var source = await test.SourceAsync(Key);
        Assert.Equal((rows + 1L, (long)rows, 1L), (source.Received, source.Stored, source.Quarantined));
        var bad = Assert.Single(await test.QuarantinedAsync(Key));
        Assert.Equal("F-0,2026-10-01T09:00:00Z,\"Ann,Lee,ann0@example.com", JsonSerializer.Deserialize<string>(bad.PayloadJson));
        Assert.Equal("csv: the row runs past the payload limit (a quoted field may not be closed)", bad.Reason);
        await test.AssertCountsBalanceAsync(Key);
    }

    [Fact]
    public async Task RowLargerThanThePayloadLimit_IsQuarantinedAsTooLarge()
    {
        Drop("huge.csv", string.Join("\n", ContactHeader, ContactRow(1), $"F-2,2026-10-01T09:00:00Z,Ann,{new string('x', 200_000)},ann2@example.com", ContactRow(3)) + "\n");
        var (test, service) = await HostAsync();
        await using var _ = test;

        await service.RunOnceAsync();

        Assert.Equal(["F-1", "F-3"], (await test.StoredAsync(Key)).Select(r => r.ExternalId).Order());
        var huge = Assert.Single(await test.QuarantinedAsync(Key));
        Assert.Equal("csv: the row runs past the payload limit (a quoted field may not be closed); payload: larger than 65536 bytes", huge.Reason);
        Assert.StartsWith("F-2,2026-10-01T09:00:00Z,Ann,xxx", huge.PayloadJson); // kept cut, as intake keeps oversized payloads
        await test.AssertCountsBalanceAsync(Key);
    }

    [Fact]
    public async Task InvalidUtf8Row_IsQuarantinedAsItsBytes_NotAltered()
    {
        Directory.CreateDirectory(Incoming);
        var bad = Encoding.UTF8.GetBytes("F-2,2026-10-01T09:00:00Z,Ann").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes(",Lee,ann2@example.com")).ToArray();
        File.WriteAllBytes(Path.Combine(Incoming, "bytes.csv"),
            [.. Encoding.UTF8.GetBytes($"{ContactHeader}\n{ContactRow(1)}\n"), .. bad, .. Encoding.UTF8.GetBytes($"\n{ContactRow(3)}\n")]);
        var (test, service) = await HostAsync();
        await using var _ = test;

        await service.RunOnceAsync();

        Assert.Equal(["F-1", "F-3"], (await test.StoredAsync(Key)).Select(r => r.ExternalId).Order());
        var quarantined = Assert.Single(await test.QuarantinedAsync(Key));
        Assert.Contains("UTF-8", quarantined.Reason);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bad)), quarantined.PayloadHash);
    }

    public static TheoryData<string, string> UnusableHeaders => new()
    {
        { "id,updatedAt,,email\nF-1,2026-10-01T09:00:00Z,x,ann@example.com\n", "column 3 of the header has no name" },
        { "id,updatedAt,email,email\nF-1,2026-10-01T09:00:00Z,a@example.com,ann@example.com\n", "column 4 of the header repeats or contradicts column 3" },
        { "id,address,address.city\nF-1,Leeds,Leeds\n", "column 3 of the header repeats or contradicts column 2" },
        { "id,lines[x].sku\nF-1,S\n", "column 2 of the header is not a field path" },
        { "id,\"updatedAt\nF-1,2026-10-01T09:00:00Z\n", "the header row is not valid CSV" },
        // No header row at all: the first row is data, and the reason must not quote it.
        { "F-1,2026-10-01T09:00:00Z,Ann,Lee,ann@example.com\nF-2,2026-10-01T09:00:00Z,Bo,Lee,bo@example.com\n", "the header has no id column, which contact records need" },
    };

    [Theory]
    [MemberData(nameof(UnusableHeaders))]
    public async Task UnusableHeader_MovesTheFileToFailed_WithAValueFreeError_AndOtherFilesGoOn(string csv, string reason)
    {
        Drop("a-bad.csv", csv);
        Drop("b-good.csv", $"{ContactHeader}\n{ContactRow(1)}\n");
        var (test, service) = await HostAsync();
        await using var _ = test;

        var failed = await service.RunOnceAsync();
        var source = await test.SourceAsync(Key);
        var next = await service.RunOnceAsync();

        Assert.Equal(SyncPassOutcome.Failed, failed.Outcome);
        Assert.StartsWith($"a-bad.csv was moved to failed/: {reason}", source.LastError);
        Assert.DoesNotContain("example.com", source.LastError);
        Assert.DoesNotContain("Leeds", source.LastError);
        Assert.Equal(0, source.Received);
        Assert.True(File.Exists(Path.Combine(Failed, "a-bad.csv")));
        Assert.Equal((SyncPassOutcome.Completed, 1L), (next.Outcome, next.Taken));
        Assert.Null((await test.SourceAsync(Key)).LastError);
    }

    [Fact]
    public async Task Utf16File_IsMovedToFailed()
    {
        Directory.CreateDirectory(Incoming);
        File.WriteAllBytes(Path.Combine(Incoming, "wide.csv"), [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes($"{ContactHeader}\n{ContactRow(1)}\n")]);
        var (test, service) = await HostAsync();
        await using var _ = test;

        var result = await service.RunOnceAsync();

        Assert.Equal(SyncPassOutcome.Failed, result.Outcome);
        Assert.Contains("UTF-8", (await test.SourceAsync(Key)).LastError);
        Assert.True(File.Exists(Path.Combine(Failed, "wide.csv")));
    }

    [Fact]
    public async Task EmptyAndHeaderOnlyFiles_GoToDone_WithNoRecords()
    {
        Drop("empty.csv", "");
        Drop("header-only.csv", ContactHeader + "\r\n");
        var (test, service) = await HostAsync();
        await using var _ = test;

        var result = await service.RunOnceAsync();

        Assert.Equal((SyncPassOutcome.Completed, 0L), (result.Outcome, result.Taken));
        Assert.True(File.Exists(Path.Combine(Done, "empty.csv")));
        Assert.True(File.Exists(Path.Combine(Done, "header-only.csv")));
    }

    /// <summary>A file whose row numbers differ from its line numbers: a quoted line break, blank lines, a swallowing quote.</summary>
    private static List<string> ResumeRows(int count)
    {
        var rows = new List<string> { ContactHeader };
        for (var i = 1; i <= count; i++)
        {
            rows.Add(i switch
            {
                3 => "F-3,2026-10-01T09:00:00Z,\"Ann\r\nMarie\",Lee,ann3@example.com",
                5 => "",
                8 => "F-8,2026-10-01T09:00:00Z,\"Ann,Lee,ann8@example.com",
                12 => "F-12,2026-10-01T09:00:00Z,\"Ann \"\"Nan\"\"\",Lee,ann12@example.com",
                _ => ContactRow(i),
            });
        }
        return rows;
    }

    [Fact]
    public async Task CheckpointAfterACrash_ResumesAtTheNextRow_StoringEveryRowOnce()
    {
        var rows = ResumeRows(30);
        var path = Drop("resume.csv", string.Join("\r\n", rows) + "\r\n");
        var length = new FileInfo(path).Length;
        var (test, service) = await HostAsync(linesPerBatch: 4);
        await using var _ = test;
        await test.Get<SourceRegistry>().EnsureSourceAsync(Key, "Files", SourceKind.FileDrop, ConnectorStyle.FileDrop);
        // What a process killed after committing the first 10 rows leaves behind (the rows as the reader reads them).
        var read = new List<CsvDropReader.Row>();
        await foreach (var row in CsvDropReader.ReadAsync(path, RecordKinds.Contact, skip: 0, maxRowBytes: 65_537)) read.Add(row);
        await test.Get<IntakePipeline>().IngestAsync(Key,
            read.Take(10).Select(r => new IncomingRecord(Key, RecordKinds.Contact, r.Payload, DateTime.UtcNow)).ToList(),
            new FileDropSyncService.Checkpoint("resume.csv", length, read[9].Number).ToString());

        var result = await service.RunOnceAsync();

        Assert.Equal(read.Count - 10, result.Taken);
        var source = await test.SourceAsync(Key);
        Assert.Equal((read.Count, 0L), ((int)source.Received, source.Duplicates));
        Assert.Equal(read.Count, new HashSet<string>((await test.StoredAsync(Key)).Select(r => r.PayloadHash).Concat((await test.QuarantinedAsync(Key)).Select(q => q.PayloadHash))).Count);
        Assert.True(File.Exists(Path.Combine(Done, "resume.csv")));
        await test.AssertCountsBalanceAsync(Key);
    }

    [Fact]
    public async Task CancelledPass_ResumesFromItsCheckpoint_StoringEveryRowOnce()
    {
        var rows = ResumeRows(500);
        Drop("cancel.csv", string.Join("\n", rows) + "\n");
        var expected = await ReadAllAsync(Path.Combine(Incoming, "cancel.csv"));
        // The process is stopped part-way through the file, at the same point every run: on the clock's 40th reading
        // (a few readings per batch), wherever in a batch that falls.
        using var stop = new CancellationTokenSource();
        var clock = new StoppingClock(CoreHost.Now, readings: 40, stop);
        var (test, service) = await SyncTestHost.CreateAsync<FileDropSyncService>(new()
        {
            ["Key"] = Key, ["DisplayName"] = "Files", ["Kind"] = "FileDrop", ["Connector"] = "FileDrop", ["RecordKind"] = RecordKinds.Contact,
            ["Folder"] = folder, ["LinesPerBatch"] = "10",
        }, configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        await using var _ = test;
        await test.Get<SourceRegistry>().EnsureSourceAsync(Key, "Files", SourceKind.FileDrop, ConnectorStyle.FileDrop);

        clock.Arm();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.RunOnceAsync(stop.Token));
        var stopped = await test.SourceAsync(Key);
        var checkpoint = FileDropSyncService.Checkpoint.Parse(stopped.Cursor);
        var stayed = File.Exists(Path.Combine(Incoming, "cancel.csv"));
        var second = await service.RunOnceAsync();
        var finished = await test.SourceAsync(Key);

        Assert.InRange(stopped.Received, 10, expected - 10);
        Assert.Equal(0, stopped.Received % 10); // whole batches only
        Assert.NotNull(checkpoint);
        Assert.Equal(stopped.Received, checkpoint.Line); // every row up to the checkpoint is in, none after it
        Assert.True(stayed, "a stopped file stays in incoming/");
        Assert.Equal(SyncPassOutcome.Completed, second.Outcome);
        Assert.Equal(expected - stopped.Received, second.Taken);
        Assert.Equal((expected, 0L), (finished.Received, finished.Duplicates));
        Assert.Equal(expected, finished.Stored + finished.Quarantined);
        Assert.True(File.Exists(Path.Combine(Done, "cancel.csv")));
        await test.AssertCountsBalanceAsync(Key);
    }

    /// <summary>The test clock, which also cancels a token on its n-th reading once started.</summary>
    private sealed class StoppingClock(DateTimeOffset start, int readings, CancellationTokenSource stop) : FakeTimeProvider(start)
    {
        private int left = int.MaxValue;

        public void Arm() => left = readings;

        public override DateTimeOffset GetUtcNow()
        {
            if (Interlocked.Decrement(ref left) == 0) stop.Cancel();
            return base.GetUtcNow();
        }
    }

    private static async Task<long> ReadAllAsync(string path)
    {
        long count = 0;
        await foreach (var _ in CsvDropReader.ReadAsync(path, RecordKinds.Contact, 0, 65_537)) count++;
        return count;
    }

    [Fact]
    public async Task Reader_NumbersRowsAfterTheHeader_AndSkipsCommittedRowsWithoutConvertingThem()
    {
        var path = Drop("numbers.csv", string.Join("\n", ResumeRows(14)) + "\n");

        var all = new List<CsvDropReader.Row>();
        await foreach (var row in CsvDropReader.ReadAsync(path, RecordKinds.Contact, 0, 65_537)) all.Add(row);
        var rest = new List<CsvDropReader.Row>();
        await foreach (var row in CsvDropReader.ReadAsync(path, RecordKinds.Contact, 6, 65_537)) rest.Add(row);

        // 14 rows less the blank one; the lines the unclosed quote of F-8 swallowed are read again as rows of their own.
        Assert.Equal(Enumerable.Range(1, 13).Select(i => (long)i), all.Select(r => r.Number));
        Assert.Equal(all.Skip(6).Select(r => (r.Number, Encoding.UTF8.GetString(r.Payload), r.Problem)), rest.Select(r => (r.Number, Encoding.UTF8.GetString(r.Payload), r.Problem)));
        Assert.Contains("\"firstName\":\"Ann\\r\\nMarie\"", Encoding.UTF8.GetString(all[2].Payload));
    }
}
