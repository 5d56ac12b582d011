using System.Text;
using Customer360Portal.Core.Ingestion;

namespace Customer360Portal.Core.Tests.Ingestion;

/// <summary>Small, readable source records for intake tests.</summary>
public static class IntakeTestData
{
    public static readonly DateTime ReceivedAt = new(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc);

    public static IncomingRecord Record(string source, string kind, string json) =>
        new(source, kind, Encoding.UTF8.GetBytes(json), ReceivedAt);

    public static IncomingRecord Contact(string id, string email, string first = "Jonathan", string last = "Smith", string updatedAt = "2026-10-01T09:00:00Z", string? phone = null, string? accountId = null)
    {
        var optional = (phone is null ? "" : $",\"phone\":\"{phone}\"") + (accountId is null ? "" : $",\"accountId\":\"{accountId}\"");
        return Record("crm", RecordKinds.Contact,
            $$"""{"id":"{{id}}","updatedAt":"{{updatedAt}}","firstName":"{{first}}","lastName":"{{last}}","email":"{{email}}"{{optional}},"address":{"line1":"1 High Street","city":"London","postcode":"SW1A 1AA","country":"GB"} }""");
    }

    public static IncomingRecord Order(string number, string email, string total = "45.90", string placedAt = "2026-10-05T10:30:00Z") =>
        Record("shop", RecordKinds.Order,
            $$"""{"orderNumber":"{{number}}","placedAt":"{{placedAt}}","currency":"GBP","total":"{{total}}","status":"paid","email":"{{email}}","lines":[{"sku":"SKU-1","name":"Kettle","category":"Kitchen","quantity":1,"unitPrice":"{{total}}"}]}""");

    public static IncomingRecord PageView(string messageId, string anonymousId, string timestamp = "2026-10-06T08:00:00Z") =>
        Record("web", RecordKinds.WebEvent,
            $$"""{"messageId":"{{messageId}}","type":"page","name":"Home","anonymousId":"{{anonymousId}}","timestamp":"{{timestamp}}"}""");
}
