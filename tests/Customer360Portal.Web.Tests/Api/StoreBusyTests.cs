using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Api;
using Customer360Portal.Web.Tests.Setup;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Web.Tests.Api;

/// <summary>When another writer holds the SQLite store past the wait, senders get 503 + Retry-After, and their retry stores everything.</summary>
public class StoreBusyTests
{
    [Fact]
    public async Task IngestBatch_StoreHeldByAnotherWriter_503WithRetryAfter_ThenTheRetryStoresAll()
    {
        await using var portal = new PortalFactory();
        var file = Path.Combine(portal.DataFolder, "portal.db");
        // A one-second wait instead of thirty, so the test does not sit out the real timeout.
        portal.Settings["ConnectionStrings:ProfileStore"] = $"Data Source={file};Default Timeout=1";
        var registry = portal.Services.GetRequiredService<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        var key = (await registry.IssueKeyAsync("crm", ApiKeyKind.Ingest, AuditActor.System("test"))).Secret;
        using var client = portal.CreatePortalClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        const string batch = """
            {"records":[{"kind":"contact","data":{"id":"B-1","updatedAt":"2026-10-01T09:00:00Z","firstName":"Bo","lastName":"Lee","email":"bo@example.com"}},
                        {"kind":"contact","data":{"id":"B-2","updatedAt":"2026-10-01T09:00:00Z","firstName":"Di","lastName":"Lee","email":"di@example.com"}}]}
            """;

        HttpResponseMessage busy;
        await using (var writer = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await writer.OpenAsync();
            await using var hold = writer.BeginTransaction(deferred: false);
            busy = await client.PostAsync("/api/ingest/crm", new StringContent(batch, Encoding.UTF8, "application/json"));
        }
        var retry = await client.PostAsync("/api/ingest/crm", new StringContent(batch, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), busy.Headers.RetryAfter?.Delta);
        Assert.Contains("nothing from this request was stored", await busy.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var stored = (await retry.Content.ReadFromJsonAsync<IngestResponse>())!;
        Assert.Equal((2, 2, 0), (stored.Received, stored.Stored, stored.Duplicates));
    }

    [Fact]
    public void IsBusy_TransientProviderErrorWrappedByEf_IsBusy_OtherErrorsAreNot()
    {
        var busy = new Microsoft.EntityFrameworkCore.DbUpdateException("save failed", new SqliteException("database is locked", 5));

        Assert.True(StoreBusyFilter.IsBusy(busy));
        Assert.False(StoreBusyFilter.IsBusy(new SqliteException("constraint failed", 19)));
        Assert.False(StoreBusyFilter.IsBusy(new InvalidOperationException("bug")));
    }
}
