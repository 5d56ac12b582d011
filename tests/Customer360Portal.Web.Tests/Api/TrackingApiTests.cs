using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Api;
using Customer360Portal.Web.Tests.Setup;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Web.Tests.Api;

public class TrackingApiTests(TrackingApiTests.TrackingPortal portal) : IClassFixture<TrackingApiTests.TrackingPortal>
{
    public const string Source = "site";

    /// <summary>The real portal with a tracking source "site", its write key, an ingest key of the same source, and a small rate limit.</summary>
    public sealed class TrackingPortal : PortalFactory, IAsyncLifetime
    {
        public string WriteKey { get; private set; } = "";
        public string IngestKey { get; private set; } = "";

        public TrackingPortal() => Settings["Intake:Tracking:RequestsPerSecond"] = "30";

        public async Task InitializeAsync()
        {
            var registry = Services.GetRequiredService<SourceRegistry>();
            await registry.EnsureSourceAsync(Source, "Web site", SourceKind.WebAnalytics, ConnectorStyle.Tracking);
            WriteKey = (await registry.IssueKeyAsync(Source, ApiKeyKind.WriteKey, AuditActor.System("test"))).Secret;
            IngestKey = (await registry.IssueKeyAsync(Source, ApiKeyKind.Ingest, AuditActor.System("test"))).Secret;
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
    }

    private HttpClient Client(string? writeKey)
    {
        var client = portal.CreatePortalClient();
        if (writeKey is not null) client.DefaultRequestHeaders.Authorization = Basic(writeKey);
        return client;
    }

    internal static AuthenticationHeaderValue Basic(string writeKey) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string NewId() => "msg-" + Guid.NewGuid().ToString("N");

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Track(string messageId, string anonymousId = "anon-1", string? extra = null) =>
        $$"""{"type":"track","messageId":"{{messageId}}","anonymousId":"{{anonymousId}}","event":"Signed Up","timestamp":"{{Iso(DateTime.UtcNow)}}"{{extra}}""" + "}";

    private async Task<SourceRecord?> StoredAsync(string messageId)
    {
        await using var store = await portal.Services.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContextAsync();
        return await store.SourceRecords.AsNoTracking().SingleOrDefaultAsync(r => r.SourceKey == Source && r.ExternalId == messageId);
    }

    private async Task<List<QuarantinedRecord>> QuarantinedAsync(string messageId)
    {
        await using var store = await portal.Services.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContextAsync();
        return await store.Quarantine.AsNoTracking().Where(r => r.SourceKey == Source && r.ExternalId == messageId).ToListAsync();
    }

    private async Task<DataSource> SiteAsync()
    {
        await using var store = await portal.Services.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContextAsync();
        return await store.DataSources.AsNoTracking().SingleAsync(s => s.Key == Source);
    }

    private static async Task AssertAcceptedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("success").GetBoolean());
    }

    private static JsonElement Normalised(SourceRecord record) => JsonDocument.Parse(record.NormalizedJson).RootElement;

    public static TheoryData<string, string, string> Messages => new()
    {
        { "identify", """{"userId":"U-1","traits":{"email":"  Ada.Lovelace@Example.COM ","firstName":"ada"}}""", "identify" },
        { "track", """{"anonymousId":"anon-1","event":"Signed Up","properties":{"plan":"pro"}}""", "track:Signed Up" },
        { "page", """{"anonymousId":"anon-1","name":"Pricing","properties":{"path":"/pricing"}}""", "page.viewed" },
        { "screen", """{"userId":"U-1","name":"Home"}""", "screen.viewed" },
        { "group", """{"userId":"U-1","groupId":"G-1","traits":{"name":"Acme"}}""", "group" },
        { "alias", """{"userId":"U-1","previousId":"anon-1"}""", "alias" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task SingleMessageEndpoint_WithTheWriteKey_StoresANormalisedWebEvent(string type, string message, string interaction)
    {
        using var client = Client(portal.WriteKey);
        var id = NewId();
        var body = message.Insert(1, $$"""
            "messageId":"{{id}}","timestamp":"{{Iso(DateTime.UtcNow)}}",
            """);

        await AssertAcceptedAsync(await client.PostAsync($"/v1/{type}", Json(body)));

        var record = await StoredAsync(id);
        Assert.NotNull(record);
        Assert.Equal(RecordKinds.WebEvent, record.Kind);
        Assert.Equal(interaction, Normalised(record).GetProperty("interactionType").GetString());
        using var payload = JsonDocument.Parse(record.PayloadJson);
        Assert.Equal(type, payload.RootElement.GetProperty("type").GetString());
        if (type == "identify")
        {
            Assert.Equal("ada.lovelace@example.com", Normalised(record).GetProperty("email").GetString());
            Assert.Equal("U-1", Normalised(record).GetProperty("accountId").GetString());
        }
    }

    [Fact]
    public async Task Batch_StoresEachMessageWithItsOwnType()
    {
        using var client = Client(portal.WriteKey);
        var (identify, track) = (NewId(), NewId());
        var batch = $$"""
            {"batch":[
              {"type":"identify","messageId":"{{identify}}","userId":"U-2","traits":{"email":"BEA@example.com"} },
              {{Track(track)}}
            ]}
            """;

        await AssertAcceptedAsync(await client.PostAsync("/v1/batch", Json(batch)));

        Assert.Equal("bea@example.com", Normalised((await StoredAsync(identify))!).GetProperty("email").GetString());
        Assert.Equal("track:Signed Up", Normalised((await StoredAsync(track))!).GetProperty("interactionType").GetString());
    }

    [Fact]
    public async Task WriteKeyInTheBody_AsTextPlain_IsAcceptedAndNotStored()
    {
        // How analytics.js sends (sendBeacon or fetch without a preflight): text/plain, the key in each message.
        using var client = Client(null);
        var id = NewId();
        var content = new StringContent(Track(id, extra: $$""","writeKey":"{{portal.WriteKey}}","sentAt":"{{Iso(DateTime.UtcNow)}}" """),
            Encoding.UTF8, "text/plain");

        var response = await client.PostAsync("/v1/t", content);

        await AssertAcceptedAsync(response);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var record = await StoredAsync(id);
        Assert.NotNull(record);
        Assert.DoesNotContain(portal.WriteKey, record.PayloadJson);
        Assert.DoesNotContain("writeKey", record.PayloadJson);
    }

    [Fact]
    public async Task AnalyticsJsBatch_WithTheWriteKeyInTheBody_IsAcceptedOnTheShortPath()
    {
        // analytics.js in batching mode: POST /v1/b, text/plain, the key in the batch and in every message.
        using var client = Client(null);
        var id = NewId();
        var key = $$""","writeKey":"{{portal.WriteKey}}" """;
        var content = new StringContent($$"""{"writeKey":"{{portal.WriteKey}}","batch":[{{Track(id, extra: key)}}],"sentAt":"{{Iso(DateTime.UtcNow)}}"}""",
            Encoding.UTF8, "text/plain");

        await AssertAcceptedAsync(await client.PostAsync("/v1/b", content));

        Assert.DoesNotContain(portal.WriteKey, (await StoredAsync(id))!.PayloadJson);
    }

    [Fact]
    public async Task BatchWhoseMessagesCarryDifferentWriteKeys_Is400()
    {
        using var client = Client(null);
        var batch = $$"""{"batch":[{{Track(NewId(), extra: $$""","writeKey":"{{portal.WriteKey}}" """)}},{{Track(NewId(), extra: ""","writeKey":"c360_other" """)}}]}""";

        var response = await client.PostAsync("/v1/batch", Json(batch));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("different write keys", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("c360_0000000000000000000000000000000000000000000000")]
    [InlineData("not-a-key")]
    public async Task MissingOrWrongWriteKey_Is401WithAProblem(string? key)
    {
        using var client = Client(key);

        var response = await client.PostAsync("/v1/track", Json(Track(NewId())));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task IngestApiKey_IsNotAWriteKey()
    {
        using var client = Client(portal.IngestKey);
        var id = NewId();

        var response = await client.PostAsync("/v1/batch", Json($$"""{"batch":[{{Track(id)}}]}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(await StoredAsync(id));
    }

    [Fact]
    public async Task SameBatchThreeTimes_IsStoredOnce()
    {
        using var client = Client(portal.WriteKey);
        var batch = $$"""{"batch":[{{Track(NewId())}},{{Track(NewId(), "anon-2")}}],"sentAt":"{{Iso(DateTime.UtcNow)}}"}""";
        var before = await SiteAsync();

        for (var i = 0; i < 3; i++)
            await AssertAcceptedAsync(await client.PostAsync("/v1/batch", Json(batch)));

        var after = await SiteAsync();
        Assert.Equal(2, after.Stored - before.Stored);
        Assert.Equal(4, after.Duplicates - before.Duplicates);
        Assert.Equal(after.Received, after.Stored + after.Duplicates + after.Quarantined);
    }

    [Fact]
    public async Task RetryOfAMessageWithoutMessageId_GetsTheSameGeneratedIdAndIsStoredOnce()
    {
        using var client = Client(portal.WriteKey);
        var anonymousId = "anon-" + Guid.NewGuid().ToString("N");
        var timestamp = Iso(DateTime.UtcNow.AddSeconds(-5));
        string Send(DateTime sentAt) =>
            $$"""{"batch":[{"type":"page","anonymousId":"{{anonymousId}}","name":"Home","timestamp":"{{timestamp}}"}],"sentAt":"{{Iso(sentAt)}}"}""";
        var before = await SiteAsync();

        await AssertAcceptedAsync(await client.PostAsync("/v1/batch", Json(Send(DateTime.UtcNow))));
        await AssertAcceptedAsync(await client.PostAsync("/v1/batch", Json(Send(DateTime.UtcNow.AddSeconds(3)))));

        var after = await SiteAsync();
        Assert.Equal((1, 1), (after.Stored - before.Stored, after.Duplicates - before.Duplicates));
        await using var store = await portal.Services.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContextAsync();
        var record = await store.SourceRecords.AsNoTracking().SingleAsync(r => r.SourceKey == Source && r.PayloadJson.Contains(anonymousId));
        Assert.StartsWith("c360-", record.ExternalId);
    }

    [Fact]
    public async Task SentAtAnHourAhead_MovesTheTimestampBackByThatHour()
    {
        // The client's clock runs an hour fast: it stamped the event 10 s before it sent it.
        using var client = Client(portal.WriteKey);
        var id = NewId();
        var clientNow = DateTime.UtcNow.AddHours(1);
        var clientTimestamp = Iso(clientNow.AddSeconds(-10));
        var message = $$"""{"messageId":"{{id}}","anonymousId":"anon-1","event":"Signed Up","timestamp":"{{clientTimestamp}}","sentAt":"{{Iso(clientNow)}}"}""";

        await AssertAcceptedAsync(await client.PostAsync("/v1/track", Json(message)));

        var record = (await StoredAsync(id))!;
        var expected = DateTime.UtcNow.AddSeconds(-10);
        Assert.InRange(record.OccurredAt, expected.AddSeconds(-30), expected.AddSeconds(5));
        using var payload = JsonDocument.Parse(record.PayloadJson);
        Assert.Equal(clientTimestamp, payload.RootElement.GetProperty("originalTimestamp").GetString());
        Assert.True(payload.RootElement.TryGetProperty("receivedAt", out _));
    }

    [Fact]
    public async Task BatchSentAt_CorrectsEveryMessageOfTheBatch()
    {
        using var client = Client(portal.WriteKey);
        var id = NewId();
        var clientNow = DateTime.UtcNow.AddHours(-2); // a clock two hours slow
        var batch = $$"""
            {"batch":[{"type":"track","messageId":"{{id}}","anonymousId":"anon-1","event":"Signed Up","timestamp":"{{Iso(clientNow.AddMinutes(-1))}}"}],
             "sentAt":"{{Iso(clientNow)}}"}
            """;

        await AssertAcceptedAsync(await client.PostAsync("/v1/batch", Json(batch)));

        var expected = DateTime.UtcNow.AddMinutes(-1);
        Assert.InRange((await StoredAsync(id))!.OccurredAt, expected.AddSeconds(-30), expected.AddSeconds(5));
    }

    [Fact]
    public async Task MissingTimestamp_UsesTheTimeOfReceipt()
    {
        using var client = Client(portal.WriteKey);
        var id = NewId();
        var sent = DateTime.UtcNow;

        await AssertAcceptedAsync(await client.PostAsync("/v1/page", Json($$"""{"messageId":"{{id}}","anonymousId":"anon-1","name":"Home"}""")));

        Assert.InRange((await StoredAsync(id))!.OccurredAt, sent.AddSeconds(-5), DateTime.UtcNow.AddSeconds(5));
    }

    [Fact]
    public async Task ConsentCategoryPreferences_AndBatchContext_AreKeptInThePayload()
    {
        using var client = Client(portal.WriteKey);
        var id = NewId();
        var batch = $$"""
            {"context":{"library":{"name":"test"},"ip":"203.0.113.9"},
             "batch":[{{Track(id, extra: ""","context":{"ip":"198.51.100.7","consent":{"categoryPreferences":{"Advertising":false,"Analytics":true}}}""")}}]}
            """;

        await AssertAcceptedAsync(await client.PostAsync("/v1/batch", Json(batch)));

        using var payload = JsonDocument.Parse((await StoredAsync(id))!.PayloadJson);
        var context = payload.RootElement.GetProperty("context");
        var preferences = context.GetProperty("consent").GetProperty("categoryPreferences");
        Assert.False(preferences.GetProperty("Advertising").GetBoolean());
        Assert.True(preferences.GetProperty("Analytics").GetBoolean());
        Assert.Equal("198.51.100.7", context.GetProperty("ip").GetString()); // the message's own wins
        Assert.Equal("test", context.GetProperty("library").GetProperty("name").GetString()); // the batch's fills in
    }

    [Fact]
    public async Task OversizedMessage_Is413()
    {
        using var client = Client(portal.WriteKey);
        var big = new string('x', 33 * 1024);

        var response = await client.PostAsync("/v1/track", Json(Track(NewId(), extra: $$""","properties":{"blob":"{{big}}"}""")));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("32 KB", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OversizedMessageInsideABatch_Is413NamingIt()
    {
        using var client = Client(portal.WriteKey);
        var big = new string('x', 33 * 1024);

        var response = await client.PostAsync("/v1/batch",
            Json($$"""{"batch":[{{Track(NewId())}},{{Track(NewId(), extra: $$""","properties":{"blob":"{{big}}"}""")}}]}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Message 1", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OversizedBatch_Is413()
    {
        using var client = Client(portal.WriteKey);
        var filler = new string('x', 20 * 1024);
        var messages = string.Join(",", Enumerable.Range(0, 30).Select(_ => Track(NewId(), extra: $$""","properties":{"blob":"{{filler}}"}""")));

        var response = await client.PostAsync("/v1/batch", Json($$"""{"batch":[{{messages}}]}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("500 KB", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"event\":\"secret-value", "not valid JSON")]
    [InlineData("/v1/batch", "[1,2,3]", "'batch' array")]
    [InlineData("/v1/batch", "{\"batch\":{}}", "'batch' array")]
    [InlineData("/v1/batch", "{\"batch\":[],\"batch\":[]}", "repeats")]
    [InlineData("/v1/track", "[{\"event\":\"secret-value\"}]", "JSON object")]
    [InlineData("/v1/track", "", "empty")]
    public async Task MalformedBody_Is400WithAReasonThatEchoesNothing(string path, string body, string expected)
    {
        using var client = Client(portal.WriteKey);

        var response = await client.PostAsync(path, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, text);
        Assert.DoesNotContain("secret-value", text);
    }

    [Fact]
    public async Task InvalidUtf8_Is400()
    {
        using var client = Client(portal.WriteKey);
        var content = new ByteArrayContent([.. "{\"event\":\""u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await client.PostAsync("/v1/track", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("UTF-8", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BatchWithOneInvalidMessage_QuarantinesItAndStoresTheOthers()
    {
        using var client = Client(portal.WriteKey);
        var (good1, bad, good2) = (NewId(), NewId(), NewId());
        var batch = $$"""
            {"batch":[
              {{Track(good1)}},
              {"type":"track","messageId":"{{bad}}","anonymousId":"anon-1","timestamp":"{{Iso(DateTime.UtcNow)}}"},
              {{Track(good2)}},
              42
            ]}
            """;
        var before = await SiteAsync();

        await AssertAcceptedAsync(await client.PostAsync("/v1/batch", Json(batch)));

        Assert.NotNull(await StoredAsync(good1));
        Assert.NotNull(await StoredAsync(good2));
        Assert.Null(await StoredAsync(bad));
        var quarantined = Assert.Single(await QuarantinedAsync(bad));
        Assert.Contains("event", quarantined.Reason);
        var after = await SiteAsync();
        Assert.Equal((4, 2, 2), (after.Received - before.Received, after.Stored - before.Stored, after.Quarantined - before.Quarantined));
    }

    [Fact]
    public async Task HostileEscapes_AreQuarantinedNotACrash()
    {
        using var client = Client(portal.WriteKey);
        var id = NewId();
        // A lone surrogate escape in a value and in a name: valid JSON syntax, but no text.
        var batch = $$"""{"\udc00":1,"batch":[{"type":"track","messageId":"{{id}}","anonymousId":"anon-1","event":"\ud800","\udc00":1}]}""";

        await AssertAcceptedAsync(await client.PostAsync("/v1/batch", Json(batch)));

        Assert.Null(await StoredAsync(id));
        await using var store = await portal.Services.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContextAsync();
        var quarantined = await store.Quarantine.AsNoTracking().SingleAsync(r => r.SourceKey == Source && r.PayloadJson.Contains(id));
        Assert.Contains("escape", quarantined.Reason);
    }

    [Fact]
    public async Task RepeatedTimestamp_IsQuarantinedNotGuessed()
    {
        using var client = Client(portal.WriteKey);
        var id = NewId();
        var message = $$"""{"messageId":"{{id}}","anonymousId":"anon-1","event":"Signed Up","timestamp":"{{Iso(DateTime.UtcNow)}}","timestamp":"2001-01-01T00:00:00Z"}""";

        await AssertAcceptedAsync(await client.PostAsync("/v1/track", Json(message)));

        Assert.Null(await StoredAsync(id));
        Assert.Contains("repeated", Assert.Single(await QuarantinedAsync(id)).Reason);
    }

    [Fact]
    public async Task Preflight_AllowsAnyOrigin()
    {
        using var client = Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/batch");
        request.Headers.Add("Origin", "https://shop.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheTrackingEndpoints()
    {
        using var client = Client(null);

        var document = await client.GetStringAsync("/openapi/v1.json");

        foreach (var path in new[] { "/v1/batch", "/v1/identify", "/v1/track", "/v1/page", "/v1/screen", "/v1/group", "/v1/alias" })
            Assert.Contains($"\"{path}\"", document);
        Assert.Contains("TrackingBatch", document);
        Assert.DoesNotContain("\"/v1/t\"", document);
    }

    [Fact]
    public async Task BurstOverTheRateLimit_GetsSome429WithAProblemBody()
    {
        // A key of its own: the limit is per write key, so the other tests keep their budget.
        var key = await portal.Services.GetRequiredService<SourceRegistry>().IssueKeyAsync(Source, ApiKeyKind.WriteKey, AuditActor.System("test"));
        using var client = Client(key.Secret);

        var responses = await Task.WhenAll(Enumerable.Range(0, 90).Select(_ => client.PostAsync("/v1/batch", Json("""{"batch":[]}"""))));

        Assert.True(responses.Any(r => r.StatusCode == HttpStatusCode.TooManyRequests),
            string.Join(",", responses.GroupBy(s => s.StatusCode).Select(g => $"{g.Key}:{g.Count()}")));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests));
        var rejected = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1", rejected.Headers.GetValues("Retry-After").Single());
    }
}

/// <summary>
/// Segment's own Node.js client (<c>@segment/analytics-node</c>, pinned in tests/tracking-client) against the real
/// portal on a loopback port: the in-memory test server cannot be reached from another process, so this portal runs
/// on Kestrel.
/// </summary>
public class TrackingApiOfficialClientTests(TrackingApiOfficialClientTests.LoopbackPortal portal)
    : IClassFixture<TrackingApiOfficialClientTests.LoopbackPortal>
{
    private const string Source = "client-site";
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(90);

    public sealed class LoopbackPortal : PortalFactory, IAsyncLifetime
    {
        public Uri Address { get; private set; } = null!;
        public string WriteKey { get; private set; } = "";

        public LoopbackPortal() => UseKestrel(0); // 127.0.0.1 on a free port

        public async Task InitializeAsync()
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            Address = new Uri(addresses.First());
            var registry = Services.GetRequiredService<SourceRegistry>();
            await registry.EnsureSourceAsync(Source, "Client site", SourceKind.WebAnalytics, ConnectorStyle.Tracking);
            WriteKey = (await registry.IssueKeyAsync(Source, ApiKeyKind.WriteKey, AuditActor.System("test"))).Secret;
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
    }

    [Fact]
    public async Task OfficialNodeClient_IdentifyTrackAndPage_AreStoredForTheSource()
    {
        var client = ClientFolder();
        Assert.True(Directory.Exists(Path.Combine(client, "node_modules", "@segment", "analytics-node")),
            $"{Path.Combine(client, "node_modules")} is missing: ./test.sh installs it (npm ci in tests/tracking-client).");
        var started = DateTime.UtcNow;

        var (exitCode, output) = await RunNodeAsync(client, "send.mjs", portal.Address.ToString().TrimEnd('/'), portal.WriteKey);

        Assert.True(exitCode == 0, $"node send.mjs exited with {exitCode}:{Environment.NewLine}{output}");
        await using var store = await portal.Services.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContextAsync();
        var records = await store.SourceRecords.AsNoTracking().Where(r => r.SourceKey == Source).ToListAsync();
        var byType = records.ToDictionary(r => JsonDocument.Parse(r.PayloadJson).RootElement.GetProperty("type").GetString()!);
        Assert.Equal(["identify", "page", "track"], byType.Keys.Order());
        foreach (var (type, record) in byType)
        {
            using var normalised = JsonDocument.Parse(record.NormalizedJson);
            var root = normalised.RootElement;
            Assert.Equal("user-tracking-client-0001", root.GetProperty("accountId").GetString());
            Assert.Equal("anon-tracking-client-0001", root.GetProperty("anonymousId").GetString());
            Assert.StartsWith("node-next-", record.ExternalId); // the client's own messageId
            Assert.InRange(record.OccurredAt, started.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
            Assert.Contains("\"@segment/analytics-node\"", record.PayloadJson);
        }
        using (var identify = JsonDocument.Parse(byType["identify"].NormalizedJson))
            Assert.Equal("ada.client@example.com", identify.RootElement.GetProperty("email").GetString());
        using (var track = JsonDocument.Parse(byType["track"].NormalizedJson))
            Assert.Equal("track:Signed Up", track.RootElement.GetProperty("interactionType").GetString());
        using (var page = JsonDocument.Parse(byType["page"].NormalizedJson))
            Assert.Equal("page.viewed", page.RootElement.GetProperty("interactionType").GetString());
    }

    private static async Task<(int ExitCode, string Output)> RunNodeAsync(string folder, params string[] arguments)
    {
        var node = Environment.GetEnvironmentVariable("C360_NODE") is { Length: > 0 } configured ? configured
            : File.Exists("/usr/bin/node") ? "/usr/bin/node" : "node";
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = folder,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"Could not start Node.js ({node}): {e.Message}. Install Node.js 20 or later, or set C360_NODE.");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(NodeTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node {string.Join(' ', arguments.Take(1))} did not finish within {NodeTimeout.TotalSeconds:0} s:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        }
        process.WaitForExit(); // flushes the redirected output
        return (process.ExitCode, string.Join(Environment.NewLine, output));
    }

    /// <summary>tests/tracking-client: found above the test binaries, or (with an artifacts path elsewhere) beside this source file.</summary>
    private static string ClientFolder([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Customer360Portal.sln")))
                    return Path.Combine(dir.FullName, "tests", "tracking-client");
            }
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} or {sourceFile} contains Customer360Portal.sln.");
    }
}
