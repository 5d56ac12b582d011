using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Customer360Portal.Tests.Shared;

namespace Customer360Portal.Cli.Tests.Commands;

/// <summary><c>c360 evaluate-churn</c> in process, through the root command, on small generated files and on CDNOW.</summary>
public sealed class EvaluateChurnCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("c360-churn-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
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

    /// <summary>Customers whose churn depends on a plan and on support tickets, with blanks.</summary>
    private string CustomersCsv(int rows = 300)
    {
        var random = new Random(4);
        var text = new StringBuilder("customer,plan,tickets,tenure_months,churned\n");
        for (var i = 0; i < rows; i++)
        {
            var plan = random.NextDouble() < 0.5 ? "basic" : "premium";
            var tickets = random.Next(8);
            var churned = random.NextDouble() < (plan == "basic" ? 0.3 : 0.05) + tickets * 0.07;
            var tenure = i % 17 == 0 ? "" : random.Next(1, 60).ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"K{i},{(i % 23 == 0 ? "" : plan)},{tickets},{tenure},{(churned ? "yes" : "no")}\n");
        }
        var path = Path.Combine(root, "customers.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Fact]
    public async Task Input_LabelledCsv_PrintsModelAndBaselineAndEndsWithJson()
    {
        var (exitCode, output, error) = await RunAsync("evaluate-churn", "--input", CustomersCsv(), "--label", "churned", "--positive", "yes",
            "--id", "customer", "--folds", "3");

        Assert.True(exitCode == 0, error);
        Assert.Contains("categorical: plan", output);
        Assert.Contains("Baseline (logistic regression)", output);
        var json = Summary(output);
        Assert.Equal("evaluate-churn", json.GetProperty("command").GetString());
        Assert.Equal(300, json.GetProperty("rows").GetInt32());
        Assert.Equal(3, json.GetProperty("folds").GetInt32());
        Assert.InRange(json.GetProperty("auc").GetDouble(), 0.6, 1);
        Assert.InRange(json.GetProperty("baseline_auc").GetDouble(), 0.6, 1);
        Assert.True(json.TryGetProperty("pr_auc", out _) && json.TryGetProperty("lift_top_decile", out _) && json.TryGetProperty("brier", out _));
    }

    [Fact]
    public async Task Transactions_CsvPurchaseLog_LabelsByInactivity()
    {
        var cutoff = new DateTime(2025, 1, 1);
        var random = new Random(9);
        var text = new StringBuilder("customer_id,date,amount\n");
        for (var c = 0; c < 200; c++)
        {
            var churner = c % 3 == 0;
            var gap = 10 + random.Next(30);
            for (var day = churner ? 100 + random.Next(100) : random.Next(gap); day < 300; day += gap)
                text.Append(CultureInfo.InvariantCulture, $"c{c},{cutoff.AddDays(-day):yyyy-MM-dd},{10 + random.Next(40)}.50\n");
            if (!churner || random.NextDouble() < 0.1) text.Append(CultureInfo.InvariantCulture, $"c{c},{cutoff.AddDays(1 + random.Next(50)):yyyy-MM-dd},12\n");
        }
        var path = Path.Combine(root, "orders.csv");
        File.WriteAllText(path, text.ToString());

        var (exitCode, output, error) = await RunAsync("evaluate-churn", "--transactions", path, "--cutoff", "2024-12-31", "--horizon", "60", "--folds", "3");

        Assert.True(exitCode == 0, error);
        var json = Summary(output);
        Assert.Equal("2024-12-31", json.GetProperty("cutoff").GetString());
        Assert.Equal(60, json.GetProperty("horizon_days").GetInt32());
        Assert.Equal(200, json.GetProperty("customers").GetInt32());
        Assert.InRange(json.GetProperty("auc").GetDouble(), 0.8, 1);
        Assert.Contains("churn risk: no purchase for", output);
    }

    [Fact]
    public async Task Errors_AreOneLineWithoutStackTrace()
    {
        var missing = await RunAsync("evaluate-churn", "--input", Path.Combine(root, "nope.csv"), "--label", "x", "--positive", "1");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("not found", missing.Error);

        var csv = CustomersCsv(40);
        var unknown = await RunAsync("evaluate-churn", "--input", csv, "--label", "cancelled", "--positive", "yes");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("Unknown label column 'cancelled'", unknown.Error);

        var oneClass = await RunAsync("evaluate-churn", "--input", csv, "--label", "churned", "--positive", "maybe");
        Assert.Equal(2, oneClass.ExitCode);
        Assert.Contains("one class", oneClass.Error);
        Assert.DoesNotContain("   at ", oneClass.Error);
    }

    [SharedDataFact("cdnow")]
    public async Task Transactions_Cdnow_AucInSensibleRange()
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, output, error) = await RunAsync("evaluate-churn", "--transactions", SharedData.PathOf("cdnow/CDNOW_master.txt")!,
            "--cutoff", "1997-09-30", "--horizon", "180");

        Assert.True(exitCode == 0, error);
        var json = Summary(output);
        Assert.Equal(23570, json.GetProperty("customers").GetInt32());
        Assert.InRange(json.GetProperty("auc").GetDouble(), 0.75, 0.95);
        Assert.InRange(json.GetProperty("baseline_auc").GetDouble(), 0.7, 0.95);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }
}
