using Microsoft.ML;
using Microsoft.ML.Data;

namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>Quality of churn probabilities on held-out rows.</summary>
/// <param name="Ece">Expected calibration error over 10 equal-width probability bins.</param>
/// <param name="LiftTopDecile">Churn rate among the 10% highest-risk rows ÷ the overall churn rate.</param>
public sealed record ChurnMetrics(double Auc, double PrAuc, double Accuracy, double LogLoss, double Brier, double Ece, double LiftTopDecile)
{
    public static ChurnMetrics Mean(IReadOnlyList<ChurnMetrics> folds) => new(
        folds.Average(f => f.Auc), folds.Average(f => f.PrAuc), folds.Average(f => f.Accuracy), folds.Average(f => f.LogLoss),
        folds.Average(f => f.Brier), folds.Average(f => f.Ece), folds.Average(f => f.LiftTopDecile));
}

/// <summary>A point of the ROC curve: at this probability threshold, the false and true positive rates.</summary>
public sealed record RocPoint(double Threshold, double FalsePositiveRate, double TruePositiveRate);

/// <summary>One bin of the reliability diagram: the mean predicted probability against the observed churn rate.</summary>
public sealed record ReliabilityBin(double From, double To, int Count, double MeanPredicted, double Observed);

/// <summary>One decile of customers ranked by risk (1 = riskiest 10%): its churn rate, lift over the base rate and the share of all churners caught so far.</summary>
public sealed record LiftPoint(int Decile, int Count, double ChurnRate, double Lift, double CumulativeCapture);

public sealed record ChurnFoldResult(int Fold, int TrainRows, int TestRows, int TestPositives, ChurnMetrics Model, ChurnMetrics Baseline);

/// <summary>Per-fold and averaged metrics of the model and the baseline, and explained examples from the first fold's held-out rows.</summary>
public sealed record ChurnEvaluationResult(IReadOnlyList<ChurnFoldResult> Folds, ChurnMetrics Model, ChurnMetrics Baseline,
    IReadOnlyList<ChurnExplanation> HighestRisk);

/// <summary>
/// Stratified k-fold evaluation (split here: ML.NET's CrossValidate does not stratify) of the LightGbm churn model
/// and the logistic-regression baseline on the same folds and features. Deterministic for a given seed.
/// </summary>
public static class ChurnEvaluation
{
    /// <summary>The fold (0..folds-1) of every row: each class shuffled with the seed, then dealt round-robin, so every fold keeps the class ratio.</summary>
    public static int[] StratifiedFolds(IReadOnlyList<bool> labels, int folds, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var assignment = new int[labels.Count];
        var random = new Random(seed);
        foreach (var cls in new[] { true, false })
        {
            var rows = Enumerable.Range(0, labels.Count).Where(i => labels[i] == cls).ToArray();
            random.Shuffle(rows);
            for (var k = 0; k < rows.Length; k++) assignment[rows[k]] = k % folds;
        }
        return assignment;
    }

    public static ChurnEvaluationResult CrossValidate(ChurnTable table, int folds = 5, int seed = 1, int explain = 3)
    {
        if (folds < 2) throw new ChurnInputException("--folds must be at least 2.");
        var positives = table.Positives;
        var negatives = table.RowCount - positives;
        if (positives == 0 || negatives == 0)
            throw new ChurnInputException($"The label has one class only ({table.RowCount} rows, {positives} positive): nothing to learn.");
        if (Math.Min(positives, negatives) < folds)
            throw new ChurnInputException($"Too few rows of the smaller class ({Math.Min(positives, negatives)}) for {folds} folds.");

        var assignment = StratifiedFolds(table.Labels, folds, seed);
        var results = new List<ChurnFoldResult>();
        IReadOnlyList<ChurnExplanation> highestRisk = [];
        for (var fold = 0; fold < folds; fold++)
        {
            var trainRows = Enumerable.Range(0, table.RowCount).Where(i => assignment[i] != fold).ToList();
            var testRows = Enumerable.Range(0, table.RowCount).Where(i => assignment[i] == fold).ToList();
            var train = table.Subset(trainRows);
            var test = table.Subset(testRows);
            var model = ChurnModel.Train(train, ChurnLearner.Blend, seed);
            var baseline = ChurnModel.Train(train, ChurnLearner.LogisticRegression, seed);
            results.Add(new ChurnFoldResult(fold + 1, train.RowCount, test.RowCount, test.Positives, Measure(model, test), Measure(baseline, test)));
            if (fold == 0 && explain > 0)
                highestRisk = model.Explain(test).OrderByDescending(e => e.Probability).ThenBy(e => e.CustomerId, StringComparer.Ordinal).Take(explain).ToList();
        }
        return new ChurnEvaluationResult(results, ChurnMetrics.Mean(results.Select(r => r.Model).ToList()),
            ChurnMetrics.Mean(results.Select(r => r.Baseline).ToList()), highestRisk);
    }

    /// <summary>AUC, PR-AUC, accuracy and log-loss from ML.NET's evaluator; Brier, ECE and lift from the probabilities.</summary>
    public static ChurnMetrics Measure(ChurnModel model, ChurnTable test)
    {
        using var span = PredictionsTelemetry.Source.StartActivity(PredictionsTelemetry.Evaluate);
        var scored = model.Score(test);
        var metrics = new MLContext(1).BinaryClassification.Evaluate(scored, ChurnTable.LabelColumnName);
        var probabilities = scored.GetColumn<float>("Probability").ToArray();
        var (brier, ece, lift) = ProbabilityMetrics(test.Labels, probabilities);
        return new ChurnMetrics(metrics.AreaUnderRocCurve, metrics.AreaUnderPrecisionRecallCurve, metrics.Accuracy, metrics.LogLoss, brier, ece, lift);
    }

    /// <summary>The ROC curve through every distinct threshold, thinned to at most <paramref name="maxPoints"/> points (always from (0,0) to (1,1)).</summary>
    public static IReadOnlyList<RocPoint> RocCurve(IReadOnlyList<bool> labels, IReadOnlyList<float> probabilities, int maxPoints = 50)
    {
        var positives = Math.Max(1, labels.Count(l => l));
        var negatives = Math.Max(1, labels.Count - labels.Count(l => l));
        var order = Enumerable.Range(0, labels.Count).OrderByDescending(i => probabilities[i]).ToArray();
        var points = new List<RocPoint> { new(1, 0, 0) };
        int tp = 0, fp = 0;
        for (var k = 0; k < order.Length; k++)
        {
            if (labels[order[k]]) tp++; else fp++;
            // One point per threshold: ties move together.
            if (k + 1 < order.Length && probabilities[order[k + 1]] == probabilities[order[k]]) continue;
            points.Add(new RocPoint(Math.Round(probabilities[order[k]], 4), Math.Round((double)fp / negatives, 4), Math.Round((double)tp / positives, 4)));
        }
        if (points.Count <= maxPoints) return points;
        var step = (points.Count - 1) / (double)(maxPoints - 1);
        return Enumerable.Range(0, maxPoints).Select(i => points[(int)Math.Round(i * step)]).ToList();
    }

    /// <summary>Ten equal-width probability bins (empty bins left out): the data of the reliability diagram and of ECE.</summary>
    public static IReadOnlyList<ReliabilityBin> Reliability(IReadOnlyList<bool> labels, IReadOnlyList<float> probabilities, int bins = 10)
    {
        var sums = new (double Sum, int Positives, int Count)[bins];
        for (var i = 0; i < labels.Count; i++)
        {
            var b = Math.Clamp((int)(probabilities[i] * bins), 0, bins - 1);
            sums[b] = (sums[b].Sum + probabilities[i], sums[b].Positives + (labels[i] ? 1 : 0), sums[b].Count + 1);
        }
        return sums.Select((b, i) => (b, i)).Where(x => x.b.Count > 0)
            .Select(x => new ReliabilityBin((double)x.i / bins, (double)(x.i + 1) / bins, x.b.Count, Math.Round(x.b.Sum / x.b.Count, 4),
                Math.Round((double)x.b.Positives / x.b.Count, 4)))
            .ToList();
    }

    /// <summary>Customers ranked by risk and cut into ten equal groups: churn rate and lift of each, and the churners caught cumulatively.</summary>
    public static IReadOnlyList<LiftPoint> LiftByDecile(IReadOnlyList<bool> labels, IReadOnlyList<float> probabilities)
    {
        var n = labels.Count;
        var totalPositives = labels.Count(l => l);
        if (n == 0) return [];
        var baseRate = totalPositives / (double)n;
        var order = Enumerable.Range(0, n).OrderByDescending(i => probabilities[i]).ThenBy(i => i).ToArray();
        var points = new List<LiftPoint>();
        var caught = 0;
        for (var d = 0; d < 10; d++)
        {
            var from = (int)Math.Round(n * d / 10.0);
            var to = (int)Math.Round(n * (d + 1) / 10.0);
            if (to <= from) continue;
            var positives = 0;
            for (var k = from; k < to; k++) if (labels[order[k]]) positives++;
            caught += positives;
            var rate = (double)positives / (to - from);
            points.Add(new LiftPoint(d + 1, to - from, Math.Round(rate, 4), baseRate == 0 ? 0 : Math.Round(rate / baseRate, 3),
                totalPositives == 0 ? 0 : Math.Round((double)caught / totalPositives, 4)));
        }
        return points;
    }

    public static (double Brier, double Ece, double LiftTopDecile) ProbabilityMetrics(IReadOnlyList<bool> labels, IReadOnlyList<float> probabilities)
    {
        var n = labels.Count;
        var brier = Enumerable.Range(0, n).Average(i => Math.Pow(probabilities[i] - (labels[i] ? 1 : 0), 2));

        var bins = new (double Sum, int Positives, int Count)[10];
        for (var i = 0; i < n; i++)
        {
            var b = Math.Clamp((int)(probabilities[i] * 10), 0, 9);
            bins[b] = (bins[b].Sum + probabilities[i], bins[b].Positives + (labels[i] ? 1 : 0), bins[b].Count + 1);
        }
        var ece = bins.Where(b => b.Count > 0).Sum(b => (double)b.Count / n * Math.Abs(b.Sum / b.Count - (double)b.Positives / b.Count));

        var topCount = Math.Max(1, (int)Math.Ceiling(n / 10.0));
        var top = Enumerable.Range(0, n).OrderByDescending(i => probabilities[i]).ThenBy(i => i).Take(topCount);
        var baseRate = labels.Count(l => l) / (double)n;
        var lift = baseRate == 0 ? 0 : top.Count(i => labels[i]) / (double)topCount / baseRate;
        return (brier, ece, lift);
    }
}
