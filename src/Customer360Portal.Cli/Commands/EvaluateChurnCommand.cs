using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Customer360Portal.Core.Predictions.Churn;

namespace Customer360Portal.Cli.Commands;

/// <summary>
/// <c>c360 evaluate-churn</c>: trains and evaluates the product's churn pipeline (calibrated LightGbm blended with logistic regression)
/// with stratified k-fold cross-validation, beside a logistic-regression baseline on the same features and folds.
/// Two inputs: a labelled table of customers (<c>--input --label --positive [--id]</c>), or a purchase log
/// (<c>--transactions --cutoff --horizon</c>) turned into features by <see cref="ChurnFeatureBuilder"/> and labelled
/// churned when a customer makes no purchase within the horizon after the cut-off. Prints readable lines and ends
/// with one JSON line. Exit codes: 0 done, 2 a usage or input mistake.
/// </summary>
public static class EvaluateChurnCommand
{
    private static readonly Option<string?> Input = new("--input") { Description = "A CSV of customers with a header row: any numeric and categorical columns plus the label column." };
    private static readonly Option<string?> Label = new("--label") { Description = "With --input: the label column." };
    private static readonly Option<string?> Positive = new("--positive") { Description = "With --input: the label value that means churned (compared trimmed, case-insensitive)." };
    private static readonly Option<string?> Id = new("--id") { Description = "With --input: the customer id column (left out of the features)." };
    private static readonly Option<string?> Transactions = new("--transactions")
    {
        Description = "A purchase log instead of --input: CSV with header (customer_id, date or timestamp, amount) or the CDNOW layout " +
            "(whitespace-separated 'customer_id yyyymmdd number_of_cds dollar_value'), detected or set with --format.",
    };
    private static readonly Option<string?> Cutoff = new("--cutoff") { Description = "With --transactions: the cut-off date (yyyy-mm-dd); features use purchases up to the end of that day." };
    private static readonly Option<int> Horizon = new("--horizon") { Description = "With --transactions: churned = no purchase within this many days after the cut-off.", DefaultValueFactory = _ => 180 };
    private static readonly Option<string> Format = new("--format") { Description = "With --transactions: auto, csv or cdnow.", DefaultValueFactory = _ => "auto" };
    private static readonly Option<int> Folds = new("--folds") { Description = "Number of stratified folds.", DefaultValueFactory = _ => 5 };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the fold split and the learners.", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> Explain = new("--explain") { Description = "Explain this many of the highest-risk held-out customers of fold 1.", DefaultValueFactory = _ => 3 };

    public static Command Create()
    {
        var command = new Command("evaluate-churn",
            "Measure the churn model (calibrated LightGbm blended with logistic regression) against a logistic-regression baseline with stratified k-fold on a labelled CSV or a purchase log.")
        {
            Input, Label, Positive, Id, Transactions, Cutoff, Horizon, Format, Folds, Seed, Explain,
        };
        command.SetAction((parse, _) => Task.FromResult(Run(Settings.From(parse), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error)));
        return command;
    }

    public sealed record Settings(string? Input, string? Label, string? Positive, string? Id, string? Transactions, string? Cutoff,
        int Horizon, string Format, int Folds, int Seed, int Explain)
    {
        public static Settings From(ParseResult parse) => new(parse.GetValue(EvaluateChurnCommand.Input), parse.GetValue(EvaluateChurnCommand.Label),
            parse.GetValue(EvaluateChurnCommand.Positive), parse.GetValue(EvaluateChurnCommand.Id), parse.GetValue(EvaluateChurnCommand.Transactions),
            parse.GetValue(EvaluateChurnCommand.Cutoff), parse.GetValue(EvaluateChurnCommand.Horizon), parse.GetValue(EvaluateChurnCommand.Format) ?? "auto",
            parse.GetValue(EvaluateChurnCommand.Folds), parse.GetValue(EvaluateChurnCommand.Seed), parse.GetValue(EvaluateChurnCommand.Explain));
    }

    public static int Run(Settings settings, TextWriter output, TextWriter error)
    {
        try
        {
            Evaluate(settings, output);
            return 0;
        }
        catch (ChurnInputException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{e.GetType().Name}: {e.Message}");
            return 2;
        }
    }

    private static void Evaluate(Settings settings, TextWriter output)
    {
        var ci = CultureInfo.InvariantCulture;
        var clock = Stopwatch.StartNew();
        var summary = new Dictionary<string, object?> { ["command"] = "evaluate-churn" };
        ChurnTable table;
        if (settings.Transactions is { } transactions)
        {
            if (settings.Input is not null) throw new ChurnInputException("Give either --input or --transactions, not both.");
            if (settings.Cutoff is null || !DateTime.TryParseExact(settings.Cutoff, ["yyyy-MM-dd", "yyyyMMdd"], ci, DateTimeStyles.None, out var cutoffDay))
                throw new ChurnInputException("--transactions needs --cutoff yyyy-mm-dd.");
            if (settings.Horizon <= 0) throw new ChurnInputException("--horizon must be a positive number of days.");
            if (!Enum.TryParse<PurchaseLogFormat>(settings.Format, ignoreCase: true, out var format))
                throw new ChurnInputException($"Unknown --format '{settings.Format}': use auto, csv or cdnow.");
            var purchases = PurchaseLog.Read(transactions, format);
            // Features use purchases up to the end of the cut-off day; the label window is the following horizon days.
            var rows = ChurnFeatureBuilder.Build(purchases, cutoffDay.AddDays(1), ChurnDefinition.ByInactivity(settings.Horizon));
            table = ChurnTable.FromFeatureRows(rows);
            output.WriteLine(string.Create(ci,
                $"{Path.GetFileName(transactions)}: {purchases.Count:N0} purchases; {table.RowCount:N0} customers bought by {cutoffDay:yyyy-MM-dd}, {table.Positives:N0} made no purchase in the next {settings.Horizon} days (churned)."));
            output.WriteLine($"Features: {string.Join(", ", ChurnFeatureBuilder.FeatureNames)}.");
            summary["cutoff"] = cutoffDay.ToString("yyyy-MM-dd", ci);
            summary["horizon_days"] = settings.Horizon;
            summary["customers"] = table.RowCount;
        }
        else if (settings.Input is { } input)
        {
            if (settings.Label is null || settings.Positive is null) throw new ChurnInputException("--input needs --label COLUMN and --positive VALUE.");
            var loaded = ChurnTableCsv.Load(input, settings.Label, settings.Positive, settings.Id);
            table = loaded.Table;
            output.WriteLine(string.Create(ci,
                $"{Path.GetFileName(input)}: {table.RowCount:N0} rows, {table.Positives:N0} with {settings.Label} = {settings.Positive}; numeric: {Names(table.Numeric.Select(c => c.Name))}; categorical: {Names(table.Categorical.Select(c => c.Name))}."));
            if (loaded.Ignored.Count > 0) output.WriteLine($"Left out (blank, or too many distinct values): {string.Join(", ", loaded.Ignored)}.");
            if (loaded.SkippedRows > 0) output.WriteLine(string.Create(ci, $"Skipped {loaded.SkippedRows:N0} rows with a blank label."));
        }
        else
        {
            throw new ChurnInputException("Give --input FILE.csv --label COLUMN --positive VALUE, or --transactions FILE --cutoff DATE --horizon DAYS.");
        }

        var result = ChurnEvaluation.CrossValidate(table, settings.Folds, settings.Seed, settings.Explain);
        foreach (var fold in result.Folds)
            output.WriteLine(string.Create(ci,
                $"Fold {fold.Fold}: {fold.TestRows:N0} held out ({fold.TestPositives:N0} churned): model AUC {fold.Model.Auc:0.000} PR-AUC {fold.Model.PrAuc:0.000}; baseline AUC {fold.Baseline.Auc:0.000} PR-AUC {fold.Baseline.PrAuc:0.000}"));
        output.WriteLine(Line("Model (LightGbm + logistic blend)", result.Model));
        output.WriteLine(Line("Baseline (logistic regression)", result.Baseline));
        if (result.HighestRisk.Count > 0)
        {
            output.WriteLine("Highest-risk held-out customers of fold 1:");
            foreach (var e in result.HighestRisk)
                output.WriteLine(string.Create(ci, $"  {e.CustomerId}: {e.Probability:P0} churn risk: {string.Join("; ", e.Factors.Select(f => f.Text))}"));
        }

        var m = result.Model;
        var b = result.Baseline;
        summary["rows"] = table.RowCount;
        summary["positives"] = table.Positives;
        summary["folds"] = settings.Folds;
        summary["auc"] = Round(m.Auc);
        summary["pr_auc"] = Round(m.PrAuc);
        summary["accuracy"] = Round(m.Accuracy);
        summary["log_loss"] = Round(m.LogLoss);
        summary["brier"] = Round(m.Brier);
        summary["ece"] = Round(m.Ece);
        summary["lift_top_decile"] = Round(m.LiftTopDecile);
        summary["baseline_auc"] = Round(b.Auc);
        summary["baseline_pr_auc"] = Round(b.PrAuc);
        summary["baseline_accuracy"] = Round(b.Accuracy);
        summary["baseline_log_loss"] = Round(b.LogLoss);
        summary["baseline_brier"] = Round(b.Brier);
        summary["baseline_lift_top_decile"] = Round(b.LiftTopDecile);
        summary["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
        output.WriteLine(JsonSerializer.Serialize(summary));
    }

    private static string Names(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "none";

    private static double Round(double value) => Math.Round(value, 4);

    private static string Line(string name, ChurnMetrics m) => string.Create(CultureInfo.InvariantCulture,
        $"{name}, mean of folds: AUC {m.Auc:0.000}, PR-AUC {m.PrAuc:0.000}, accuracy {m.Accuracy:0.000}, log-loss {m.LogLoss:0.000}, Brier {m.Brier:0.000}, ECE {m.Ece:0.000}, lift at top decile {m.LiftTopDecile:0.00}");
}
