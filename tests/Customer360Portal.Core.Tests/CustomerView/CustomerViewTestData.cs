using System.Text.Json;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.CustomerView;

/// <summary>One customer built through real intake and projection: a CRM contact, two orders and three tickets.</summary>
internal static class CustomerViewTestData
{
    public const string Email = "jonathan.smith@example.com";

    public static IncomingRecord Ticket(string id, string status, string createdAt, string? satisfaction = null, string channel = "email",
        string subject = "Parcel arrived damaged") =>
        Record("helpdesk", RecordKinds.Ticket, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["ticketId"] = id, ["createdAt"] = createdAt, ["updatedAt"] = createdAt, ["subject"] = subject, ["status"] = status,
            ["priority"] = "normal", ["channel"] = channel, ["email"] = Email, ["name"] = "Jonathan Smith", ["satisfaction"] = satisfaction,
        }.Where(f => f.Value is not null).ToDictionary()));

    public static async Task<(TestProfileStore Test, long CustomerId)> CustomerAsync()
    {
        var test = await CoreHost.CreateAsync();
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        await registry.EnsureSourceAsync("helpdesk", "Help desk", SourceKind.HelpDesk, ConnectorStyle.Pull);
        var intake = test.Get<IntakePipeline>();
        await intake.IngestAsync("crm", [Contact("C-1", Email, phone: "+44 7700 900123")]);
        await intake.IngestAsync("shop", [Order("ORD-10023", Email, placedAt: "2026-10-05T10:30:00Z"), Order("ORD-10077", Email, total: "12.00", placedAt: "2026-11-02T16:00:00Z")]);
        await intake.IngestAsync("helpdesk", [
            Ticket("T-1", "solved", "2026-10-07T09:00:00Z", satisfaction: "good"),
            Ticket("T-2", "closed", "2026-10-20T09:00:00Z", satisfaction: "2", channel: "phone"),
            Ticket("T-3", "open", "2026-11-10T11:00:00Z", subject: "Where is my refund?", channel: "chat"),
        ]);
        await test.Get<ProfileProjection>().CatchUpAsync();
        await using var store = await test.Stores.CreateDbContextAsync();
        var customerId = await store.Customers.Where(c => c.Status == CustomerStatus.Active).Select(c => c.Id).SingleAsync();
        return (test, customerId);
    }
}
