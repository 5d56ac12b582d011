using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Ingestion.Normalisation;

namespace Customer360Portal.Core.Tests.Ingestion.Normalisation;

/// <summary>A normaliser with a fixed clock, valid example records per kind, and JSON helpers for the tests.</summary>
internal static class NormalisationTestKit
{
    /// <summary>The tests' "now": every example timestamp lies before it.</summary>
    public static readonly DateTime Now = new(2026, 6, 15, 12, 0, 0, DateTimeKind.Utc);

    public static RecordNormaliser Normaliser { get; } = new(new NormalisationOptions { Now = Now });

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    public static NormalisationResult Normalise(string kind, string json) => Normaliser.Normalise(kind, Utf8(json));

    public static NormalisedRecord AssertValid(string kind, string json, RecordNormaliser? normaliser = null)
    {
        var result = (normaliser ?? Normaliser).Normalise(kind, Utf8(json));
        Assert.True(result.IsValid, "expected valid, got: " + string.Join(" | ", result.Errors));
        Assert.Empty(result.Errors);
        return result.Record!;
    }

    public static IReadOnlyList<string> AssertInvalid(string kind, string json, RecordNormaliser? normaliser = null)
    {
        var result = (normaliser ?? Normaliser).Normalise(kind, Utf8(json));
        Assert.False(result.IsValid);
        Assert.Null(result.Record);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    /// <summary>
    /// A record with fields replaced (a null node removes the field): <paramref name="kindOrJson"/> is a record kind
    /// (its example record) or the JSON of a record.
    /// </summary>
    public static string With(string kindOrJson, params (string Field, JsonNode? Value)[] changes)
    {
        var json = kindOrJson.TrimStart().StartsWith('{') ? kindOrJson : Example(kindOrJson);
        var node = JsonNode.Parse(json)!.AsObject();
        foreach (var (field, value) in changes)
        {
            if (value is null) node.Remove(field);
            else node[field] = value;
        }
        return node.ToJsonString(Relaxed);
    }

    public static string Without(string kind, params string[] fields) =>
        With(kind, fields.Select(f => (f, (JsonNode?)null)).ToArray());

    public static JsonNode Node(string json) => JsonNode.Parse(json)!;

    public static string Example(string kind) => kind switch
    {
        RecordKinds.Contact => ExampleContact,
        RecordKinds.Order => ExampleOrder,
        RecordKinds.Ticket => ExampleTicket,
        RecordKinds.EmailEvent => ExampleEmailEvent,
        RecordKinds.WebEvent => ExampleIdentify,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public const string ExampleContact = """
        {
          "id": "CRM-000123",
          "updatedAt": "2026-05-01T09:30:00+02:00",
          "accountId": "ACC-77",
          "loyaltyNumber": "LOY123456",
          "firstName": "  JANE ",
          "lastName": "o'neil",
          "email": "  Jane.ONeil@Example.COM ",
          "phone": "020 7946 0018",
          "dateOfBirth": "1985-03-14",
          "address": { "line1": "10  Downing   Street", "city": "London", "postcode": "sw1a  2aa", "country": "united kingdom" },
          "traits": { "plan": "gold", "visits": 12, "vip": true, "note": null }
        }
        """;

    public const string ExampleOrder = """
        {
          "orderNumber": "1001",
          "placedAt": "2026-05-02T14:15:00Z",
          "currency": "gbp",
          "total": "45.90",
          "status": "paid",
          "accountId": "ACC-77",
          "email": "jane@example.com",
          "lines": [
            { "sku": "TEA-01", "name": "Earl Grey", "category": "Tea", "quantity": 2, "unitPrice": 12.95 },
            { "sku": "MUG-02", "name": "Mug", "category": "Kitchen", "quantity": 1, "unitPrice": "20.00" }
          ],
          "shippingAddress": { "line1": "1 High St", "city": "Leeds", "postcode": "LS1 1AA", "country": "GB" }
        }
        """;

    public const string ExampleTicket = """
        {
          "ticketId": "T-1",
          "createdAt": "2026-05-03T08:00:00",
          "subject": "Parcel arrived damaged",
          "status": "open",
          "priority": "high",
          "channel": "chat",
          "email": "jane@example.com",
          "name": "jane o'neil",
          "satisfaction": 4
        }
        """;

    public const string ExampleEmailEvent = """
        {
          "eventId": "evt_9f8e7d",
          "email": "Jane@Example.com",
          "type": "clicked",
          "occurredAt": "2026-05-04T10:00:00.123Z",
          "campaignId": "cmp-42",
          "campaignName": "Spring Sale",
          "url": "https://shop.example.com/spring?utm_source=email"
        }
        """;

    public const string ExampleIdentify = """
        {
          "messageId": "ajs-next-1714816800000-4f1c",
          "type": "identify",
          "timestamp": "2026-05-04T11:00:00Z",
          "anonymousId": "7b1c2d3e-1111-4a2b-9c3d-abcdefabcdef",
          "userId": "ACC-77",
          "traits": { "email": "JANE@example.com", "first_name": "JANE", "last_name": "O'NEIL", "phone": "+44 7700 900123", "plan": "gold", "logins": 5, "company": { "name": "Acme" } },
          "context": { "ip": "203.0.113.7" }
        }
        """;

    public const string ExampleTrack = """
        {
          "messageId": "ajs-1",
          "type": "track",
          "event": "Signed Up",
          "timestamp": "2026-05-04T11:00:00Z",
          "anonymousId": "anon-1",
          "properties": { "plan": "gold" }
        }
        """;
}
