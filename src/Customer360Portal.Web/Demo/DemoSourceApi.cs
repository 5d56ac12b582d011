using System.Text;
using Customer360Portal.Core.DemoData;

namespace Customer360Portal.Web.Demo;

/// <summary>
/// The simulated CRM and shop REST APIs the demo's pull connectors read over real HTTP:
/// <c>GET /demo-sources/{source}?cursor=&amp;limit=</c> answering <c>{ records, nextCursor, hasMore, total }</c>.
/// Loopback only, and only in demo mode.
/// </summary>
public static class DemoSourceApi
{
    public const string BasePath = "/demo-sources";

    public static void MapDemoSourceApi(this WebApplication app)
    {
        app.MapGet(BasePath + "/{source}", (string source, int? limit, string? cursor, HttpContext context, DemoWorld world) =>
        {
            if (context.Connection.RemoteIpAddress is { } address && !System.Net.IPAddress.IsLoopback(address))
                return Results.NotFound();
            if (!DemoSources.All.Any(s => s.Key == source && s.Connector == Data.Model.ConnectorStyle.Pull))
                return Results.NotFound();
            var offset = int.TryParse(cursor, out var parsed) && parsed >= 0 ? parsed : 0;
            var page = world.Read(source, offset, Math.Clamp(limit ?? 500, 1, 1_000), out var total);
            var body = new StringBuilder("{\"records\":[");
            for (var i = 0; i < page.Count; i++)
            {
                if (i > 0) body.Append(',');
                body.Append(DemoJson.AsJsonValue(page[i].Payload));
            }
            var next = offset + page.Count;
            body.Append($"],\"nextCursor\":\"{next}\",\"hasMore\":{(next < total ? "true" : "false")},\"total\":{total}}}");
            return Results.Text(body.ToString(), "application/json");
        }).AllowAnonymous().ExcludeFromDescription();
    }
}

/// <summary>
/// A few demo records are deliberately not even JSON (a raw control character, say). A real source would break its
/// whole page or batch with one of those; the simulated ones send such a record as a JSON string instead, so intake
/// sees exactly one bad record and quarantines it.
/// </summary>
internal static class DemoJson
{
    public static bool IsObject(byte[] payload)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    public static string AsJsonValue(byte[] payload)
    {
        var reader = new System.Text.Json.Utf8JsonReader(payload);
        try
        {
            while (reader.Read()) { }
            return Encoding.UTF8.GetString(payload);
        }
        catch (System.Text.Json.JsonException)
        {
            return System.Text.Json.JsonSerializer.Serialize(Encoding.UTF8.GetString(payload));
        }
    }
}
