using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Sync;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;

namespace Customer360Portal.Core.Tests.Sync;

/// <summary>The pull connector against a real HTTP server on a loopback port, with the real resilience pipeline.</summary>
public class PullSyncServiceTests
{
    private const string Key = "crm";

    /// <summary>CRM contacts of the demo company as the CRM's API serves them (an API serialises whole objects, so no cut-off JSON).</summary>
    private static List<byte[]> Contacts(int people, int seed) =>
        new DemoCompany(new DemoCompanyOptions { People = people, Seed = seed }).RecordsFor("crm")
            .Select(r => r.Payload).Where(IsJson).ToList();

    private static bool IsJson(byte[] payload)
    {
        try { using var _ = JsonDocument.Parse(payload); return true; }
        catch (JsonException) { return false; }
    }

    private static Task<(TestProfileStore, PullSyncService)> HostAsync(FakeSourceApi api, int pageSize = 50) =>
        SyncTestHost.CreateAsync<PullSyncService>(new()
        {
            ["Key"] = Key, ["DisplayName"] = "CRM", ["Kind"] = "Crm", ["Connector"] = "Pull", ["RecordKind"] = RecordKinds.Contact,
            ["BaseUrl"] = api.BaseUrl, ["PageSize"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, systemClock: true);

    [Fact]
    public async Task RunOnce_PagesThroughTheApi_StoresEveryRecord_AndCheckpointsTheLastCursor()
    {
        await using var api = await FakeSourceApi.StartAsync();
        var contacts = Contacts(people: 300, seed: 11);
        api.Add(contacts);
        var (test, service) = await HostAsync(api);
        await using var _ = test;

        var result = await service.RunOnceAsync();

        Assert.Equal(SyncPassOutcome.Completed, result.Outcome);
        Assert.Equal(contacts.Count, result.Taken);
        var source = await test.SourceAsync(Key);
        Assert.Equal(contacts.Count, source.Received);
        Assert.Equal(0, source.Duplicates);
        Assert.True(source.Stored > contacts.Count * 9 / 10, $"most demo contacts are valid ({source.Stored} of {contacts.Count})");
        Assert.Equal(FakeSourceApi.CursorAt(contacts.Count), source.Cursor);
        Assert.Equal(contacts.Count, source.BackfillTotal);
        Assert.Equal(SyncState.Running, source.State);
        Assert.Null(source.LastError);
        Assert.Equal((contacts.Count + 49) / 50, api.PageRequests);
        await test.AssertCountsBalanceAsync(Key);
    }

    [Fact]
    public async Task SecondPass_BringsNothingNew_AndNewRecordsArriveOnTheNextPass()
    {
        await using var api = await FakeSourceApi.StartAsync();
        var contacts = Contacts(people: 200, seed: 12);
        api.Add(contacts.Take(120));
        var (test, service) = await HostAsync(api, pageSize: 40);
        await using var _ = test;
        await service.RunOnceAsync();
        var afterFirst = await test.SourceAsync(Key);

        var second = await service.RunOnceAsync();
        var afterSecond = await test.SourceAsync(Key);
        api.Add(contacts.Skip(120));
        var third = await service.RunOnceAsync();
        var afterThird = await test.SourceAsync(Key);

        Assert.Equal(0, second.Taken);
        Assert.Equal((afterFirst.Received, afterFirst.Stored, afterFirst.Cursor), (afterSecond.Received, afterSecond.Stored, afterSecond.Cursor));
        Assert.Equal(contacts.Count - 120, third.Taken);
        Assert.Equal(contacts.Count, afterThird.Received);
        Assert.Equal(0, afterThird.Duplicates);
        Assert.Equal(FakeSourceApi.CursorAt(contacts.Count), afterThird.Cursor);
        await test.AssertCountsBalanceAsync(Key);
    }

    [Fact]
    public async Task TransientFailures_AreRetried_AndNothingIsLostOrDuplicated()
    {
        await using var api = await FakeSourceApi.StartAsync();
        var contacts = Contacts(people: 100, seed: 13);
        api.Add(contacts);
        var (test, service) = await HostAsync(api, pageSize: 25);
        await using var _ = test;
        api.FailNext(503, 503);

        var result = await service.RunOnceAsync();

        Assert.Equal(SyncPassOutcome.Completed, result.Outcome);
        Assert.Equal(2, api.FailedRequests);
        Assert.Equal((contacts.Count + 24) / 25, api.PageRequests);
        var source = await test.SourceAsync(Key);
        Assert.Equal((contacts.Count, 0L), (source.Received, source.Duplicates));
        Assert.Equal(SyncState.Running, source.State);
        Assert.Null(source.LastError);
        var stored = await test.StoredAsync(Key);
        Assert.Equal(stored.Count, stored.Select(r => (r.ExternalId, r.PayloadHash)).Distinct().Count());
        await test.AssertCountsBalanceAsync(Key);
    }

    [Fact]
    public async Task PermanentFailure_MarksTheSourceFailingWithoutValues_AndTheNextSuccessClearsIt()
    {
        await using var api = await FakeSourceApi.StartAsync();
        var contacts = Contacts(people: 60, seed: 14);
        api.Add(contacts);
        var (test, service) = await HostAsync(api);
        await using var _ = test;
        api.FailAlways = 500;

        var failed = await service.RunOnceAsync();
        var failing = await test.SourceAsync(Key);
        api.FailAlways = null;
        var recovered = await service.RunOnceAsync();
        var healthy = await test.SourceAsync(Key);

        Assert.Equal(SyncPassOutcome.Failed, failed.Outcome);
        Assert.True(api.FailedRequests > 1, "the standard pipeline retries a 500 before giving up");
        Assert.Equal(SyncState.Failing, failing.State);
        Assert.Equal("The source answered HTTP 500 (InternalServerError).", failing.LastError);
        Assert.Equal(0, failing.Received);
        Assert.Equal(SyncPassOutcome.Completed, recovered.Outcome);
        Assert.Equal(SyncState.Running, healthy.State);
        Assert.Null(healthy.LastError);
        Assert.Equal(contacts.Count, healthy.Received);
    }

    [Fact]
    public async Task PausedSource_IsNotPulled()
    {
        await using var api = await FakeSourceApi.StartAsync();
        api.Add(Contacts(people: 20, seed: 15));
        var (test, service) = await HostAsync(api);
        await using var _ = test;
        await test.Get<SourceRegistry>().EnsureSourceAsync(Key, "CRM", SourceKind.Crm, ConnectorStyle.Pull);
        await test.Get<SourceRegistry>().PauseAsync(Key, AuditActor.System("test"));

        var result = await service.RunOnceAsync();

        Assert.Equal(SyncPassOutcome.Paused, result.Outcome);
        Assert.Equal(0, api.PageRequests);
        Assert.Equal(0, (await test.SourceAsync(Key)).Received);
    }

    [Theory]
    [InlineData("http://crm.example/api/contacts", null, "http://crm.example/api/contacts?limit=50")]
    [InlineData("http://crm.example/api/contacts", "a b&c", "http://crm.example/api/contacts?limit=50&cursor=a%20b%26c")]
    [InlineData("http://crm.example/api/contacts?tenant=7", "x", "http://crm.example/api/contacts?tenant=7&limit=50&cursor=x")]
    public void PageUrl_KeepsTheBaseQuery_AndEscapesTheCursor(string baseUrl, string? cursor, string expected) =>
        Assert.Equal(expected, PullSyncService.PageUrl(baseUrl, 50, cursor));
}
