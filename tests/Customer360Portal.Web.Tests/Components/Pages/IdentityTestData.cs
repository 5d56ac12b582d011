using System.Text;
using System.Text.Json;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Web.Tests.Components.Pages;

/// <summary>
/// Profiles, reviews and merges made the way the portal makes them: records through the real intake, then the real
/// projection (identity resolution) over them.
/// </summary>
public static class IdentityTestData
{
    private static readonly DateTime ReceivedAt = new(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc);

    public static IncomingRecord Person(string source, string id, string? email, string first, string last, string? dob = null,
        string? phone = null, string? accountId = null, string line1 = "1 High Street", string postcode = "SW1A 1AA", string updatedAt = "2026-10-01T09:00:00Z")
    {
        var fields = new Dictionary<string, object?>
        {
            ["id"] = id, ["updatedAt"] = updatedAt, ["firstName"] = first, ["lastName"] = last, ["email"] = email, ["phone"] = phone,
            ["accountId"] = accountId, ["dateOfBirth"] = dob,
            ["address"] = new { line1, city = "London", postcode, country = "GB" },
        };
        return Record(source, RecordKinds.Contact, JsonSerializer.Serialize(fields.Where(f => f.Value is not null).ToDictionary()));
    }

    public static IncomingRecord PageView(string messageId, string anonymousId, string timestamp = "2026-10-06T08:00:00Z") =>
        Record("web", RecordKinds.WebEvent,
            $$"""{"messageId":"{{messageId}}","type":"page","name":"Home","anonymousId":"{{anonymousId}}","timestamp":"{{timestamp}}"}""");

    public static IncomingRecord Identify(string messageId, string anonymousId, string userId, string email, string timestamp = "2026-10-07T09:00:00Z") =>
        Record("web", RecordKinds.WebEvent,
            $$$"""{"messageId":"{{{messageId}}}","type":"identify","anonymousId":"{{{anonymousId}}}","userId":"{{{userId}}}","timestamp":"{{{timestamp}}}","traits":{"email":"{{{email}}}"}}""");

    private static IncomingRecord Record(string source, string kind, string json) => new(source, kind, Encoding.UTF8.GetBytes(json), ReceivedAt);

    public static async Task AddSourcesAsync(TestProfileStore store)
    {
        var registry = store.Host.Services.GetRequiredService<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("crm2", "Second CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("web", "Web", SourceKind.WebAnalytics, ConnectorStyle.Tracking);
    }

    public static async Task IngestAndProjectAsync(TestProfileStore store, string source, params IncomingRecord[] records)
    {
        await store.Host.Services.GetRequiredService<IntakePipeline>().IngestAsync(source, records);
        await store.Host.Services.GetRequiredService<ProfileProjection>().CatchUpAsync();
    }

    /// <summary>
    /// Merges only what is certain, so that likely pairs go to review (as <c>IdentityResolverTests</c> does): the
    /// pages are tested against the queue, not against the model's current tuning.
    /// </summary>
    public static void StrictMerging(IHostApplicationBuilder builder) =>
        builder.Services.Configure<ResolutionOptions>(options => options.MergeProbability = 1 - 1e-9);

    /// <summary>Same family name and address, a nickname, different emails: likely, not certain (a "probabilistic" review).</summary>
    public static async Task<ReviewListItem> BorderlinePairAsync(TestProfileStore store)
    {
        await IngestAndProjectAsync(store, "crm", Person("crm", "C-1", "kate@example.com", "Katherine", "Oduya", line1: "4 Church Street", postcode: "OX1 1AA"));
        await IngestAndProjectAsync(store, "crm2", Person("crm2", "X-1", "k.oduya@example.net", "Kate", "Oduya", line1: "4 Church St", postcode: "OX1 1AB"));
        return (await store.Host.Services.GetRequiredService<ReviewQueue>().OpenAsync()).Single(r => r.RightName == "Kate Oduya");
    }

    /// <summary>A second borderline pair, of other people.</summary>
    public static async Task<ReviewListItem> SecondBorderlinePairAsync(TestProfileStore store)
    {
        await IngestAndProjectAsync(store, "crm", Person("crm", "C-2", "thomas.whitfield@example.com", "Thomas", "Whitfield", line1: "22 Mill Lane", postcode: "YO1 7HH"));
        await IngestAndProjectAsync(store, "crm2", Person("crm2", "X-2", "tw@example.org", "Tom", "Whitfield", line1: "22 Mill Ln", postcode: "YO1 7HH"));
        return (await store.Host.Services.GetRequiredService<ReviewQueue>().OpenAsync()).Single(r => r.RightName == "Tom Whitfield");
    }

    /// <summary>An anonymous visitor's page views, then an identify call: the visitor is stitched into the known profile.</summary>
    public static async Task<MergeRecord> StitchedVisitorAsync(TestProfileStore store)
    {
        await IngestAndProjectAsync(store, "crm", Person("crm", "C-1", "jon@example.com", "Jonathan", "Smith", dob: "1984-03-12", phone: "+44 7700 900123", accountId: "U-1"));
        await IngestAndProjectAsync(store, "web", PageView("m-1", "cookie-1"), PageView("m-2", "cookie-1", "2026-10-06T09:00:00Z"));
        await IngestAndProjectAsync(store, "web", Identify("m-3", "cookie-1", "U-1", "jon@example.com"));
        await using var db = await store.Stores.CreateDbContextAsync();
        return await db.Merges.SingleAsync();
    }
}
