using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.Privacy;

/// <summary>
/// The erasure proof on a real SQLite store: after erasing a person, none of their values is left in the database file
/// or its WAL, in the logs the product wrote, or in the drop files it keeps; re-sending their records stores nothing and
/// counts them as suppressed; other people are untouched.
/// </summary>
public class PersonErasureTests
{
    private static readonly AuditActor Officer = new("privacy-1", "privacy@example.com");

    // Philippa's values: each must be gone after the erasure. Ann's must stay (they prove the scan can find values).
    private const string Email = "philippa.qb@example.org";
    private static readonly string[] PhilippasValues = ["Quennell-Brackenbury", Email, "7700900777", "Larkspur Crescent", "Larkspur delivery", "PHQ-ACC-991"];
    private static readonly string[] AnnsValues = ["Okonkwo-Delacroix", "ann.od@example.net", "Juniper Mews"];

    private static IncomingRecord PhilippaContact() => Record("crm", RecordKinds.Contact,
        $$$"""{"id":"C-77","updatedAt":"2026-10-01T09:00:00Z","firstName":"Philippa","lastName":"Quennell-Brackenbury","email":"{{{Email}}}","phone":"+44 7700 900777","accountId":"PHQ-ACC-991","address":{"line1":"17 Larkspur Crescent","city":"Harrogate","postcode":"HG1 2QQ","country":"GB"}}""");

    private static IncomingRecord AnnContact() => Record("crm", RecordKinds.Contact,
        """{"id":"C-78","updatedAt":"2026-10-01T09:00:00Z","firstName":"Ann","lastName":"Okonkwo-Delacroix","email":"ann.od@example.net","address":{"line1":"3 Juniper Mews","city":"Bath","postcode":"BA1 1AA","country":"GB"}}""");

    private static IncomingRecord PhilippaVisit(string id, string timestamp) => Record("web", RecordKinds.WebEvent,
        $$"""{"messageId":"{{id}}","type":"page","name":"Home","anonymousId":"anon-phq","timestamp":"{{timestamp}}"}""");

    private static IncomingRecord PhilippaSignIn() => Record("web", RecordKinds.WebEvent,
        $$$"""{"messageId":"w-3","type":"identify","anonymousId":"anon-phq","userId":"PHQ-ACC-991","timestamp":"2026-10-07T09:00:00Z","traits":{"email":"{{{Email}}}"}}""");

    /// <summary>A broken order that mentions her email: intake quarantines it, with her email in its payload.</summary>
    private static IncomingRecord PhilippaBrokenOrder() => Record("shop", RecordKinds.Order,
        $$"""{"orderNumber":"ORD-BAD-1","placedAt":"2026-10-05T10:30:00Z","currency":"GBP","total":"-5.00","status":"paid","email":"{{Email}}","lines":[]}""");

    private sealed class CapturingLogger(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + exception);
        public void Dispose() { }
    }

    private static async Task<(TestProfileStore Test, ConcurrentQueue<string> Logs, string DropFolder)> StoreAsync()
    {
        var logs = new ConcurrentQueue<string>();
        var drop = "";
        var test = await CoreHost.CreateAsync(builder =>
        {
            // Inside the test store's folder, so it goes with it.
            drop = Directory.CreateDirectory(Path.Combine(builder.Configuration["ProfileStore:DataFolder"]!, "drop")).FullName;
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(new CapturingLogger(logs));
            builder.Configuration["Sync:Sources:0:Key"] = "helpdesk";
            builder.Configuration["Sync:Sources:0:Folder"] = drop;
            builder.AddErasure();
        });
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        await registry.EnsureSourceAsync("web", "Web", SourceKind.WebAnalytics, ConnectorStyle.Tracking);
        return (test, logs, drop);
    }

    private static async Task<long> ProfileOfAsync(TestProfileStore test, string email)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return await store.Identifiers.Where(i => i.Type == IdentifierType.Email && i.Value == email).Select(i => i.CustomerId).SingleAsync();
    }

    /// <summary>Every byte the store keeps on disk: the database file, its WAL and shared memory.</summary>
    private static string StoreBytes(TestProfileStore test)
    {
        var text = new StringBuilder();
        foreach (var path in Directory.EnumerateFiles(test.Folder, "portal.db*"))
        {
            try
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                file.CopyTo(memory);
                text.Append(Encoding.Latin1.GetString(memory.ToArray())); // byte for byte: UTF-8 text of the values shows as is
            }
            catch (FileNotFoundException)
            {
                // SQLite removes the WAL and shared-memory files when the last connection closes: gone, it holds nothing.
            }
        }
        return text.ToString();
    }

    [Fact]
    public async Task Erasure_LeavesNoValueInTheDatabaseFilesLogsOrDropFiles_AndResentRecordsAreSuppressed()
    {
        var (test, logs, drop) = await StoreAsync();
        await using var _ = test;
        var intake = test.Get<IntakePipeline>();
        var projection = test.Get<ProfileProjection>();
        // She browses anonymously, then signs in (the visits are stitched to her profile), and a broken order is quarantined.
        await intake.IngestAsync("web", [PhilippaVisit("w-1", "2026-10-06T08:00:00Z"), PhilippaVisit("w-2", "2026-10-06T08:05:00Z")]);
        await projection.CatchUpAsync();
        await intake.IngestAsync("crm", [PhilippaContact(), AnnContact()]);
        await intake.IngestAsync("shop", [Order("ORD-PHQ-1", Email), PhilippaBrokenOrder()]);
        await projection.CatchUpAsync();
        await intake.IngestAsync("web", [PhilippaSignIn()]);
        await projection.CatchUpAsync();
        var philippa = await ProfileOfAsync(test, Email);
        await test.Get<CustomerNotes>().AddAsync(philippa, "Philippa asked about the Larkspur delivery.", null, Officer);
        Directory.CreateDirectory(Path.Combine(drop, "done"));
        File.WriteAllLines(Path.Combine(drop, "done", "tickets.jsonl"),
            [$$"""{"ticketId":"T-1","email":"{{Email}}","subject":"Larkspur delivery late"}""", """{"ticketId":"T-2","email":"ann.od@example.net","subject":"Juniper Mews parcel"}"""]);
        await using (var before = await test.Stores.CreateDbContextAsync())
        {
            Assert.True(await before.Merges.AnyAsync(m => m.SurvivorId == philippa), "the anonymous visits were stitched to her profile");
            Assert.True(await before.Quarantine.AnyAsync(), "the broken order is in quarantine");
        }
        Assert.All(PhilippasValues.Take(4), v => Assert.Contains(v, StoreBytes(test))); // the scan sees her before

        var receipt = await test.Get<PersonErasure>().EraseAsync(philippa, requestId: null, Officer);

        var bytes = StoreBytes(test);
        Assert.All(PhilippasValues, v => Assert.DoesNotContain(v, bytes));
        Assert.All(AnnsValues, v => Assert.Contains(v, bytes));
        var logged = string.Join("\n", logs);
        Assert.All(PhilippasValues, v => Assert.DoesNotContain(v, logged));
        var dropped = File.ReadAllText(Path.Combine(drop, "done", "tickets.jsonl"));
        Assert.DoesNotContain(Email, dropped);
        Assert.Contains("ann.od@example.net", dropped);
        Assert.True(receipt.StorageCompacted);
        Assert.Equal(2, receipt.ProfileIds.Count); // her profile and the anonymous one stitched into it
        Assert.Equal(1, receipt.FilesRewritten);
        Assert.DoesNotContain(Email, receipt.ToJson());

        // The next sync sends her records again: nothing is stored, each is counted as suppressed.
        var again = await intake.IngestAsync("crm", [PhilippaContact()]);
        var orderAgain = await intake.IngestAsync("shop", [Order("ORD-PHQ-1", Email)]);
        var signInAgain = await intake.IngestAsync("web", [PhilippaSignIn()]);
        await projection.CatchUpAsync();
        Assert.Equal((1, 0), (again.Suppressed, again.Stored));
        Assert.Equal((1, 0), (orderAgain.Suppressed, orderAgain.Stored));
        Assert.Equal((1, 0), (signInAgain.Suppressed, signInAgain.Stored));
        await using var after = await test.Stores.CreateDbContextAsync();
        Assert.Equal(1, (await after.DataSources.SingleAsync(s => s.Key == "crm")).Suppressed);
        Assert.Equal(1, await after.Customers.CountAsync(c => c.Status == CustomerStatus.Active)); // Ann only
        Assert.All(PhilippasValues, v => Assert.DoesNotContain(v, StoreBytes(test)));
        var audit = await after.AuditLog.SingleAsync(a => a.Action == "person.erased");
        Assert.Equal(philippa.ToString(), audit.TargetId);
        Assert.DoesNotContain("@", audit.Details);
    }

    [Fact]
    public async Task Erasure_KeepsAHouseholdEmailOffTheSuppressionList()
    {
        var (test, _, _) = await StoreAsync();
        await using var _ = test;
        var intake = test.Get<IntakePipeline>();
        // Two people, one shared family email; each has an account id of their own.
        await intake.IngestAsync("crm", [
            Record("crm", RecordKinds.Contact, """{"id":"C-1","updatedAt":"2026-10-01T09:00:00Z","firstName":"Ann","lastName":"Lee","email":"family@example.com","accountId":"A-1"}"""),
            Record("crm", RecordKinds.Contact, """{"id":"C-2","updatedAt":"2026-10-01T09:00:00Z","firstName":"Ben","lastName":"Lee","email":"family@example.com","accountId":"A-2"}"""),
        ]);
        await test.Get<ProfileProjection>().CatchUpAsync();
        await using var store = await test.Stores.CreateDbContextAsync();
        var ann = await store.Identifiers.Where(i => i.Type == IdentifierType.AccountId && i.Value == "A-1").Select(i => i.CustomerId).SingleAsync();

        var receipt = await test.Get<PersonErasure>().EraseAsync(ann, null, Officer);
        var bensNextOrder = await intake.IngestAsync("shop", [Order("ORD-BEN-2", "family@example.com")]);
        var annsAccountAgain = await intake.IngestAsync("crm", [
            Record("crm", RecordKinds.Contact, """{"id":"C-1","updatedAt":"2026-10-02T09:00:00Z","firstName":"Ann","lastName":"Lee","accountId":"A-1"}""")]);

        Assert.Equal(1, receipt.SuppressedIdentifiers); // her account id, not the family email
        Assert.Equal((1, 0), (bensNextOrder.Stored, bensNextOrder.Suppressed));
        Assert.Equal(1, annsAccountAgain.Suppressed);
    }

    [Fact]
    public async Task ErasureCoverage_IncludesEveryEntityThatPointsAtACustomer()
    {
        await using var test = await CoreHost.CreateAsync();
        await using var store = await test.Stores.CreateDbContextAsync();

        var linked = store.Model.GetEntityTypes()
            .Where(e => e.GetForeignKeys().Any(fk => fk.PrincipalEntityType.ClrType == typeof(Customer))
                || e.GetProperties().Any(p => p.Name.EndsWith("CustomerId", StringComparison.Ordinal) || p.Name is "SurvivorId" or "MergedId"))
            .Select(e => e.ClrType).ToList();

        Assert.NotEmpty(linked);
        var missing = linked.Where(t => !PersonErasure.Coverage.ContainsKey(t)).Select(t => t.Name).ToList();
        Assert.True(missing.Count == 0, $"Customer-linked entities outside the erasure: {string.Join(", ", missing)}. Erase their rows in PersonErasure and list them in Coverage.");
    }
}
