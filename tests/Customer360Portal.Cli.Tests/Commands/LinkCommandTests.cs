using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Customer360Portal.Tests.Shared;

namespace Customer360Portal.Cli.Tests.Commands;

/// <summary>
/// <c>c360 link</c> in process, through the root command as <c>c360</c> builds it, on small CSV files in a temp folder.
/// Tests marked "engine" depend on the matching engine finding obvious duplicates; the others hold for any engine that
/// does not merge clearly different people (they pass with the placeholder that leaves every record alone).
/// </summary>
public sealed class LinkCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("c360-link-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private const string Header = "id,given,family,dob,email,phone,street,postcode,city";

    private static readonly string[] StandardFields =
    [
        "--field", "first_name=given", "--field", "last_name=family", "--field", "dob=dob", "--field", "email=email",
        "--field", "phone=phone", "--field", "address_line=street", "--field", "postcode=postcode", "--field", "city=city",
    ];

    private static readonly string[] GivenNames =
        ["olivia", "noah", "amelia", "jack", "isla", "oliver", "mia", "leo", "ava", "henry", "grace", "lucas", "ruby", "theo", "zara", "felix", "ivy", "oscar", "nora", "arlo"];
    private static readonly string[] FamilyNames =
        ["nguyen", "okafor", "lindqvist", "moreau", "kowalski", "tanaka", "fitzgerald", "haddad", "castellano", "brennan",
         "yilmaz", "petrov", "achterberg", "mbeki", "sorensen", "delacroix", "oyelaran", "vasquez", "kirkland", "abernathy"];
    private static readonly string[] Streets = ["acacia avenue", "birch lane", "cedar road", "dunmore crescent", "elm parade", "fern close"];
    private static readonly string[] Cities = ["ballarat", "geelong", "bendigo", "mildura", "wodonga", "horsham"];

    /// <summary>
    /// Rows of clearly different people (no two share a name, birth date, email, phone or address), enough for an
    /// engine that estimates its model from the records themselves. Ids are P001..; postcodes keep a leading zero.
    /// Calls with different <paramref name="first"/> numbers (below 400 together) give different people.
    /// </summary>
    private static IEnumerable<string> DistinctPeople(int count, string prefix = "P", int first = 0)
    {
        for (var n = 0; n < count; n++)
        {
            var i = first + n;
            var given = GivenNames[i % GivenNames.Length];
            var family = FamilyNames[(i * 3 + i / GivenNames.Length) % FamilyNames.Length];
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{prefix}{n + 1:000},{given},{family},{1900 + i % 100}{1 + i % 12:00}{1 + i % 28:00},{given}.{family}{i}@example.com,04{10000000 + i * 7919:00000000},{i + 1} {Streets[i % Streets.Length]},0{800 + i},{Cities[i % Cities.Length]}");
        }
    }

    private string WriteCsv(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(root, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    private string Out => Path.Combine(root, "clusters.csv");

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var command = new RootCommand("c360");
        foreach (var subcommand in CliCommands.All()) command.Subcommands.Add(subcommand);
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await command.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private static JsonElement Summary(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return JsonDocument.Parse(lines[^1]).RootElement;
    }

    private List<string[]> ReadOut() => File.ReadAllLines(Out).Select(l => l.Split(',')).ToList();

    private static string[] Args(string[] inputs, params string[] more) =>
        [.. "link".Split(' '), .. inputs.SelectMany(i => new[] { "--input", i }), "--id", "id", .. StandardFields, .. more];

    [Fact]
    public async Task OneFile_WritesSourceRecordIdClusterId_OneRowPerRecordInInputOrder()
    {
        var input = WriteCsv("crm-export.csv", [Header, .. DistinctPeople(30)]);

        var (exitCode, output, error) = await RunAsync(Args([input], "--out", Out));

        Assert.True(exitCode == 0, output + error);
        var rows = ReadOut();
        Assert.Equal(["source", "record_id", "cluster_id"], rows[0]);
        Assert.Equal(31, rows.Count);
        Assert.All(rows.Skip(1), r => Assert.Equal("crm-export.csv", r[0]));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => $"P{i:000}"), rows.Skip(1).Select(r => r[1]));
        // Different people: each is its own cluster, named by its own record id (no file prefix with one file).
        Assert.All(rows.Skip(1), r => Assert.Equal(r[1], r[2]));

        Assert.Contains("crm-export.csv: 30 records, 9 columns, separator ','", output);
        Assert.Contains("Clusters: 30 for 30 records", output);
        var summary = Summary(output);
        Assert.Equal(30, summary.GetProperty("records").GetInt32());
        Assert.Equal(30, summary.GetProperty("clusters").GetInt32());
        Assert.True(summary.GetProperty("seconds").GetDouble() >= 0);
        Assert.False(summary.TryGetProperty("precision", out _), "metrics only with --truth");
    }

    [Fact]
    public async Task TwoFiles_SourceIsEachFilesName_ClusterIdsAreSourceColonId()
    {
        var people = DistinctPeople(40).ToList();
        var crm = WriteCsv("crm.csv", [Header, .. people.Take(20)]);
        var shop = WriteCsv("shop.csv", [Header, .. people.Skip(20)]);

        var (exitCode, output, error) = await RunAsync(Args([crm, shop], "--out", Out));

        Assert.True(exitCode == 0, output + error);
        var rows = ReadOut().Skip(1).ToList();
        Assert.Equal(40, rows.Count);
        Assert.All(rows.Take(20), r => Assert.Equal("crm.csv", r[0]));
        Assert.All(rows.Skip(20), r => Assert.Equal("shop.csv", r[0]));
        Assert.All(rows, r => Assert.Equal($"{r[0]}:{r[1]}", r[2]));
        Assert.Contains("crm.csv: 20 records", output);
        Assert.Contains("shop.csv: 20 records", output);
        Assert.Equal(40, Summary(output).GetProperty("records").GetInt32());
    }

    [Fact]
    public async Task UnknownKind_ExitsTwo_AndListsTheValidKinds()
    {
        var input = WriteCsv("people.csv", [Header, .. DistinctPeople(3)]);

        var (exitCode, output, error) = await RunAsync("link", "--input", input, "--id", "id", "--field", "forename=given", "--out", Out);

        Assert.Equal(2, exitCode);
        Assert.Contains("Unknown field kind \"forename\"", error);
        foreach (var kind in new[] { "first_name", "last_name", "full_name", "dob", "email", "phone", "street_number", "street",
                     "address_line", "locality", "city", "postcode", "state", "country", "gender", "national_id", "account_id" })
            Assert.Contains(kind, error);
        Assert.False(File.Exists(Out));
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("--field", "first_name=givn", "givn")]
    [InlineData("--id", "record_id", "record_id")]
    public async Task UnknownColumn_ExitsTwo_NamingTheColumnAndTheFilesColumns(string option, string value, string missing)
    {
        var input = WriteCsv("people.csv", [Header, .. DistinctPeople(3)]);
        string[] args = option == "--id"
            ? ["link", "--input", input, "--id", value, "--field", "first_name=given"]
            : ["link", "--input", input, "--id", "id", option, value];

        var (exitCode, _, error) = await RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains($"people.csv has no column \"{missing}\"", error);
        Assert.Contains("Its columns are: id, given, family, dob, email, phone, street, postcode, city.", error);
    }

    [Fact]
    public async Task RaggedRow_StopsWithExitOne_NamingTheLineButNoValues()
    {
        var input = WriteCsv("people.csv", [Header, .. DistinctPeople(3), "P900,secretname,secretfamily", .. DistinctPeople(2, "Q", first: 100)]);

        var (exitCode, output, error) = await RunAsync(Args([input], "--out", Out));

        Assert.Equal(1, exitCode);
        Assert.Contains("people.csv line 5 (row 4): 3 fields, the header has 9", error);
        Assert.Contains("--skip-bad-rows", error);
        Assert.DoesNotContain("secret", output + error);
        Assert.DoesNotContain("P900", output + error);
        Assert.False(File.Exists(Out));
    }

    [Fact]
    public async Task BadRows_WithSkipBadRows_AreLeftOutAndCounted()
    {
        var input = WriteCsv("people.csv",
        [
            Header, .. DistinctPeople(3),
            "P900,secretname,secretfamily",                                       // too few fields
            ",nameless,person,19700101,nameless@example.com,0400000001,1 a st,0900,x", // no id
            .. DistinctPeople(1),                                                 // P001 again: a repeated id
            "P901,\"quoted\"trailing,family,19700101,q@example.com,0400000002,2 b st,0901,y", // text after a closing quote
            .. DistinctPeople(2, "Q", first: 100),
        ]);

        var (exitCode, output, error) = await RunAsync(Args([input], "--out", Out, "--skip-bad-rows"));

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("people.csv: 5 records, 9 columns, separator ','; 4 bad rows left out (lines 5, 6, 7, 8)", output);
        Assert.Equal(["P001", "P002", "P003", "Q001", "Q002"], ReadOut().Skip(1).Select(r => r[1]));
        Assert.Equal(4, Summary(output).GetProperty("bad_rows_skipped").GetInt32());
        Assert.DoesNotContain("secret", output + error);
    }

    [Theory]
    [InlineData("P001", "the same id as line 2")]
    [InlineData("", "no id in column id")]
    public async Task RepeatedOrMissingId_IsABadRow(string id, string problem)
    {
        var input = WriteCsv("people.csv", [Header, .. DistinctPeople(2), id + ",ann,other,19700101,ann@example.com,0400000001,1 a st,0900,x"]);

        var (exitCode, _, error) = await RunAsync(Args([input]));

        Assert.Equal(1, exitCode);
        Assert.Contains($"people.csv line 4 (row 3): {problem}", error);
    }

    [Fact]
    public async Task Truth_ReportsPairwiseMetrics_InTextAndJson()
    {
        // Different people only, so no engine merges any: every true pair is missed, nothing is predicted.
        // Precision is defined as 0 when no pair is predicted. The truth lists P001-P002 twice (both orders).
        var input = WriteCsv("people.csv", [Header, .. DistinctPeople(30)]);
        var truth = WriteCsv("truth.csv", ["rec_id_1,rec_id_2", "P001,P002", "P002,P001", "P003,P004", "P005,X999"]);

        var (exitCode, output, error) = await RunAsync(Args([input], "--truth", truth));

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("Precision 0.0000  recall 0.0000  F1 0.0000  (TP 0, FP 0, FN 3; 3 true pairs)", output);
        Assert.Contains("1 true pairs name an id that is not in the input; they count as missed (FN).", output);
        var summary = Summary(output);
        Assert.Equal(0, summary.GetProperty("precision").GetDouble());
        Assert.Equal(0, summary.GetProperty("recall").GetDouble());
        Assert.Equal(0, summary.GetProperty("f1").GetDouble());
        Assert.Equal(0, summary.GetProperty("tp").GetInt32());
        Assert.Equal(0, summary.GetProperty("fp").GetInt32());
        Assert.Equal(3, summary.GetProperty("fn").GetInt32());
    }

    [Fact]
    public async Task Truth_WithTwoFilesSharingIds_ExitsTwo()
    {
        var crm = WriteCsv("crm.csv", [Header, .. DistinctPeople(3)]);
        var shop = WriteCsv("shop.csv", [Header, .. DistinctPeople(3)]);
        var truth = WriteCsv("truth.csv", ["rec_id_1,rec_id_2", "P001,P002"]);

        var (exitCode, _, error) = await RunAsync(Args([crm, shop], "--truth", truth));

        Assert.Equal(2, exitCode);
        Assert.Contains("3 record ids are in both input files", error);
    }

    [Fact]
    public async Task Separators_SemicolonAndTabAreDetected_OrGivenWithDelimiter()
    {
        var people = DistinctPeople(5).ToList();
        var semicolon = WriteCsv("semicolon.csv", [Header.Replace(',', ';'), .. people.Select(p => p.Replace(',', ';'))]);
        var tab = WriteCsv("tab.csv", [Header.Replace(',', '\t'), .. people.Select(p => p.Replace(',', '\t'))]);

        var detected = await RunAsync(Args([semicolon]));
        var given = await RunAsync(Args([tab], "--delimiter", "tab"));

        Assert.True(detected.ExitCode == 0, detected.Output + detected.Error);
        Assert.Contains("semicolon.csv: 5 records, 9 columns, separator ';'", detected.Output);
        Assert.True(given.ExitCode == 0, given.Output + given.Error);
        Assert.Contains("tab.csv: 5 records, 9 columns, separator tab", given.Output);
    }

    [Fact]
    public async Task UsageMistakes_ExitTwo()
    {
        var input = WriteCsv("people.csv", [Header, .. DistinctPeople(3)]);

        Assert.Equal(2, (await RunAsync(Args([Path.Combine(root, "missing.csv")]))).ExitCode);
        Assert.Equal(2, (await RunAsync(Args([input, input]))).ExitCode);              // two inputs with one name
        Assert.Equal(2, (await RunAsync(Args([input], "--out", input))).ExitCode);    // would overwrite the input
        Assert.Equal(2, (await RunAsync("link", "--input", input, "--id", "id", "--field", "first_name")).ExitCode);
        Assert.Equal(2, (await RunAsync("link", "--input", input, "--id", "id", "--field", "dob=dob", "--field", "dob=dob")).ExitCode);
        Assert.Equal(2, (await RunAsync(Args([input], "--delimiter", "::"))).ExitCode);
        Assert.Equal(3, File.ReadAllLines(input).Length - 1); // the input is untouched
    }

    // ---- These depend on the matching engine (the placeholder leaves every record alone, so they fail with it). ----

    /// <summary>William Smith and "Bill Smyth": the same record but for a nickname and a one-letter surname typo.</summary>
    private const string William = "D1,william,smith,19800512,william.smith@example.com,0412345678,12 high street,02600,canberra";
    private const string Bill = "D2,bill,smyth,19800512,william.smith@example.com,0412345678,12 high street,02600,canberra";

    [Fact]
    public async Task Engine_ObviousDuplicates_AreOneCluster_AndTruthScoresOne()
    {
        var input = WriteCsv("people.csv", [Header, .. DistinctPeople(20), William, .. DistinctPeople(20, "Q", first: 100), Bill]);
        var truth = WriteCsv("truth.csv", ["rec_id_1,rec_id_2", "D2,D1"]);

        var (exitCode, output, error) = await RunAsync(Args([input], "--out", Out, "--truth", truth));

        Assert.True(exitCode == 0, output + error);
        var clusterOf = ReadOut().Skip(1).ToDictionary(r => r[1], r => r[2]);
        Assert.Equal("D1", clusterOf["D1"]);
        Assert.Equal("D1", clusterOf["D2"]); // the cluster is named by its first record
        Assert.Equal(41, clusterOf.Values.Distinct().Count());
        var summary = Summary(output);
        Assert.Equal(41, summary.GetProperty("clusters").GetInt32());
        Assert.Equal(1.0, summary.GetProperty("precision").GetDouble());
        Assert.Equal(1.0, summary.GetProperty("recall").GetDouble());
        Assert.Equal(1.0, summary.GetProperty("f1").GetDouble());
        Assert.Contains("Precision 1.0000  recall 1.0000  F1 1.0000  (TP 1, FP 0, FN 0; 1 true pairs)", output);
    }

    [Fact]
    public async Task Engine_TwoFiles_SamePersonInBoth_TakesTheFirstFilesRecordAsClusterId()
    {
        var crm = WriteCsv("crm.csv", [Header, .. DistinctPeople(20), William]);
        var shop = WriteCsv("shop.csv", [Header, .. DistinctPeople(20, "Q", first: 100), Bill]);

        var (exitCode, output, error) = await RunAsync(Args([crm, shop], "--out", Out));

        Assert.True(exitCode == 0, output + error);
        var rows = ReadOut().Skip(1).ToList();
        Assert.Equal("crm.csv:D1", rows.Single(r => r[0] == "crm.csv" && r[1] == "D1")[2]);
        Assert.Equal("crm.csv:D1", rows.Single(r => r[0] == "shop.csv" && r[1] == "D2")[2]);
        Assert.Equal(41, Summary(output).GetProperty("clusters").GetInt32());
    }

    // ---- FEBRL (shared data set; skipped when absent) ----

    private static string[] FebrlArgs(string dataset, string truth, params string[] more) =>
    [
        "link", "--input", SharedData.PathOf(Path.Combine("febrl", dataset))!, "--id", "rec_id",
        "--field", "first_name=given_name", "--field", "last_name=surname", "--field", "street_number=street_number",
        "--field", "street=address_1", "--field", "locality=address_2", "--field", "city=suburb", "--field", "postcode=postcode",
        "--field", "state=state", "--field", "dob=date_of_birth", "--field", "national_id=soc_sec_id",
        "--truth", SharedData.PathOf(Path.Combine("febrl", truth))!, .. more,
    ];

    [SharedDataFact("febrl")]
    public async Task Febrl_Dataset1_ReadsEveryRecord_AndWritesOneRowEach()
    {
        var (exitCode, output, error) = await RunAsync(FebrlArgs("dataset1.csv", "true_pairs_febrl1.csv", "--out", Out));

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("dataset1.csv: 1,000 records, 11 columns, separator ','", output);
        var rows = ReadOut();
        Assert.Equal(["source", "record_id", "cluster_id"], rows[0]);
        Assert.Equal(1_000, rows.Count - 1);
        Assert.Equal(1_000, rows.Skip(1).Select(r => r[1]).Distinct().Count());
        Assert.All(rows.Skip(1), r => Assert.StartsWith("rec-", r[1]));
        Assert.Equal(500, Summary(output).GetProperty("tp").GetInt32() + Summary(output).GetProperty("fn").GetInt32());
    }

    [SharedDataFact("febrl")]
    public async Task Engine_Febrl_Dataset1_F1AtLeast097()
    {
        var (exitCode, output, error) = await RunAsync(FebrlArgs("dataset1.csv", "true_pairs_febrl1.csv"));

        Assert.True(exitCode == 0, output + error);
        var f1 = Summary(output).GetProperty("f1").GetDouble();
        Assert.True(f1 >= 0.97, $"F1 {f1} on FEBRL dataset1 is below 0.97:\n{output}");
    }
}
