using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Customer360Portal.Core.Access;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Api;
using Customer360Portal.Web.Tests.Setup;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Web.Tests.Api;

public class PrivacyRequestsApiTests(PrivacyRequestsApiTests.PrivacyPortal portal) : IClassFixture<PrivacyRequestsApiTests.PrivacyPortal>
{
    /// <summary>The real portal with two push sources and a key for each.</summary>
    public sealed class PrivacyPortal : PortalFactory, IAsyncLifetime
    {
        public string FormKey { get; private set; } = "";
        public string OtherKey { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var registry = Services.GetRequiredService<SourceRegistry>();
            await registry.EnsureSourceAsync("webform", "Web form", SourceKind.Webhook, ConnectorStyle.Push);
            await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
            FormKey = (await registry.IssueKeyAsync("webform", ApiKeyKind.Ingest, AuditActor.System("test"))).Secret;
            OtherKey = (await registry.IssueKeyAsync("crm", ApiKeyKind.Ingest, AuditActor.System("test"))).Secret;
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
    }

    private static DemoUsers.DemoUser Demo(string role) => DemoUsers.All.Single(u => u.Role == role);

    private HttpClient Client(string? key)
    {
        var client = portal.CreatePortalClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Post_WithAnIngestKey_FilesTheRequestWithItsDueDate_AndTheFilerSeesItsStatus()
    {
        using var client = Client(portal.FormKey);

        var response = await client.PostAsync("/api/privacy/requests",
            Json("""{"type":"Access","regulation":"ccpa","contact":"lee.wong@example.com","details":"All my data please"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var filed = (await response.Content.ReadFromJsonAsync<PrivacyRequestFiled>())!;
        Assert.Equal(("access", "ccpa", "received"), (filed.Type, filed.Regulation, filed.Status));
        Assert.Equal(filed.ReceivedAt.AddDays(45), filed.DueAt);
        Assert.Equal($"/api/privacy/requests/{filed.Id}", response.Headers.Location!.ToString());

        var status = (await client.GetFromJsonAsync<PrivacyRequestStatusAnswer>($"/api/privacy/requests/{filed.Id}"))!;
        Assert.Equal(("received", "notverified"), (status.Status, status.Verification));
        Assert.DoesNotContain("lee.wong", await client.GetStringAsync($"/api/privacy/requests/{filed.Id}"));

        // Another source's key does not see it.
        using var other = Client(portal.OtherKey);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/privacy/requests/{filed.Id}")).StatusCode);

        await using var store = await portal.Services.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContextAsync();
        var request = await store.PrivacyRequests.AsNoTracking().SingleAsync(r => r.Id == filed.Id);
        Assert.Equal("api:webform", request.Channel);
        var audit = await store.AuditLog.AsNoTracking().SingleAsync(a => a.Action == "privacy-request.received" && a.TargetId == filed.Id.ToString());
        Assert.DoesNotContain("lee.wong", audit.Details);
        Assert.DoesNotContain(portal.Logs.Messages, m => m.Contains("lee.wong", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(null, """{"type":"access","regulation":"gdpr","contact":"a@example.com"}""", HttpStatusCode.Unauthorized)]
    [InlineData("c360_not-a-real-key-000000000000", """{"type":"access","regulation":"gdpr","contact":"a@example.com"}""", HttpStatusCode.Unauthorized)]
    [InlineData("form", """{"type":"deletion","regulation":"gdpr","contact":"a@example.com"}""", HttpStatusCode.BadRequest)]
    [InlineData("form", """{"type":"1","regulation":"gdpr","contact":"a@example.com"}""", HttpStatusCode.BadRequest)]
    [InlineData("form", """{"type":"erasure","regulation":"lgpd","contact":"a@example.com"}""", HttpStatusCode.BadRequest)]
    [InlineData("form", """{"type":"erasure","regulation":"gdpr","contact":"  "}""", HttpStatusCode.BadRequest)]
    [InlineData("form", """{"type":"erasure",""", HttpStatusCode.BadRequest)]
    public async Task Post_Refuses_WithoutAKeyOrWithABadBody(string? key, string body, HttpStatusCode expected)
    {
        using var client = Client(key == "form" ? portal.FormKey : key);

        var response = await client.PostAsync("/api/privacy/requests", Json(body));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Post_AsASignedInPrivacyOfficer_IsFiledOnTheApiChannel()
    {
        using var client = Client(null);
        var officer = Demo(PortalRoles.PrivacyOfficer);
        await PortalFactory.SignInAsync(client, officer.Email, officer.Password);

        var response = await client.PostAsync("/api/privacy/requests", Json("""{"type":"objection","regulation":"ccpa","contact":"b@example.com"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task AccessPackage_DownloadsAZipForPrivacyOfficers_AndNotForAgents()
    {
        var requests = portal.Services.GetRequiredService<PrivacyRequests>();
        long customerId;
        await using (var store = await portal.Services.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContextAsync())
        {
            var customer = new Customer { GivenName = "Ines", FamilyName = "Okafor", Email = "ines@example.com", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            store.Customers.Add(customer);
            await store.SaveChangesAsync();
            customerId = customer.Id;
        }
        var actor = AuditActor.System("test");
        var request = await requests.FileAsync(new NewPrivacyRequest(PrivacyRequestType.Access, Regulation.Gdpr, "ines@example.com", null, "portal", customerId), actor);
        await requests.SetVerificationAsync(request.Id, request.Version, IdentityVerification.Verified, null, actor);

        using var agent = Client(null);
        await PortalFactory.SignInAsync(agent, Demo(PortalRoles.Agent).Email, Demo(PortalRoles.Agent).Password);
        var refused = await agent.GetAsync($"/privacy/requests/{request.Id}/access-package");
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);

        using var officer = Client(null);
        await PortalFactory.SignInAsync(officer, Demo(PortalRoles.PrivacyOfficer).Email, Demo(PortalRoles.PrivacyOfficer).Password);
        var response = await officer.GetAsync($"/privacy/requests/{request.Id}/access-package");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith($"access-package-request-{request.Id}-", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync());
        using var reader = new StreamReader(zip.GetEntry("person.json")!.Open());
        Assert.Contains("Okafor", await reader.ReadToEndAsync());

        // An unlinked or unverified request has no package.
        var other = await requests.FileAsync(new NewPrivacyRequest(PrivacyRequestType.Access, Regulation.Gdpr, "x@example.com", null, "portal"), actor);
        Assert.Equal(HttpStatusCode.Conflict, (await officer.GetAsync($"/privacy/requests/{other.Id}/access-package")).StatusCode);
    }
}
