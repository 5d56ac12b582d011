using CsvHelper;
using Customer360Portal.Core.IdentityResolution;

namespace Customer360Portal.Cli.Commands;

/// <summary>The kinds of person field <c>c360 link --field KIND=COLUMN</c> maps a column to.</summary>
public enum PersonFieldKind
{
    FirstName, LastName, FullName, Dob, Email, Phone, StreetNumber, Street, AddressLine, Locality, City, Postcode, State,
    Country, Gender, NationalId, AccountId,
}

public static class PersonFieldKinds
{
    /// <summary>The names users type, in the order help and errors list them.</summary>
    public static readonly IReadOnlyList<(string Name, PersonFieldKind Kind)> All =
    [
        ("first_name", PersonFieldKind.FirstName), ("last_name", PersonFieldKind.LastName), ("full_name", PersonFieldKind.FullName),
        ("dob", PersonFieldKind.Dob), ("email", PersonFieldKind.Email), ("phone", PersonFieldKind.Phone),
        ("street_number", PersonFieldKind.StreetNumber), ("street", PersonFieldKind.Street), ("address_line", PersonFieldKind.AddressLine),
        ("locality", PersonFieldKind.Locality), ("city", PersonFieldKind.City), ("postcode", PersonFieldKind.Postcode),
        ("state", PersonFieldKind.State), ("country", PersonFieldKind.Country), ("gender", PersonFieldKind.Gender),
        ("national_id", PersonFieldKind.NationalId), ("account_id", PersonFieldKind.AccountId),
    ];

    public static string Names => string.Join(", ", All.Select(k => k.Name));

    public static bool TryParse(string name, out PersonFieldKind kind)
    {
        foreach (var (candidate, value) in All)
        {
            if (string.Equals(candidate, name.Trim(), StringComparison.OrdinalIgnoreCase)) { kind = value; return true; }
        }
        kind = default;
        return false;
    }

    /// <summary>A record from the values of one row, indexed by <see cref="PersonFieldKind"/> (null: not mapped or empty).</summary>
    internal static PersonRecord ToRecord(string source, string id, string?[] v) => new()
    {
        Source = source,
        RecordId = id,
        GivenName = v[(int)PersonFieldKind.FirstName],
        FamilyName = v[(int)PersonFieldKind.LastName],
        FullName = v[(int)PersonFieldKind.FullName],
        DateOfBirth = v[(int)PersonFieldKind.Dob],
        Email = v[(int)PersonFieldKind.Email],
        Phone = v[(int)PersonFieldKind.Phone],
        StreetNumber = v[(int)PersonFieldKind.StreetNumber],
        Street = v[(int)PersonFieldKind.Street],
        AddressLine = v[(int)PersonFieldKind.AddressLine],
        Locality = v[(int)PersonFieldKind.Locality],
        City = v[(int)PersonFieldKind.City],
        Postcode = v[(int)PersonFieldKind.Postcode],
        State = v[(int)PersonFieldKind.State],
        Country = v[(int)PersonFieldKind.Country],
        Gender = v[(int)PersonFieldKind.Gender],
        NationalId = v[(int)PersonFieldKind.NationalId],
        AccountId = v[(int)PersonFieldKind.AccountId],
    };
}

/// <summary>A mistake in the command line or an input file; the message names files, lines and columns, never values.</summary>
public sealed class LinkInputException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>
/// Reads person records from a CSV file for <c>c360 link</c>, with CsvHelper: a header row, then one record per row.
/// The separator is detected (comma, semicolon, tab or pipe) unless given; header names and values are trimmed, so
/// FEBRL's <c>", "</c>-separated files read as they are; every value stays text (leading zeros are kept) and an empty
/// cell is null. A row with the wrong number of fields, without an id, with the id of an earlier row, or with a quoted
/// field that has text after its closing quote is a bad row: reading stops on it (exit code 1) or, when asked, leaves
/// it out and counts it. Errors give line numbers, never values.
/// </summary>
public static class PersonCsvFile
{
    public sealed record Result(IReadOnlyList<PersonRecord> Records, int Columns, char Separator, IReadOnlyList<long> BadRowLines, int BadRows);

    /// <summary>How many bad rows' line numbers are kept for the report.</summary>
    private const int ListedBadRows = 10;

    /// <param name="path">The file.</param>
    /// <param name="source">The source the records get (the file's name).</param>
    /// <param name="idColumn">The column of the record id.</param>
    /// <param name="fields">The columns of each mapped field kind.</param>
    /// <param name="separator">The separator, or null to detect it.</param>
    /// <param name="skipBadRows">Leave bad rows out instead of stopping.</param>
    /// <exception cref="LinkInputException">A column is missing (exit code 2), or a bad row or an unreadable file (1).</exception>
    public static async Task<Result> ReadAsync(string path, string source, string idColumn, IReadOnlyDictionary<PersonFieldKind, string> fields,
        char? separator, bool skipBadRows, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        // Quoting problems, by record number (the header is record 1). A stray quote inside an unquoted field (5'10")
        // is plain text and not a problem.
        var quoting = new Dictionary<long, CsvMalformedReason>();
        var options = new CsvReaderOptions
        {
            Separator = separator,
            HasHeader = true,
            Mode = CsvMode.Rfc4180,
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            IncludeValuesInExceptions = false,
            TrackLineNumbers = true,
            // Records are all kept in memory: the many repeated values (states, cities, given names) are stored once.
            PoolStrings = true,
            OnMalformedRecord = malformed =>
            {
                if (malformed.Reason is CsvMalformedReason.TextAfterClosingQuote or CsvMalformedReason.UnterminatedQuote)
                    quoting.TryAdd(malformed.RecordNumber, malformed.Reason);
            },
        };

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        await using var reader = CsvReader.Create(stream, options, leaveOpen: false);
        await reader.ReadHeaderAsync(cancellationToken);
        var headers = reader.Headers.Select(h => h.Trim()).ToArray();
        if (headers.Length == 0 || headers.All(h => h.Length == 0))
            throw new LinkInputException($"{name} is empty: it needs a header row naming its columns.", 1);

        var idIndex = Column(idColumn, "--id " + idColumn);
        var mapped = fields.Select(f => (Kind: (int)f.Key, Index: Column(f.Value, $"--field {Kind(f.Key)}={f.Value}"))).ToArray();

        var records = new List<PersonRecord>();
        var firstLineOfId = new Dictionary<string, long>(StringComparer.Ordinal);
        var badLines = new List<long>();
        var badRows = 0;
        var kindCount = Enum.GetValues<PersonFieldKind>().Length;
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = reader.RowNumber;
            var line = reader.LineNumber;
            string? problem = null;
            string id = "";
            if (quoting.Remove(row + 1, out var reason))
            {
                if (reason == CsvMalformedReason.UnterminatedQuote)
                    throw new LinkInputException($"{name} line {line}: a quoted field is never closed, so the rest of the file is part of it. Correct the quotes.", 1);
                problem = "text after the closing quote of a field";
            }
            else if (reader.FieldCount != headers.Length)
                problem = $"{reader.FieldCount} fields, the header has {headers.Length}";
            else if ((id = reader.GetString(idIndex).Trim()).Length == 0)
                problem = $"no id in column {headers[idIndex]}";
            else if (firstLineOfId.TryGetValue(id, out var earlier))
                problem = $"the same id as line {earlier}";

            if (problem is not null)
            {
                if (!skipBadRows)
                    throw new LinkInputException($"{name} line {line} (row {row}): {problem}. Correct the row, or pass --skip-bad-rows to leave such rows out.", 1);
                badRows++;
                if (badLines.Count < ListedBadRows) badLines.Add(line);
                continue;
            }

            firstLineOfId.Add(id, line);
            var values = new string?[kindCount];
            foreach (var (kind, index) in mapped)
            {
                var value = reader.GetString(index).Trim();
                values[kind] = value.Length == 0 ? null : value;
            }
            records.Add(PersonFieldKinds.ToRecord(source, id, values));
        }
        return new Result(records, headers.Length, reader.Separator, badLines, badRows);

        int Column(string wanted, string option)
        {
            var trimmed = wanted.Trim();
            var index = Array.FindIndex(headers, h => string.Equals(h, trimmed, StringComparison.Ordinal));
            if (index < 0)
            {
                var loose = headers.Select((h, i) => (h, i)).Where(c => string.Equals(c.h, trimmed, StringComparison.OrdinalIgnoreCase)).ToList();
                if (loose.Count == 1) index = loose[0].i;
            }
            if (index < 0)
                throw new LinkInputException($"{name} has no column \"{trimmed}\" ({option}). Its columns are: {string.Join(", ", headers)}.", 2);
            return index;
        }
    }

    private static string Kind(PersonFieldKind kind) => PersonFieldKinds.All.First(k => k.Kind == kind).Name;
}
