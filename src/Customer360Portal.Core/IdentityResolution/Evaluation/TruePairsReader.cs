using CsvHelper;

namespace Customer360Portal.Core.IdentityResolution.Evaluation;

/// <summary>
/// Reads a ground-truth file of true pairs: a CSV (comma, semicolon or tab, detected) with a header row and one pair
/// per row, in the columns <c>rec_id_1</c> and <c>rec_id_2</c> (FEBRL's and recordlinkage's names), or else the first
/// two columns. Ids are trimmed and kept as text. Rows with an empty id are skipped; their count is returned.
/// </summary>
public static class TruePairsReader
{
    public const string FirstColumn = "rec_id_1";
    public const string SecondColumn = "rec_id_2";

    /// <summary>The pairs as listed (duplicates and either order included: <see cref="PairwiseMetrics"/> folds them).</summary>
    /// <exception cref="InvalidDataException">The file has fewer than two columns.</exception>
    public static async Task<(IReadOnlyList<TruePair> Pairs, int SkippedRows)> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return await ReadAsync(stream, cancellationToken);
    }

    /// <inheritdoc cref="ReadAsync(string, CancellationToken)"/>
    public static async Task<(IReadOnlyList<TruePair> Pairs, int SkippedRows)> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            IncludeValuesInExceptions = false,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
        };
        await using var reader = CsvReader.Create(stream, options, leaveOpen: true);
        await reader.ReadHeaderAsync(cancellationToken);
        var headers = reader.Headers.Select(h => h.Trim()).ToList();
        if (headers.Count < 2)
            throw new InvalidDataException($"A true-pairs file needs two columns ({FirstColumn},{SecondColumn}); this one has {headers.Count}.");
        var first = IndexOf(headers, FirstColumn) ?? 0;
        var second = IndexOf(headers, SecondColumn) ?? (first == 1 ? 0 : 1);

        var pairs = new List<TruePair>();
        var skipped = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var a = reader.GetString(first).Trim();
            var b = reader.GetString(second).Trim();
            if (a.Length == 0 || b.Length == 0) { skipped++; continue; }
            pairs.Add(new TruePair(a, b));
        }
        return (pairs, skipped);
    }

    private static int? IndexOf(List<string> headers, string name)
    {
        var index = headers.FindIndex(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : index;
    }
}
