using System.Globalization;
using CsvHelper;

namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>
/// Loads any labelled CSV of customers (header row) into a <see cref="ChurnTable"/>. A column is numeric when every
/// non-blank value parses as a number (invariant culture), otherwise categorical; blanks are missing values. The id
/// column is left out of the features; the label is true where it equals the positive value (trimmed, case-insensitive).
/// Rows with a blank label are skipped. Categorical columns with more than <see cref="MaxCategories"/> distinct values
/// (ids, free text) are left out and named in <see cref="Loaded.Ignored"/>.
/// </summary>
public static class ChurnTableCsv
{
    public const int MaxCategories = 100;

    public sealed record Loaded(ChurnTable Table, IReadOnlyList<string> Ignored, int SkippedRows);

    public static Loaded Load(string path, string labelColumn, string positive, string? idColumn = null)
    {
        if (!File.Exists(path)) throw new ChurnInputException($"Input file not found: {path}");
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            Mode = CsvMode.Rfc4180,
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            IncludeValuesInExceptions = false,
        };
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var reader = CsvReader.Create(stream, options, leaveOpen: false);
        reader.ReadHeader();
        var names = reader.Headers.Select(h => h.Trim()).ToArray();
        if (names.Length == 0 || names.All(n => n.Length == 0)) throw new ChurnInputException($"{path} has no header row.");
        int Find(string column, string what) =>
            Array.FindIndex(names, n => string.Equals(n, column, StringComparison.OrdinalIgnoreCase)) is var i and >= 0
                ? i
                : throw new ChurnInputException($"Unknown {what} column '{column}'. Columns: {string.Join(", ", names)}.");
        var label = Find(labelColumn, "label");
        var id = idColumn is null ? -1 : Find(idColumn, "id");

        var rows = new List<string[]>();
        var skipped = 0;
        while (reader.Read())
        {
            var record = new string[names.Length];
            for (var i = 0; i < names.Length; i++) record[i] = i < reader.FieldCount ? reader.GetString(i).Trim() : "";
            if (record[label].Length == 0) { skipped++; continue; }
            rows.Add(record);
        }

        var labels = rows.Select(r => string.Equals(r[label], positive.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        var ids = rows.Select((r, n) => id >= 0 ? r[id] : (n + 1).ToString(CultureInfo.InvariantCulture)).ToList();
        var numeric = new List<NumericColumn>();
        var categorical = new List<CategoricalColumn>();
        var ignored = new List<string>();
        for (var c = 0; c < names.Length; c++)
        {
            if (c == label || c == id) continue;
            var values = rows.Select(r => r[c]).ToArray();
            if (values.All(v => v.Length == 0)) { ignored.Add(names[c]); continue; }
            if (values.All(v => v.Length == 0 || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            {
                numeric.Add(new NumericColumn(names[c], values.Select(v => v.Length == 0 ? float.NaN
                    : (float)double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray()));
            }
            else if (values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).Count() > MaxCategories)
            {
                ignored.Add(names[c]);
            }
            else
            {
                categorical.Add(new CategoricalColumn(names[c], values));
            }
        }
        return new Loaded(new ChurnTable(ids, labels, numeric, categorical), ignored, skipped);
    }
}
