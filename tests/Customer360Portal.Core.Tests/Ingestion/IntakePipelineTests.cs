using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.Ingestion;

public class IntakePipelineTests
{
    private static async Task<TestProfileStore> StoreWithSourcesAsync()
    {
        var test = await CoreHost.CreateAsync();
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        await registry.EnsureSourceAsync("web", "Web", SourceKind.WebAnalytics, ConnectorStyle.Tracking);
        return test;
    }

    private static async Task<DataSource> SourceAsync(TestProfileStore test, string key)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return await store.DataSources.AsNoTracking().SingleAsync(s => s.Key == key);
    }

    [Fact]
    public async Task SameBatchThreeTimes_IsStoredOnce_AndCountedAsDuplicates()
    {
        await using var test = await StoreWithSourcesAsync();
        var pipeline = test.Get<IntakePipeline>();
        IncomingRecord[] batch = [Contact("C-1", "jon@example.com"), Contact("C-2", "ann@example.com", "Ann", "Lee"), Contact("C-3", "not-an-email")];

        var first = await pipeline.IngestAsync("crm", batch);
        var second = await pipeline.IngestAsync("crm", batch);
        var third = await pipeline.IngestAsync("crm", batch);

        Assert.Equal([IntakeStatus.Stored, IntakeStatus.Stored, IntakeStatus.Quarantined], first.Statuses);
        Assert.Equal([IntakeStatus.Duplicate, IntakeStatus.Duplicate, IntakeStatus.QuarantinedDuplicate], second.Statuses);
        Assert.Equal(second.Statuses, third.Statuses);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(2, await store.SourceRecords.CountAsync());
        Assert.Equal(1, await store.Quarantine.CountAsync());
        var crm = await SourceAsync(test, "crm");
        Assert.Equal((9L, 2L, 6L, 1L), (crm.Received, crm.Stored, crm.Duplicates, crm.Quarantined));
        Assert.Equal(crm.Received, crm.Stored + crm.Duplicates + crm.Quarantined);
    }

    [Fact]
    public async Task ChangedRecord_IsANewVersion()
    {
        await using var test = await StoreWithSourcesAsync();
        var pipeline = test.Get<IntakePipeline>();

        await pipeline.IngestAsync("crm", [Contact("C-1", "jon@example.com")]);
        var changed = await pipeline.IngestAsync("crm", [Contact("C-1", "jon.smith@example.com", updatedAt: "2026-10-02T09:00:00Z")]);

        Assert.Equal([IntakeStatus.Stored], changed.Statuses);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(2, await store.SourceRecords.CountAsync(r => r.ExternalId == "C-1"));
    }

    [Fact]
    public async Task StoredRecord_KeepsTheOriginalPayloadAndTheNormalisedForm()
    {
        await using var test = await StoreWithSourcesAsync();
        var pipeline = test.Get<IntakePipeline>();

        await pipeline.IngestAsync("crm", [Contact("C-9", "  Jon.Smith@Example.COM ", "JONATHAN", "smith", phone: "07700 900123")]);

        await using var store = await test.Stores.CreateDbContextAsync();
        var record = await store.SourceRecords.SingleAsync();
        Assert.Contains("Jon.Smith@Example.COM", record.PayloadJson);
        Assert.Contains("\"email\":\"jon.smith@example.com\"", record.NormalizedJson);
        Assert.Contains("\"phone\":\"+447700900123\"", record.NormalizedJson);
        Assert.Contains("\"givenName\":\"Jonathan\"", record.NormalizedJson);
        Assert.Equal(new DateTime(2026, 10, 1, 9, 0, 0, DateTimeKind.Utc), record.OccurredAt);
        Assert.Equal(SourceRecordStatus.Pending, record.Status);
        Assert.Equal(64, record.PayloadHash.Length);
    }

    [Fact]
    public async Task QuarantinedRecord_KeepsPayloadAndEveryReasonWithoutTheValues()
    {
        await using var test = await StoreWithSourcesAsync();

        var outcome = await test.Get<IntakePipeline>().IngestAsync("shop",
            [Record("shop", RecordKinds.Order, """{"orderNumber":"O-1","placedAt":"yesterday","currency":"GBP","total":"-5","email":"secret.person@example.com@@"}""")]);

        Assert.Equal([IntakeStatus.Quarantined], outcome.Statuses);
        await using var store = await test.Stores.CreateDbContextAsync();
        var quarantined = await store.Quarantine.SingleAsync();
        Assert.Equal("O-1", quarantined.ExternalId);
        Assert.Contains("placedAt", quarantined.Reason);
        Assert.Contains("total", quarantined.Reason);
        Assert.Contains("email", quarantined.Reason);
        Assert.DoesNotContain("secret.person", quarantined.Reason);
        Assert.Contains("secret.person@example.com@@", quarantined.PayloadJson);
    }

    [Fact]
    public async Task Stream_WithCheckpoint_CommitsTheCursorWithTheRecords()
    {
        await using var test = await StoreWithSourcesAsync();
        var records = Enumerable.Range(1, 2_500).Select(i => Order($"O-{i}", $"buyer{i % 300}@example.com")).ToList();

        var outcome = await test.Get<IntakePipeline>().IngestStreamAsync("shop", records, batchSize: 1_000,
            cursorOf: r => System.Text.Encoding.UTF8.GetString(r.Payload.Span)[16..22]);

        Assert.Equal(new StreamOutcome(2_500, 2_500, 0, 0), outcome);
        var shop = await SourceAsync(test, "shop");
        Assert.Equal(2_500, shop.Stored);
        Assert.Equal("O-2500", shop.Cursor);
    }

    [Fact]
    public async Task UnknownSource_IsRefusedAndNothingIsStored()
    {
        await using var test = await StoreWithSourcesAsync();

        await Assert.ThrowsAsync<UnknownSourceException>(() => test.Get<IntakePipeline>().IngestAsync("nope", [Contact("C-1", "jon@example.com")]));

        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(0, await store.SourceRecords.CountAsync());
    }
}
