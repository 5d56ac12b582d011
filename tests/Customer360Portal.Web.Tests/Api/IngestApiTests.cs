using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Api;
using Customer360Portal.Web.Tests.Setup;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Web.Tests.Api;

public class IngestApiTests(IngestApiTests.IngestPortal portal) : IClassFixture<IngestApiTests.IngestPortal>
{
    /// <summary>The real portal with a push source "crm" and a small rate limit so 429 can be seen.</summary>
    public sealed class IngestPortal : PortalFactory, IAsyncLifetime
    {
        public string ApiKey { get; private set; } = "";
        public string OtherSourceKey { get; private set; } = "";

        public IngestPortal() => Settings["Intake:Api:RequestsPerSecond"] = "20";

        public async Task InitializeAsync()
        {
            var registry = Services.GetRequiredService<SourceRegistry>();
            await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
            await registry.EnsureSourceAsync("helpdesk", "Help desk", SourceKind.HelpDesk, ConnectorStyle.Push);
            ApiKey = (await registry.IssueKeyAsync("crm", ApiKeyKind.Ingest, AuditActor.System("test"))).Secret;
            OtherSourceKey = (await registry.IssueKeyAsync("helpdesk", ApiKeyKind.Ingest, AuditActor.System("test"))).Secret;
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
    }

    private HttpClient Client(string? key)
    {
        var client = portal.CreatePortalClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Contact(string id, string email) =>
        $$"""{"kind":"contact","data":{"id":"{{id}}","updatedAt":"2026-10-01T09:00:00Z","firstName":"Ann","lastName":"Lee","email":"{{email}}"} }""";

    private async Task<DataSource> CrmAsync()
    {
        await using var store = await portal.Services.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContextAsync();
        return await store.DataSources.AsNoTracking().SingleAsync(s => s.Key == "crm");
    }

    [Fact]
    public async Task Batch_WithAValidKey_AnswersPerRecord()
    {
        using var client = Client(portal.ApiKey);

        var response = await client.PostAsync("/api/ingest/crm", Json($$"""{"records":[{{Contact("A-1", "ann@example.com")}},{{Contact("A-2", "bad address")}}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<IngestResponse>())!;
        Assert.Equal((2, 1, 1), (body.Received, body.Stored, body.Quarantined));
        Assert.Equal("stored", body.Results[0].Status);
        Assert.Equal("A-1", body.Results[0].ExternalId);
        Assert.Equal("quarantined", body.Results[1].Status);
        Assert.Contains(body.Results[1].Reasons, r => r.StartsWith("email"));
        Assert.DoesNotContain(body.Results[1].Reasons, r => r.Contains("bad address"));
    }

    [Fact]
    public async Task SameBatchThreeTimes_IsStoredOnce()
    {
        using var client = Client(portal.ApiKey);
        var batch = $$"""{"records":[{{Contact("R-1", "r1@example.com")}},{{Contact("R-2", "r2@example.com")}}]}""";
        var before = await CrmAsync();

        var answers = new List<IngestResponse>();
        for (var i = 0; i < 3; i++)
            answers.Add((await (await client.PostAsync("/api/ingest/crm", Json(batch))).Content.ReadFromJsonAsync<IngestResponse>())!);

        Assert.Equal([2, 0, 0], answers.Select(a => a.Stored));
        Assert.Equal([0, 2, 2], answers.Select(a => a.Duplicates));
        var after = await CrmAsync();
        Assert.Equal(2, after.Stored - before.Stored);
        Assert.Equal(after.Received, after.Stored + after.Duplicates + after.Quarantined);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("c360_0000000000000000000000000000000000000000000000")]
    [InlineData("not-a-key")]
    public async Task MissingOrWrongKey_Is401(string? key)
    {
        using var client = Client(key);

        var response = await client.PostAsync("/api/ingest/crm", Json($$"""{"records":[{{Contact("X-1", "x@example.com")}}]}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task KeyOfAnotherSource_Is401()
    {
        using var client = Client(portal.OtherSourceKey);

        var response = await client.PostAsync("/api/ingest/crm", Json($$"""{"records":[{{Contact("X-2", "x@example.com")}}]}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"records\":[", "not valid JSON")]
    [InlineData("[1,2,3]", "'records' array")]
    [InlineData("{\"records\":{}}", "'records' array")]
    public async Task MalformedBody_Is400WithAReason(string body, string expected)
    {
        using var client = Client(portal.ApiKey);

        var response = await client.PostAsync("/api/ingest/crm", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task InvalidUtf8_Is400()
    {
        using var client = Client(portal.ApiKey);
        var bytes = Encoding.UTF8.GetBytes("{\"records\":[{\"kind\":\"contact\",\"data\":{\"id\":\"");
        var content = new ByteArrayContent([.. bytes, 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}}]}")]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await client.PostAsync("/api/ingest/crm", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("UTF-8", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        using var client = Client(portal.ApiKey);
        var huge = new string('a', 6 * 1024 * 1024);

        var response = await client.PostAsync("/api/ingest/crm", Json($$"""{"records":[{"kind":"contact","data":{"id":"{{huge}}"} }]}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task TooManyRecords_Is413()
    {
        using var client = Client(portal.ApiKey);
        var records = string.Join(",", Enumerable.Range(0, 1_001).Select(i => Contact($"M-{i}", $"m{i}@example.com")));

        var response = await client.PostAsync("/api/ingest/crm", Json($$"""{"records":[{{records}}]}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheIngestEndpoint()
    {
        using var client = Client(null);

        var document = await client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("/api/ingest/{source}", document);
        Assert.Contains("IngestRecords", document);
    }

    [Fact]
    public async Task BurstOverTheRateLimit_GetsSome429()
    {
        // A key of its own: the limit is per key, so the other tests keep their budget.
        var key = await portal.Services.GetRequiredService<SourceRegistry>().IssueKeyAsync("crm", ApiKeyKind.Ingest, AuditActor.System("test"));
        using var client = Client(key.Secret);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => client.PostAsync("/api/ingest/crm", Json("""{"records":[]}"""))));

        Assert.True(statuses.Any(r => r.StatusCode == HttpStatusCode.TooManyRequests),
            string.Join(",", statuses.GroupBy(s => s.StatusCode).Select(g => $"{g.Key}:{g.Count()}")));
        Assert.All(statuses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests));
        Assert.Contains(statuses, r => r.StatusCode == HttpStatusCode.OK);
    }
}
