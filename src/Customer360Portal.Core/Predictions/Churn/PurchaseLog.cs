using System.Globalization;

namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>The layouts of a purchase log file.</summary>
public enum PurchaseLogFormat
{
    /// <summary>CDNOW when the first line has no comma and splits on whitespace into 3 or 4 fields, otherwise CSV.</summary>
    Auto,

    /// <summary>CSV with a header naming a customer column (customer_id, customer, id), a date column (timestamp, date, time, order_date) and an amount column (amount, value, total, dollar_value).</summary>
    Csv,

    /// <summary>Whitespace-separated <c>customer_id yyyymmdd [number_of_items] amount</c> (the CDNOW data set); an optional header line.</summary>
    Cdnow,
}

/// <summary>Reads a purchase log into <see cref="PurchaseEvent"/>s.</summary>
public static class PurchaseLog
{
    private static readonly string[] CustomerNames = ["customer_id", "customer", "customerid", "id"];
    private static readonly string[] DateNames = ["timestamp", "date", "time", "order_date", "purchased_at", "occurred_at"];
    private static readonly string[] AmountNames = ["amount", "value", "total", "dollar_value", "revenue", "price"];

    public static IReadOnlyList<PurchaseEvent> Read(string path, PurchaseLogFormat format = PurchaseLogFormat.Auto)
    {
        if (!File.Exists(path)) throw new ChurnInputException($"Transactions file not found: {path}");
        var lines = File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0);
        if (format == PurchaseLogFormat.Auto)
        {
            var first = lines.FirstOrDefault() ?? throw new ChurnInputException($"{path} is empty.");
            format = !first.Contains(',') && first.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length is 3 or 4
                ? PurchaseLogFormat.Cdnow : PurchaseLogFormat.Csv;
        }
        return format == PurchaseLogFormat.Cdnow ? ReadWhitespace(path, lines) : ReadCsv(path, lines);
    }

    private static List<PurchaseEvent> ReadWhitespace(string path, IEnumerable<string> lines)
    {
        var events = new List<PurchaseEvent>();
        var lineNumber = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length is < 3 or > 4)
                throw new ChurnInputException($"{path} line {lineNumber}: expected 'customer_id yyyymmdd [items] amount', got {fields.Length} fields.");
            if (!DateTime.TryParseExact(fields[1], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                if (lineNumber == 1) continue; // the header
                throw new ChurnInputException($"{path} line {lineNumber}: '{fields[1]}' is not a yyyymmdd date.");
            }
            if (!decimal.TryParse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
                throw new ChurnInputException($"{path} line {lineNumber}: '{fields[^1]}' is not an amount.");
            events.Add(new PurchaseEvent(fields[0], date, amount));
        }
        return events;
    }

    private static List<PurchaseEvent> ReadCsv(string path, IEnumerable<string> lines)
    {
        var events = new List<PurchaseEvent>();
        int customer = -1, date = -1, amount = -1;
        var lineNumber = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            var fields = line.Split(',').Select(f => f.Trim().Trim('"')).ToArray();
            if (lineNumber == 1)
            {
                int Find(string[] names, string what) => Array.FindIndex(fields, f => names.Contains(f, StringComparer.OrdinalIgnoreCase)) is var i and >= 0
                    ? i : throw new ChurnInputException($"{path}: no {what} column in the header (expected one of {string.Join(", ", names)}).");
                customer = Find(CustomerNames, "customer");
                date = Find(DateNames, "date");
                amount = Find(AmountNames, "amount");
                continue;
            }
            if (fields.Length <= Math.Max(customer, Math.Max(date, amount)))
                throw new ChurnInputException($"{path} line {lineNumber}: too few fields.");
            var when = fields[date];
            if (!DateTime.TryParseExact(when, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var timestamp) &&
                !DateTime.TryParse(when, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out timestamp))
                throw new ChurnInputException($"{path} line {lineNumber}: '{when}' is not a date.");
            if (!decimal.TryParse(fields[amount], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new ChurnInputException($"{path} line {lineNumber}: '{fields[amount]}' is not an amount.");
            events.Add(new PurchaseEvent(fields[customer], timestamp, value));
        }
        return events;
    }
}
