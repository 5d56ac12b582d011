using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Customer360Portal.Cli.Tests.Commands;

/// <summary><c>c360 evaluate-nbo</c> in process, through the root command, on small generated files in a temp folder.</summary>
public sealed class EvaluateNboCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("c360-nbo-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    /// <summary>Whoever buys Aj almost always buys Bj too; staples P0..P5 are bought by many (see the Core tests).</summary>
    private static IEnumerable<List<string>> Customers(int count)
    {
        var random = new Random(3);
        for (var c = 0; c < count; c++)
        {
            var items = new List<string>();
            for (var p = 0; p < 6; p++)
                if (random.NextDouble() < 0.6 - 0.05 * p) items.Add($"staple {p}");
            var j = random.Next(10);
            items.Add($"starter {j}");
            items.Add(random.NextDouble() < 0.95 ? $"companion {j}" : $"staple {random.Next(6)}");
            yield return items;
        }
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(root, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var command = new RootCommand("c360");
        foreach (var subcommand in CliCommands.All()) command.Subcommands.Add(subcommand);
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await command.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private static JsonElement Summary(string output) =>
        JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1]).RootElement;

    [Fact]
    public async Task Baskets_PrintsHitRatesAndEndsWithJson()
    {
        var input = Write("baskets.csv", Customers(800).Select(items => string.Join(",", items)));

        var (exitCode, output, error) = await RunAsync("evaluate-nbo", "--input", input, "--format", "baskets", "--k", "5");

        Assert.True(exitCode == 0, error);
        Assert.Contains("Hit rate at 5: model", output);
        var json = Summary(output);
        Assert.Equal("evaluate-nbo", json.GetProperty("command").GetString());
        Assert.Equal(800, json.GetProperty("customers").GetInt32());
        Assert.Equal(5, json.GetProperty("k").GetInt32());
        Assert.True(json.GetProperty("evaluated").GetInt32() > 100);
        Assert.Equal(26, json.GetProperty("items").GetInt32()); // 6 staples, 10 starters, 10 companions
        // A random held-out item: the companion half the time at most, so bounds stay loose.
        Assert.InRange(json.GetProperty("hit_at_k").GetDouble(), 0, 1);
        Assert.True(json.GetProperty("baseline_copurchase").GetDouble() > 0.3);
        Assert.True(json.TryGetProperty("baseline_popularity", out _));
        Assert.True(json.TryGetProperty("seconds", out _));
    }

    [Fact]
    public async Task Transactions_HoldsOutTheLastItemInTime()
    {
        // Rows are written newest first, with the customer and item columns named differently: time decides the order.
        var lines = new List<string> { "when,client,product,amount" };
        var c = 0;
        foreach (var items in Customers(600))
        {
            c++;
            for (var i = items.Count - 1; i >= 0; i--)
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"2024-01-{1 + i:00},C{c},{items[i]},1.5"));
        }
        var input = Write("transactions.csv", lines);

        var (exitCode, output, error) = await RunAsync("evaluate-nbo", "--input", input, "--format", "transactions",
            "--customer", "client", "--item", "product", "--time", "when", "--k", "3");

        Assert.True(exitCode == 0, error);
        Assert.Contains("last new item in time", output);
        var json = Summary(output);
        Assert.Equal(600, json.GetProperty("customers").GetInt32());
        Assert.Equal(3, json.GetProperty("k").GetInt32());
        // The last item is the companion of the starter in 95% of histories.
        // At k=3 summed confidence from several staples (bought together half the time) often outweighs the one starter
        // link, so the co-purchase baseline sits between popularity and the model (measured 0.07, 0.44, 0.97).
        var model = json.GetProperty("hit_at_k").GetDouble();
        var coPurchase = json.GetProperty("baseline_copurchase").GetDouble();
        var popularity = json.GetProperty("baseline_popularity").GetDouble();
        Assert.True(model > 0.8, output);
        Assert.True(model > coPurchase && coPurchase > popularity, output);
        Assert.True(popularity < 0.3, output);
    }

    [Fact]
    public async Task MissingColumn_ExitsWithTwoAndNamesTheColumns()
    {
        var input = Write("t.csv", ["customer,product,time", "a,x,1"]);

        var (exitCode, _, error) = await RunAsync("evaluate-nbo", "--input", input, "--format", "transactions");

        Assert.Equal(2, exitCode);
        Assert.Contains("no column \"item\" (--item)", error);
        Assert.Contains("customer, product, time", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task MissingFile_ExitsWithTwo()
    {
        var (exitCode, _, error) = await RunAsync("evaluate-nbo", "--input", Path.Combine(root, "none.csv"), "--format", "baskets");

        Assert.Equal(2, exitCode);
        Assert.Contains("does not exist", error);
    }

    [Fact]
    public async Task TooLittleData_ExitsWithOneAndSaysWhy()
    {
        var input = Write("tiny.csv", ["a,b", "a,c", "b"]);

        var (exitCode, _, error) = await RunAsync("evaluate-nbo", "--input", input, "--format", "baskets");

        Assert.Equal(1, exitCode);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task UnknownFormat_IsRejected()
    {
        var input = Write("b.csv", ["a,b"]);

        var (exitCode, _, _) = await RunAsync("evaluate-nbo", "--input", input, "--format", "json");

        Assert.NotEqual(0, exitCode);
    }
}
