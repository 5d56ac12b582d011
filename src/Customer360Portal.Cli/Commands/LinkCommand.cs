using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.IdentityResolution.Evaluation;

namespace Customer360Portal.Cli.Commands;

/// <summary>
/// <c>c360 link</c>: resolves the person records of one CSV file (deduplication) or two (linking across them) with the
/// portal's matching engine, and writes which cluster (person) each record belongs to: <c>source,record_id,cluster_id</c>,
/// where source is the input file's name and cluster_id the id of the cluster's first record (prefixed with its
/// file's name, <c>file.csv:id</c>, when two files are linked). With <c>--truth</c> (a CSV of true pairs) it reports
/// pairwise precision, recall and F1. Needs no profile store. Prints a short summary and ends with one JSON line.
/// Exit codes: 0 done, 1 an input file has a bad row or cannot be read, 2 a usage mistake (unknown field kind or
/// column, missing file).
/// </summary>
public static class LinkCommand
{
    private static readonly Option<string[]> Input = new("--input")
    {
        Description = "A CSV file of person records with a header row; give it twice to link two files.",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
    };
    private static readonly Option<string> Id = new("--id")
    {
        Description = "The column of the record id (unique within a file).",
        Required = true,
    };
    private static readonly Option<string[]> Field = new("--field")
    {
        Description = "KIND=COLUMN: which column holds a kind of field, repeated per field. Kinds: " + PersonFieldKinds.Names + ".",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
    };
    private static readonly Option<string?> Out = new("--out")
    {
        Description = "Write source,record_id,cluster_id for every record to this CSV file.",
    };
    private static readonly Option<string?> Truth = new("--truth")
    {
        Description = "A CSV of true pairs (columns rec_id_1,rec_id_2): report pairwise precision, recall and F1.",
    };
    private static readonly Option<string?> Delimiter = new("--delimiter")
    {
        Description = "The field separator of the input: ',', ';', 'tab' or '|' (default: detected).",
    };
    private static readonly Option<bool> SkipBadRows = new("--skip-bad-rows")
    {
        Description = "Leave out rows with the wrong number of fields, no id or a repeated id (and count them) instead of stopping.",
    };

    public static Command Create()
    {
        var command = new Command("link", "Deduplicate one CSV file of person records, or link two, with the matching engine.")
        {
            Input, Id, Field, Out, Truth, Delimiter, SkipBadRows,
        };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(Settings.From(parse), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    public sealed record Settings(IReadOnlyList<string> Inputs, string IdColumn, IReadOnlyList<string> Fields, string? OutFile = null,
        string? TruthFile = null, string? Delimiter = null, bool SkipBadRows = false)
    {
        public static Settings From(ParseResult parse) => new(parse.GetValue(Input) ?? [], parse.GetValue(Id) ?? "",
            parse.GetValue(Field) ?? [], parse.GetValue(Out), parse.GetValue(Truth), parse.GetValue(LinkCommand.Delimiter),
            parse.GetValue(LinkCommand.SkipBadRows));
    }

    public static async Task<int> RunAsync(Settings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return await LinkAsync(settings, output, cancellationToken);
        }
        catch (LinkInputException e)
        {
            await error.WriteLineAsync(e.Message);
            return e.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CsvFormatException or InvalidDataException)
        {
            // I/O and CSV format messages name files and positions (CsvHelper is told to leave values out).
            await error.WriteLineAsync($"{e.GetType().Name}: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> LinkAsync(Settings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var (fields, separator) = Validate(settings);
        var twoFiles = settings.Inputs.Count == 2;

        var records = new List<PersonRecord>();
        var skipped = 0;
        foreach (var input in settings.Inputs)
        {
            var source = Path.GetFileName(input);
            var file = await PersonCsvFile.ReadAsync(input, source, settings.IdColumn, fields, separator, settings.SkipBadRows, cancellationToken);
            records.AddRange(file.Records);
            skipped += file.BadRows;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{source}: {file.Records.Count:N0} records, {file.Columns} columns, separator {Describe(file.Separator)}");
            if (file.BadRows > 0)
                line += string.Create(CultureInfo.InvariantCulture, $"; {file.BadRows:N0} bad rows left out (lines {string.Join(", ", file.BadRowLines)}{(file.BadRows > file.BadRowLines.Count ? ", ..." : "")})");
            await output.WriteLineAsync(line);
        }

        // Truth pairs name record ids; with two files an id must then say which record it is.
        IReadOnlyList<TruePair>? truePairs = null;
        if (settings.TruthFile is { } truthFile)
        {
            if (twoFiles)
            {
                var shared = records.GroupBy(r => r.RecordId, StringComparer.Ordinal).Count(g => g.Count() > 1);
                if (shared > 0)
                    throw new LinkInputException(string.Create(CultureInfo.InvariantCulture,
                        $"{shared:N0} record ids are in both input files, so the pairs of --truth cannot be told apart. Give the files distinct ids to evaluate."), 2);
            }
            var (pairs, emptyRows) = await TruePairsReader.ReadAsync(truthFile, cancellationToken);
            truePairs = pairs;
            if (emptyRows > 0)
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(truthFile)}: {emptyRows:N0} rows without two ids left out."));
        }

        var linking = Stopwatch.StartNew();
        var result = PersonLinker.Link(records, cancellationToken);
        linking.Stop();
        if (result.ClusterOf.Count != records.Count)
            throw new InvalidOperationException($"The engine returned {result.ClusterOf.Count} cluster assignments for {records.Count} records.");

        string ClusterId(int record)
        {
            var representative = records[result.ClusterOf[record]];
            return twoFiles ? representative.Source + ":" + representative.RecordId : representative.RecordId;
        }

        if (settings.OutFile is { } outFile)
        {
            if (Path.GetDirectoryName(Path.GetFullPath(outFile)) is { } folder) Directory.CreateDirectory(folder);
            await using var stream = new FileStream(outFile, FileMode.Create, FileAccess.Write, FileShare.None);
            await using var writer = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: false);
            writer.WriteHeader(["source", "record_id", "cluster_id"]);
            for (var i = 0; i < records.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                writer.WriteRecord([records[i].Source, records[i].RecordId, ClusterId(i)]);
            }
            await writer.FlushAsync(cancellationToken);
        }

        var clusters = result.ClusterOf.Distinct().Count();
        var statistics = result.Statistics;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Clusters: {clusters:N0} for {records.Count:N0} records; candidate pairs {statistics.CandidatePairs:N0}, review pairs {statistics.ReviewPairs:N0}"));

        PairwiseMetrics? metrics = null;
        if (truePairs is not null)
        {
            var clusterOf = new Dictionary<string, int>(records.Count, StringComparer.Ordinal);
            for (var i = 0; i < records.Count; i++) clusterOf[records[i].RecordId] = result.ClusterOf[i];
            metrics = PairwiseMetrics.Compute(clusterOf, truePairs);
            var unknown = truePairs.Where(p => !string.Equals(p.First, p.Second, StringComparison.Ordinal))
                .Select(p => p.Normalized()).Distinct()
                .Count(p => !clusterOf.ContainsKey(p.First) || !clusterOf.ContainsKey(p.Second));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Precision {metrics.Precision:F4}  recall {metrics.Recall:F4}  F1 {metrics.F1:F4}  (TP {metrics.TruePositives:N0}, FP {metrics.FalsePositives:N0}, FN {metrics.FalseNegatives:N0}; {metrics.TruePairs:N0} true pairs)"));
            if (unknown > 0)
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{unknown:N0} true pairs name an id that is not in the input; they count as missed (FN)."));
        }

        total.Stop();
        var time = string.Create(CultureInfo.InvariantCulture, $"Time: {total.Elapsed.TotalSeconds:F2} s ({linking.Elapsed.TotalSeconds:F2} s linking)");
        await output.WriteLineAsync(settings.OutFile is { } written ? $"{time}; wrote {written}" : time);
        await output.WriteLineAsync(Json(records.Count, clusters, statistics, skipped, total.Elapsed, linking.Elapsed, metrics));
        return 0;
    }

    /// <summary>Checks the options before any file is read: usage mistakes exit with 2.</summary>
    private static (Dictionary<PersonFieldKind, string> Fields, char? Separator) Validate(Settings settings)
    {
        if (settings.Inputs.Count is < 1 or > 2)
            throw new LinkInputException($"--input takes one file (to deduplicate) or two (to link); {settings.Inputs.Count} were given.", 2);
        foreach (var input in settings.Inputs)
        {
            if (!File.Exists(input)) throw new LinkInputException($"The input file {input} does not exist.", 2);
        }
        if (settings.Inputs.Count == 2 && string.Equals(Path.GetFileName(settings.Inputs[0]), Path.GetFileName(settings.Inputs[1]), StringComparison.Ordinal))
            throw new LinkInputException($"The two input files have the same name ({Path.GetFileName(settings.Inputs[0])}), which is their records' source: rename one.", 2);
        if (settings.TruthFile is { } truth && !File.Exists(truth))
            throw new LinkInputException($"The true-pairs file {truth} does not exist.", 2);
        if (settings.OutFile is { } outFile && settings.Inputs.Concat(settings.TruthFile is null ? [] : [settings.TruthFile])
                .Any(i => string.Equals(Path.GetFullPath(i), Path.GetFullPath(outFile), StringComparison.Ordinal)))
            throw new LinkInputException($"--out {outFile} would overwrite an input file.", 2);
        if (string.IsNullOrWhiteSpace(settings.IdColumn))
            throw new LinkInputException("--id needs the name of the record id column.", 2);

        var fields = new Dictionary<PersonFieldKind, string>();
        foreach (var field in settings.Fields)
        {
            var equals = field.IndexOf('=');
            if (equals <= 0 || equals == field.Length - 1)
                throw new LinkInputException($"--field takes KIND=COLUMN (e.g. first_name=given_name), not \"{field}\".", 2);
            var kindName = field[..equals].Trim();
            if (!PersonFieldKinds.TryParse(kindName, out var kind))
                throw new LinkInputException($"Unknown field kind \"{kindName}\" (--field {field}). Valid kinds: {PersonFieldKinds.Names}.", 2);
            if (!fields.TryAdd(kind, field[(equals + 1)..].Trim()))
                throw new LinkInputException($"The field kind {kindName} is given twice.", 2);
        }
        if (fields.Count == 0)
            throw new LinkInputException($"Give at least one --field KIND=COLUMN. Valid kinds: {PersonFieldKinds.Names}.", 2);

        char? separator = settings.Delimiter?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => null,
            "tab" or "\\t" or "\t" => '\t',
            "comma" => ',',
            "semicolon" => ';',
            "pipe" => '|',
            { Length: 1 } single when single[0] is > ' ' and < (char)127 and not '"' => single[0],
            _ => throw new LinkInputException($"--delimiter takes one character: ',', ';', 'tab' or '|' (not \"{settings.Delimiter}\").", 2),
        };
        // "\t" is whitespace to Trim(): check the raw value too.
        if (separator is null && settings.Delimiter == "\t") separator = '\t';
        return (fields, separator);
    }

    private static string Describe(char separator) => separator switch
    {
        '\t' => "tab",
        _ => $"'{separator}'",
    };

    private static string Json(int records, int clusters, LinkStatistics statistics, int skipped, TimeSpan total, TimeSpan linking, PairwiseMetrics? metrics)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("records", records);
            json.WriteNumber("clusters", clusters);
            json.WriteNumber("candidate_pairs", statistics.CandidatePairs);
            json.WriteNumber("review_pairs", statistics.ReviewPairs);
            if (skipped > 0) json.WriteNumber("bad_rows_skipped", skipped);
            json.WriteNumber("seconds", Math.Round(total.TotalSeconds, 3));
            json.WriteNumber("link_seconds", Math.Round(linking.TotalSeconds, 3));
            if (metrics is not null)
            {
                json.WriteNumber("precision", Math.Round(metrics.Precision, 4));
                json.WriteNumber("recall", Math.Round(metrics.Recall, 4));
                json.WriteNumber("f1", Math.Round(metrics.F1, 4));
                json.WriteNumber("tp", metrics.TruePositives);
                json.WriteNumber("fp", metrics.FalsePositives);
                json.WriteNumber("fn", metrics.FalseNegatives);
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
