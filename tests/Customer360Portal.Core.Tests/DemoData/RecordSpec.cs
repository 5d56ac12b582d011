using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Ingestion;

namespace Customer360Portal.Core.Tests.DemoData;

/// <summary>
/// An independent reading of RecordFormats.md: what is wrong with a payload, if anything. Demo records marked valid
/// must pass it; records marked <see cref="DemoRecord.ExpectedInvalid"/> must fail it.
/// </summary>
internal static partial class RecordSpec
{
    private static readonly HashSet<string> EmailTypes = ["sent", "delivered", "opened", "clicked", "bounced", "unsubscribed", "complained"];
    private static readonly HashSet<string> WebTypes = ["track", "page", "screen", "identify", "group", "alias"];
    private static readonly HashSet<string> OrderStatuses = ["placed", "paid", "shipped", "delivered", "returned", "cancelled"];
    private static readonly HashSet<string> TicketStatuses = ["open", "pending", "solved", "closed"];

    [GeneratedRegex(@"^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")]
    private static partial Regex EmailShape();

    [GeneratedRegex(@"^[A-Z]{3}$")]
    private static partial Regex CurrencyShape();

    public static List<string> Problems(DemoRecord record, DateTime now)
    {
        var problems = new List<string>();
        JsonDocument doc;
        try { doc = JsonDocument.Parse(record.Payload); }
        catch (JsonException) { return ["not JSON"]; }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return ["not an object"];
            CheckStrings(root, problems);
            switch (record.Kind)
            {
                case RecordKinds.Contact:
                    Required(root, "id", problems);
                    Time(root, "updatedAt", now, problems);
                    if (!Has(root, "firstName") && !Has(root, "lastName") && !Has(root, "email") && !Has(root, "phone") && !Has(root, "accountId"))
                        problems.Add("no identifier");
                    Email(root, "email", required: false, problems);
                    if (Has(root, "dateOfBirth") && !DateOnly.TryParseExact(root.GetProperty("dateOfBirth").GetString(), "yyyy-MM-dd", out _))
                        problems.Add("dateOfBirth");
                    break;
                case RecordKinds.Order:
                    Required(root, "orderNumber", problems);
                    Time(root, "placedAt", now, problems);
                    if (!Has(root, "currency") || !CurrencyShape().IsMatch(root.GetProperty("currency").GetString() ?? "")) problems.Add("currency");
                    Amount(root, "total", problems);
                    if (!Has(root, "accountId") && !Has(root, "email") && !Has(root, "phone")) problems.Add("no identifier");
                    Email(root, "email", required: false, problems);
                    if (Has(root, "status") && !OrderStatuses.Contains(root.GetProperty("status").GetString()!)) problems.Add("status");
                    if (root.TryGetProperty("lines", out var lines))
                    {
                        foreach (var line in lines.EnumerateArray())
                        {
                            if (!line.TryGetProperty("quantity", out var q) || q.ValueKind != JsonValueKind.Number || q.GetInt32() < 1) problems.Add("quantity");
                            if (!line.TryGetProperty("sku", out _) || !line.TryGetProperty("unitPrice", out _)) problems.Add("line");
                        }
                    }
                    break;
                case RecordKinds.Ticket:
                    Required(root, "ticketId", problems);
                    Time(root, "createdAt", now, problems);
                    Required(root, "subject", problems);
                    if (!Has(root, "email") && !Has(root, "phone")) problems.Add("no identifier");
                    Email(root, "email", required: false, problems);
                    if (Has(root, "status") && !TicketStatuses.Contains(root.GetProperty("status").GetString()!)) problems.Add("status");
                    break;
                case RecordKinds.EmailEvent:
                    Required(root, "eventId", problems);
                    Email(root, "email", required: true, problems);
                    if (!Has(root, "type") || !EmailTypes.Contains(root.GetProperty("type").GetString()!)) problems.Add("type");
                    Time(root, "occurredAt", now, problems);
                    break;
                case RecordKinds.WebEvent:
                    Required(root, "messageId", problems);
                    var type = Has(root, "type") ? root.GetProperty("type").GetString()! : "";
                    if (!WebTypes.Contains(type)) problems.Add("type");
                    Time(root, "timestamp", now, problems);
                    if (!Has(root, "anonymousId") && !Has(root, "userId")) problems.Add("no identifier");
                    if (type == "track") Required(root, "event", problems);
                    if (type == "alias") Required(root, "previousId", problems);
                    break;
                default:
                    problems.Add("unknown kind " + record.Kind);
                    break;
            }
        }
        return problems;
    }

    public static bool Has(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString());

    private static void Required(JsonElement root, string name, List<string> problems)
    {
        if (!Has(root, name)) problems.Add("missing " + name);
    }

    private static void Time(JsonElement root, string name, DateTime now, List<string> problems)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String ||
            !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            problems.Add("time " + name);
            return;
        }
        if (at.UtcDateTime > now.AddDays(1)) problems.Add("future " + name);
    }

    private static void Amount(JsonElement root, string name, List<string> problems)
    {
        if (!root.TryGetProperty(name, out var value)) { problems.Add("missing " + name); return; }
        decimal amount;
        if (value.ValueKind == JsonValueKind.Number) amount = value.GetDecimal();
        else if (value.ValueKind != JsonValueKind.String ||
                 !decimal.TryParse(value.GetString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount))
        {
            problems.Add("amount " + name);
            return;
        }
        if (amount < 0) problems.Add("negative " + name);
    }

    private static void Email(JsonElement root, string name, bool required, List<string> problems)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            if (required) problems.Add("missing " + name);
            return;
        }
        if (value.ValueKind != JsonValueKind.String || !EmailShape().IsMatch(value.GetString()!.Trim()) || value.GetString()!.Contains(".."))
            problems.Add("bad " + name);
    }

    private static void CheckStrings(JsonElement element, List<string> problems)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject()) CheckStrings(property.Value, problems);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) CheckStrings(item, problems);
                break;
            case JsonValueKind.String:
                if (element.GetString()!.Any(char.IsControl)) problems.Add("control character");
                break;
        }
    }
}
