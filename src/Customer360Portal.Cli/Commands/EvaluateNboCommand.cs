using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Customer360Portal.Core.Predictions.Offers;

namespace Customer360Portal.Cli.Commands;

/// <summary>
/// <c>c360 evaluate-nbo</c>: measures next best offer on a file of purchases. Customers are split 80/20 (seeded); the
/// offer model (LightGbm over customer-candidate pairs) and the popularity and co-purchase baselines learn from the 80%;
/// each test customer with two or more distinct items has one item held out (baskets: a random one; transactions: the
/// last new item in time) and hit rate at k is reported. Prints readable lines and ends with one JSON line.
/// Exit codes: 0 done, 1 the input cannot be read or holds too little to evaluate, 2 a usage mistake.
/// </summary>
public static class EvaluateNboCommand
{
    private static readonly Option<string> Input = new("--input")
    {
        Description = "The purchases: baskets (one per line, items comma-separated) or a CSV of transactions with a header row.",
        Required = true,
    };
    private static readonly Option<string> Format = new("--format")
    {
        Description = "baskets: a basket stands in for a customer; transactions: rows of customer, item, time.",
        Required = true,
    };
    private static readonly Option<string> Customer = new("--customer")
    {
        Description = "Transactions: the customer id column.",
        DefaultValueFactory = _ => "customer",
    };
    private static readonly Option<string> Item = new("--item")
    {
        Description = "Transactions: the item column.",
        DefaultValueFactory = _ => "item",
    };
    private static readonly Option<string> Time = new("--time")
    {
        Description = "Transactions: the time column (numbers, dates or sortable text).",
        DefaultValueFactory = _ => "time",
    };
    private static readonly Option<int> K = new("--k")
    {
        Description = "How many offers per customer count (hit rate at k).",
        DefaultValueFactory = _ => 5,
    };
    private static readonly Option<int> Seed = new("--seed")
    {
        Description = "Seed of the customer split, the random hold-out and the model.",
        DefaultValueFactory = _ => 42,
    };

    static EvaluateNboCommand() => Format.AcceptOnlyFromAmong("baskets", "transactions");

    public static Command Create()
    {
        var command = new Command("evaluate-nbo", "Hit rate at k of the next-best-offer model against popularity and co-purchase baselines, on held-out purchases.")
        {
            Input, Format, Customer, Item, Time, K, Seed,
        };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(Settings.From(parse), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    public sealed record Settings(string Input, string Format, string CustomerColumn = "customer", string ItemColumn = "item",
        string TimeColumn = "time", int K = 5, int Seed = 42)
    {
        public static Settings From(ParseResult parse) => new(parse.GetValue(EvaluateNboCommand.Input) ?? "", parse.GetValue(EvaluateNboCommand.Format) ?? "",
            parse.GetValue(Customer) ?? "customer", parse.GetValue(Item) ?? "item", parse.GetValue(Time) ?? "time",
            parse.GetValue(EvaluateNboCommand.K), parse.GetValue(EvaluateNboCommand.Seed));
    }

    public static async Task<int> RunAsync(Settings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return await EvaluateAsync(settings, output, cancellationToken);
        }
        catch (NboInputException e)
        {
            await error.WriteLineAsync(e.Message);
            return e.ExitCode;
        }
        catch (InvalidOperationException e)
        {
            // Too little data to train or evaluate: the message says what was found.
            await error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CsvFormatException or InvalidDataException)
        {
            await error.WriteLineAsync($"{e.GetType().Name}: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> EvaluateAsync(Settings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        if (settings.K < 1) throw new NboInputException($"--k must be at least 1 (not {settings.K}).", 2);
        if (!File.Exists(settings.Input)) throw new NboInputException($"The input file {settings.Input} does not exist.", 2);
        var name = Path.GetFileName(settings.Input);

        IReadOnlyList<PurchaseHistory> histories;
        HoldOutRule holdOut;
        switch (settings.Format.Trim().ToLowerInvariant())
        {
            case "baskets":
                histories = PurchaseHistories.FromBaskets(await File.ReadAllLinesAsync(settings.Input, cancellationToken));
                holdOut = HoldOutRule.Random;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: {histories.Count:N0} baskets (each stands in for a customer), {histories.Sum(h => h.Items.Count):N0} items bought"));
                break;
            case "transactions":
                var (read, rows) = await ReadTransactionsAsync(settings, name, cancellationToken);
                histories = read;
                holdOut = HoldOutRule.Last;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: {rows:N0} transactions of {histories.Count:N0} customers"));
                break;
            default:
                throw new NboInputException($"--format takes baskets or transactions (not \"{settings.Format}\").", 2);
        }
        if (histories.Count == 0) throw new NboInputException($"{name} holds no purchases.", 1);

        var result = NboEvaluation.Run(histories, new NboEvaluationOptions { K = settings.K, Seed = settings.Seed, HoldOut = holdOut }, cancellationToken);
        total.Stop();

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Customers: {result.Customers:N0} ({result.TrainingCustomers:N0} training, {result.TestCustomers:N0} test); {result.Items:N0} distinct items"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Evaluated: {result.Evaluated:N0} test customers with two or more items, one {(holdOut == HoldOutRule.Last ? "last new item in time" : "random item")} held out each"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Hit rate at {result.K}: model {result.HitAtK:F4} ({result.ModelHits:N0}), popularity {result.BaselinePopularity:F4} ({result.PopularityHits:N0}), co-purchase {result.BaselineCoPurchase:F4} ({result.CoPurchaseHits:N0})"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Model: LightGbm binary over {result.TrainingPairs:N0} training pairs, trained in {result.TrainingTime.TotalSeconds:F2} s; held-out item among its candidates for {result.CandidateRecall:P1}"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Time: {total.Elapsed.TotalSeconds:F2} s"));
        await output.WriteLineAsync(Json(result, total.Elapsed));
        return 0;
    }

    /// <summary>Rows of customer, item, time with a header; each customer's items ordered by time (then file order).</summary>
    private static async Task<(IReadOnlyList<PurchaseHistory> Histories, int Rows)> ReadTransactionsAsync(Settings settings, string name,
        CancellationToken cancellationToken)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            Mode = CsvMode.Rfc4180,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            IncludeValuesInExceptions = false,
            TrackLineNumbers = true,
            PoolStrings = true,
        };
        await using var stream = new FileStream(settings.Input, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        await using var reader = CsvReader.Create(stream, options, leaveOpen: false);
        await reader.ReadHeaderAsync(cancellationToken);
        var headers = reader.Headers.Select(h => h.Trim()).ToArray();
        if (headers.Length == 0 || headers.All(h => h.Length == 0))
            throw new NboInputException($"{name} is empty: it needs a header row naming its columns.", 1);
        var customerIndex = Column(settings.CustomerColumn, "--customer");
        var itemIndex = Column(settings.ItemColumn, "--item");
        var timeIndex = Column(settings.TimeColumn, "--time");

        var rows = new List<(string Customer, string Item, string Time, int Order)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var customer = reader.GetString(customerIndex).Trim();
            var item = reader.GetString(itemIndex).Trim();
            var time = reader.GetString(timeIndex).Trim();
            if (customer.Length == 0 || item.Length == 0)
                throw new NboInputException($"{name} line {reader.LineNumber}: no {(customer.Length == 0 ? "customer" : "item")} (columns {headers[customerIndex]}, {headers[itemIndex]}).", 1);
            rows.Add((customer, item, time, rows.Count));
        }

        // Times sort as numbers when all are numbers, else as dates when all are dates, else as text.
        Func<string, IComparable> key;
        if (rows.All(r => double.TryParse(r.Time, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            key = t => double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture);
        else if (rows.All(r => DateTimeOffset.TryParse(r.Time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)))
            key = t => DateTimeOffset.Parse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        else
            key = t => t;

        var histories = rows.GroupBy(r => r.Customer, StringComparer.Ordinal)
            .Select(g => new PurchaseHistory(g.Key, g.OrderBy(r => key(r.Time)).ThenBy(r => r.Order).Select(r => r.Item).ToList()))
            .ToList();
        return (histories, rows.Count);

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
                throw new NboInputException($"{name} has no column \"{trimmed}\" ({option}). Its columns are: {string.Join(", ", headers)}.", 2);
            return index;
        }
    }

    private static string Json(NboEvaluationResult result, TimeSpan total)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("command", "evaluate-nbo");
            json.WriteNumber("customers", result.Customers);
            json.WriteNumber("evaluated", result.Evaluated);
            json.WriteNumber("items", result.Items);
            json.WriteNumber("k", result.K);
            json.WriteNumber("hit_at_k", Math.Round(result.HitAtK, 4));
            json.WriteNumber("baseline_popularity", Math.Round(result.BaselinePopularity, 4));
            json.WriteNumber("baseline_copurchase", Math.Round(result.BaselineCoPurchase, 4));
            json.WriteNumber("candidate_recall", Math.Round(result.CandidateRecall, 4));
            json.WriteNumber("training_pairs", result.TrainingPairs);
            json.WriteNumber("seconds", Math.Round(total.TotalSeconds, 3));
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>A problem with the input or the options of <c>c360 evaluate-nbo</c>, with its exit code.</summary>
public sealed class NboInputException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
