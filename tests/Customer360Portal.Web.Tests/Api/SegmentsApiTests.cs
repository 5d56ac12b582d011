using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Segments;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Tests.Setup;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Web.Tests.Api;

/// <summary>The activation API: an activation key pages through a segment's consented members; others are refused.</summary>
public class SegmentsApiTests(SegmentsApiTests.SegmentPortal portal) : IClassFixture<SegmentsApiTests.SegmentPortal>
{
    public sealed class SegmentPortal : PortalFactory, IAsyncLifetime
    {
        public string ActivationKey { get; private set; } = "";
        public string IngestKey { get; private set; } = "";
        public long SegmentId { get; private set; }

        public async Task InitializeAsync()
        {
            var registry = Services.GetRequiredService<SourceRegistry>();
            await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
            ActivationKey = (await registry.IssueKeyAsync("newsletter-tool", ApiKeyKind.Activation, AuditActor.System("test"))).Secret;
            IngestKey = (await registry.IssueKeyAsync("crm", ApiKeyKind.Ingest, AuditActor.System("test"))).Secret;
            await using (var store = await Services.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContextAsync())
            {
                var yes = new Customer { GivenName = "Yes", Email = "yes@example.com", City = "Apiville", Status = CustomerStatus.Active, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
                var no = new Customer { GivenName = "No", Email = "no@example.com", City = "Apiville", Status = CustomerStatus.Active, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
                store.Customers.AddRange(yes, no);
                await store.SaveChangesAsync();
                store.ConsentStates.Add(new ConsentState { CustomerId = yes.Id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Granted, UpdatedAt = DateTime.UtcNow });
                store.ConsentStates.Add(new ConsentState { CustomerId = no.Id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Withdrawn, UpdatedAt = DateTime.UtcNow });
                await store.SaveChangesAsync();
            }
            SegmentId = await Services.GetRequiredService<SegmentCatalog>().CreateAsync("Apiville", SegmentRuleJson.Parse(
                """{ "type": "group", "combinator": "all", "rules": [ { "type": "field", "field": "city", "operator": "equals", "values": ["Apiville"] } ] }"""),
                AuditActor.System("test"));
            await Services.GetRequiredService<SegmentRefresher>().RefreshAsync(SegmentId);
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
    }

    private HttpClient Client(string? key)
    {
        var client = portal.CreatePortalClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task Members_WithAnActivationKey_ReturnsOnlyTheConsentedAndCountsTheRest()
    {
        using var client = Client(portal.ActivationKey);

        var response = await client.GetAsync($"/api/segments/{portal.SegmentId}/members?purpose=EmailMarketing");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var members = body.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("email").GetString()).ToList();
        Assert.Equal(["yes@example.com"], members);
        Assert.Equal(1, body.RootElement.GetProperty("skippedByReason").GetProperty("consent withdrawn").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("nextAfter").ValueKind);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("ingest", HttpStatusCode.Unauthorized)] // an ingest key is not an activation key
    public async Task Members_WithoutAnActivationKey_IsRefused(string? which, HttpStatusCode expected)
    {
        using var client = Client(which is null ? null : portal.IngestKey);

        var response = await client.GetAsync($"/api/segments/{portal.SegmentId}/members?purpose=EmailMarketing");

        Assert.Equal(expected, response.StatusCode);
        Assert.DoesNotContain("example.com", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Members_UnknownPurposeOrSegment_AnswersWithAProblem()
    {
        using var client = Client(portal.ActivationKey);

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/segments/{portal.SegmentId}/members?purpose=Spam")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/segments/99999/members?purpose=EmailMarketing")).StatusCode);
    }

    [Fact]
    public async Task OpenApi_DocumentsTheMembersEndpoint()
    {
        using var client = Client(null);

        var document = await client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("/api/segments/{id}/members", document);
        Assert.Contains("activation API key", document);
    }
}
