using Customer360Portal.Core.Predictions.Churn;

namespace Customer360Portal.Core.Tests.Predictions.Churn;

public sealed class ChurnModelTests
{
    /// <summary>Customers who buy every ~30 days; churners stopped some while ago (churn depends on recency).</summary>
    internal static IReadOnlyList<PurchaseEvent> SyntheticLog(int customers, int seed, DateTime cutoff)
    {
        var random = new Random(seed);
        var events = new List<PurchaseEvent>();
        for (var c = 0; c < customers; c++)
        {
            var id = $"C{c:0000}";
            var churner = random.NextDouble() < 0.4;
            var gap = 15 + random.Next(40);
            var lastDay = churner ? 60 + random.Next(200) : random.Next(gap);
            for (var day = lastDay; day < 400; day += gap) events.Add(new PurchaseEvent(id, cutoff.AddDays(-day), 10m + random.Next(50)));
            // Churners are mostly gone after the cut-off; a few come back, a few loyal ones lapse: noise.
            var buysAfter = churner ? random.NextDouble() < 0.1 : random.NextDouble() < 0.9;
            if (buysAfter) events.Add(new PurchaseEvent(id, cutoff.AddDays(1 + random.Next(80)), 20m));
        }
        return events;
    }

    [Fact]
    public void StratifiedFolds_KeepClassRatioInEveryFold()
    {
        var labels = Enumerable.Range(0, 1000).Select(i => i % 10 < 3).ToList(); // 30% positive
        var folds = ChurnEvaluation.StratifiedFolds(labels, 5, seed: 7);

        for (var f = 0; f < 5; f++)
        {
            var inFold = Enumerable.Range(0, 1000).Where(i => folds[i] == f).ToList();
            Assert.Equal(200, inFold.Count);
            Assert.Equal(60, inFold.Count(i => labels[i]));
        }
        Assert.Equal(folds, ChurnEvaluation.StratifiedFolds(labels, 5, seed: 7));
    }

    [Fact]
    public void CrossValidate_ChurnDependsOnRecency_AucAbove08AndBeatsChance()
    {
        var cutoff = new DateTime(2025, 1, 1);
        var rows = ChurnFeatureBuilder.Build(SyntheticLog(1500, 3, cutoff), cutoff, ChurnDefinition.ByInactivity(90));
        var result = ChurnEvaluation.CrossValidate(ChurnTable.FromFeatureRows(rows), folds: 5, seed: 1);

        Assert.True(result.Model.Auc > 0.8, $"AUC {result.Model.Auc}");
        Assert.True(result.Baseline.Auc > 0.7, $"baseline AUC {result.Baseline.Auc}");
        Assert.InRange(result.Model.Brier, 0, 0.2);
        Assert.True(result.Model.LiftTopDecile > 1.2, $"lift {result.Model.LiftTopDecile}");
        Assert.Equal(5, result.Folds.Count);
    }

    [Fact]
    public void Explain_LongInactivity_SaysSoInPlainWords()
    {
        var cutoff = new DateTime(2025, 1, 1);
        var rows = ChurnFeatureBuilder.Build(SyntheticLog(800, 5, cutoff), cutoff, ChurnDefinition.ByInactivity(90));
        var model = ChurnModel.Train(ChurnTable.FromFeatureRows(rows));
        // A customer who bought every 30 days and stopped 140 days ago.
        var lapsed = ChurnFeatureBuilder.Build(Enumerable.Range(0, 8).Select(k => new PurchaseEvent("X", cutoff.AddDays(-140 - 30 * k), 25m)),
            cutoff, ChurnDefinition.ByInactivity(90));

        var explanation = model.Explain(ChurnTable.FromFeatureRows(lapsed)).Single();

        Assert.True(explanation.Probability > 0.5, $"probability {explanation.Probability}");
        Assert.NotEmpty(explanation.Factors);
        Assert.Contains(explanation.Factors, f => f.Text == "no purchase for 140 days, usually every 30 days raises the risk");
        Assert.Equal(explanation.Factors.OrderByDescending(f => Math.Abs(f.Contribution)).Select(f => f.Text), explanation.Factors.Select(f => f.Text));
    }

    [Fact]
    public void Train_ByDefault_BlendsTreesWithLogisticRegressionAndRoundTripsThroughSave()
    {
        var cutoff = new DateTime(2025, 1, 1);
        var table = ChurnTable.FromFeatureRows(ChurnFeatureBuilder.Build(SyntheticLog(600, 9, cutoff), cutoff, ChurnDefinition.ByInactivity(90)));

        var model = ChurnModel.Train(table);
        var loaded = ChurnModel.Load(model.Save());

        Assert.Equal(ChurnLearner.Blend, model.Learner);
        Assert.Equal(ChurnLearner.Blend, loaded.Learner);
        var sample = table.Subset(Enumerable.Range(0, 50).ToList());
        Assert.Equal(model.PredictProbabilities(sample), loaded.PredictProbabilities(sample));
        Assert.Equal(model.Explain(sample).Select(e => string.Join("|", e.Factors.Select(f => f.Text))),
            loaded.Explain(sample).Select(e => string.Join("|", e.Factors.Select(f => f.Text))));
    }

    [Fact]
    public void PredictAndExplain_OneBatch_SameProbabilitiesAndFactorsAsPredictingThenExplaining()
    {
        var cutoff = new DateTime(2025, 1, 1);
        var table = ChurnTable.FromFeatureRows(ChurnFeatureBuilder.Build(SyntheticLog(600, 5, cutoff), cutoff, ChurnDefinition.ByInactivity(90)));
        var model = ChurnModel.Train(table);
        var sample = table.Subset(Enumerable.Range(0, 120).ToList());

        var together = model.PredictAndExplain(sample, 3);
        var apart = model.Explain(sample, model.PredictProbabilities(sample), 3);

        Assert.Equal(apart.Select(e => e.CustomerId), together.Select(e => e.CustomerId));
        // Scoring computes the probabilities from the model parts directly: the regression's sum may round its last bit
        // differently from ML.NET's vectorised one, nothing more.
        Assert.All(apart.Zip(together), pair => Assert.Equal(pair.First.Probability, pair.Second.Probability, 1e-6));
        Assert.True(apart.Zip(together).Count(pair => pair.First.Probability == pair.Second.Probability) > apart.Count * 9 / 10);
        Assert.Equal(apart.Select(e => string.Join("|", e.Factors.Select(f => f.Text))), together.Select(e => string.Join("|", e.Factors.Select(f => f.Text))));
        Assert.Contains(together, e => e.Probability > 0.5);
        Assert.Contains(together, e => e.Probability < 0.5);
    }

    [Fact]
    public void Load_ModelFromBeforeTheBlend_RefusedWithAClearMessage()
    {
        var error = Assert.Throws<InvalidDataException>(() => ChurnModel.Load(new byte[] { 1, 2, 3 }));
        Assert.Contains("churn model", error.Message);
    }

    [Fact]
    public void Explain_CorrelatedRhythmFeatures_ReadAsOneFactorNeverTwoContradictingOnes()
    {
        var cutoff = new DateTime(2025, 1, 1);
        var table = ChurnTable.FromFeatureRows(ChurnFeatureBuilder.Build(SyntheticLog(800, 11, cutoff), cutoff, ChurnDefinition.ByInactivity(90)));
        var model = ChurnModel.Train(table);

        var explanations = model.Explain(table.Subset(Enumerable.Range(0, 200).ToList()), top: 5);

        string[] folded = [ChurnFeatureBuilder.MeanGapDays, ChurnFeatureBuilder.GapStdDays, ChurnFeatureBuilder.RecencyToMeanGap];
        Assert.All(explanations, e =>
        {
            Assert.DoesNotContain(e.Factors, f => folded.Contains(f.Column));
            Assert.Equal(e.Factors.Count, e.Factors.Select(f => f.Column).Distinct().Count());
        });
        Assert.Contains(explanations, e => e.Factors.Any(f => f.Column == ChurnFeatureBuilder.DaysSinceLastPurchase && f.Text.StartsWith("no purchase for", StringComparison.Ordinal)));
    }

    [Fact]
    public void Explain_Top_IsTheLargestFactorsLargestFirst()
    {
        var cutoff = new DateTime(2025, 1, 1);
        var table = ChurnTable.FromFeatureRows(ChurnFeatureBuilder.Build(SyntheticLog(800, 11, cutoff), cutoff, ChurnDefinition.ByInactivity(90)));
        var model = ChurnModel.Train(table);
        var sample = table.Subset(Enumerable.Range(0, 200).ToList());

        var all = model.Explain(sample, top: 100);
        var three = model.Explain(sample, top: 3);

        Assert.All(all.Zip(three), pair =>
        {
            var sizes = pair.First.Factors.Select(f => Math.Abs(f.Contribution)).ToList();
            Assert.Equal(sizes.OrderByDescending(v => v), sizes);
            // The first three of every factor are the three asked for.
            Assert.Equal(pair.First.Factors.Take(3).Select(f => f.Text), pair.Second.Factors.Select(f => f.Text));
        });
        Assert.Contains(all, e => e.Factors.Count > 3);
    }

    [Fact]
    public void Explain_GenericTable_NamesColumnAndValue()
    {
        var n = 400;
        var random = new Random(2);
        var plan = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.5 ? "basic" : "premium").ToArray();
        var tickets = Enumerable.Range(0, n).Select(_ => (float)random.Next(10)).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => plan[i] == "basic" ? random.NextDouble() < 0.8 : random.NextDouble() < 0.1).ToList();
        var table = new ChurnTable(Enumerable.Range(0, n).Select(i => $"r{i}").ToList(), labels,
            [new NumericColumn("tickets", tickets)], [new CategoricalColumn("plan", plan)]);

        var model = ChurnModel.Train(table);
        var first = model.Explain(table.Subset([Array.IndexOf(plan, "basic")])).Single();

        Assert.Equal("plan = basic raises the risk", first.Factors[0].Text);
        Assert.Equal("plan", first.Factors[0].Column);
    }

    [Fact]
    public void ChurnWords_KnownFeatures_ReadNaturally()
    {
        float Other(string name) => name switch
        {
            ChurnFeatureBuilder.PurchasesLast90Days => 3,
            ChurnFeatureBuilder.PurchasesPrevious90Days => 5,
            _ => float.NaN,
        };
        Assert.Equal("3 purchases in the last 90 days lowers the risk", ChurnWords.Describe(ChurnFeatureBuilder.PurchasesLast90Days, 3, Other, raises: false));
        Assert.Equal("1 purchase in total raises the risk", ChurnWords.Describe(ChurnFeatureBuilder.TotalPurchases, 1, Other, raises: true));
        Assert.Equal("region = north raises the risk", ChurnWords.Generic("region", "north", raises: true));
    }
}
