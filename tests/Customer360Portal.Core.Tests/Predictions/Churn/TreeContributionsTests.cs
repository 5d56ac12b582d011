using Customer360Portal.Core.Predictions.Churn;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace Customer360Portal.Core.Tests.Predictions.Churn;

public sealed class TreeContributionsTests
{
    /// <summary>
    /// Customers with numeric columns that are often missing (NaN) and two categorical columns (blank = missing);
    /// churn depends on several of them, so the trees split on numbers and on one-hot slots.
    /// </summary>
    private static ChurnTable MixedTable(int rows, int seed)
    {
        var random = new Random(seed);
        string[] plans = ["basic", "plus", "premium"];
        string[] regions = ["north", "south", "east", "west", "centre"];
        var tenure = new float[rows];
        var tickets = new float[rows];
        var spend = new float[rows];
        var plan = new string[rows];
        var region = new string[rows];
        var labels = new List<bool>(rows);
        for (var i = 0; i < rows; i++)
        {
            tenure[i] = random.NextDouble() < 0.15 ? float.NaN : random.Next(1, 60);
            tickets[i] = random.NextDouble() < 0.25 ? float.NaN : random.Next(0, 12);
            spend[i] = random.NextDouble() < 0.1 ? float.NaN : (float)(random.NextDouble() * 500);
            plan[i] = random.NextDouble() < 0.08 ? "" : plans[random.Next(plans.Length)];
            region[i] = regions[random.Next(regions.Length)];
            var risk = -0.5 + (plan[i] == "basic" ? 1.2 : plan[i] == "premium" ? -0.8 : 0)
                + (float.IsNaN(tenure[i]) ? 0.4 : -0.03 * tenure[i])
                + (float.IsNaN(tickets[i]) ? 0 : 0.25 * tickets[i])
                + (region[i] == "east" ? 0.7 : 0) + (float.IsNaN(spend[i]) ? 0.3 : -0.002 * spend[i]);
            labels.Add(random.NextDouble() < 1 / (1 + Math.Exp(-risk)));
        }
        return new ChurnTable(Enumerable.Range(0, rows).Select(i => $"r{i}").ToList(), labels,
            [new NumericColumn("tenure_months", tenure), new NumericColumn("tickets", tickets), new NumericColumn("spend", spend)],
            [new CategoricalColumn("plan", plan), new CategoricalColumn("region", region)]);
    }

    private static float[][] Rows(IDataView featurized, string column = "Features") =>
        featurized.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToArray();

    private static float[][] Direct(TreeContributions trees, float[][] rows) => rows.Select(row =>
    {
        var contributions = new float[row.Length];
        trees.Add(row, contributions);
        return contributions;
    }).ToArray();

    private static float[][] FromMlNet(MLContext ml, ITransformer trees, IDataView featurized, int slots) =>
        ml.Transforms.CalculateFeatureContribution((ISingleFeaturePredictionTransformer<Microsoft.ML.Calibrators.CalibratedModelParametersBase<LightGbmBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>>)trees, slots, slots, normalize: false)
            .Fit(featurized).Transform(featurized).GetColumn<float[]>("FeatureContributions").ToArray();

    /// <summary>Every slot of every row within 1e-5 relative (float sums of the same terms, in nearly the same order).</summary>
    private static void AssertSame(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var row = 0; row < expected.Length; row++)
        {
            Assert.Equal(expected[row].Length, actual[row].Length);
            for (var slot = 0; slot < expected[row].Length; slot++)
            {
                var (e, a) = (expected[row][slot], actual[row][slot]);
                Assert.True(Math.Abs(e - a) <= 1e-5 * Math.Max(Math.Abs(e), 1e-2),
                    $"row {row}, slot {slot}: ML.NET {e}, direct {a}");
            }
        }
    }

    [Fact]
    public void Add_BlendedModelWithMissingValuesAndCategories_EqualsMlNetForEveryRowAndSlot()
    {
        var table = MixedTable(800, 1);
        var model = ChurnModel.Train(table);
        var featurized = model.Featurize(table);
        var rows = Rows(featurized);

        var expected = model.MlNetTreeContributions(featurized);
        var actual = Direct(model.DirectTreeContributions!, rows);

        AssertSame(expected, actual);
        // Not a vacuous match: most rows get contributions, including on one-hot slots (3 numeric slots come first).
        Assert.True(expected.Count(r => r.Any(c => c != 0)) > 700);
        Assert.Contains(expected, r => r.Skip(3).Any(c => c != 0));
    }

    [Fact]
    public void Add_LightGbmCategoricalSplitsOverOneHotSlots_EqualsMlNetAndRawScoreEqualsScore()
    {
        var ml = new MLContext(3);
        var table = MixedTable(1500, 2);
        // The churn featuriser's missing-value replacement drops the one-hot slot ranges LightGbm needs for categorical
        // splits; one-hot encoding and concatenation alone keep them (and leave NaN in the numeric slots).
        var featurized = ml.Data.Cache(ml.Transforms.Categorical.OneHotEncoding([new("c0_hot", "c0"), new("c1_hot", "c1")])
            .Append(ml.Transforms.Concatenate("Features", "n0", "n1", "n2", "c0_hot", "c1_hot"))
            .Fit(table.ToDataView()).Transform(table.ToDataView()));
        var slots = ((VectorDataViewType)featurized.Schema["Features"].Type).Size;
        // LightGbm splits on categories only over 50,000 training rows unless asked to.
        var trained = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = "Label",
            FeatureColumnName = "Features",
            NumberOfIterations = 60,
            NumberOfLeaves = 6,
            MinimumExampleCountPerLeaf = 20,
            UseCategoricalSplit = true,
            Seed = 3,
            NumberOfThreads = 1,
            Silent = true,
        }).Fit(featurized);
        var trees = new TreeContributions(trained.Model.SubModel.TrainedTreeEnsemble, slots);
        var rows = Rows(featurized);

        Assert.True(trees.HasCategoricalSplits, "the trees were expected to split on one-hot slots as categories");
        AssertSame(FromMlNet(ml, trained, featurized, slots), Direct(trees, rows));
        var scores = trained.Transform(featurized).GetColumn<float>("Score").ToArray();
        for (var row = 0; row < rows.Length; row++)
            Assert.Equal(scores[row], (float)trees.RawScore(rows[row]));
    }

    private sealed class VectorRow
    {
        public bool Label { get; set; }

        [VectorType(4)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>Rows whose features are often NaN, fed to the trees as they are (no missing-value replacement).</summary>
    private static IDataView RawVectors(MLContext ml, int rows, int seed, double missingShare)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, rows).Select(_ =>
        {
            var values = Enumerable.Range(0, 4).Select(_ => random.NextDouble() < missingShare ? float.NaN : (float)random.NextDouble() * 10).ToArray();
            // Missing f0 means high risk, so LightGbm learns to send NaN to a chosen side.
            var risk = (float.IsNaN(values[0]) ? 2 : values[0] - 5) + (float.IsNaN(values[1]) ? -1 : 0.3 * (values[1] - 5));
            return new VectorRow { Label = random.NextDouble() < 1 / (1 + Math.Exp(-risk)), Features = values };
        }).ToList();
        return ml.Data.LoadFromEnumerable(data);
    }

    [Theory]
    [InlineData(0.3, 4)] // trained on NaN: the converted trees carry a default value for missing per split
    [InlineData(0.0, 4)] // trained without NaN: a NaN at scoring fails "≤ threshold" and goes right
    [InlineData(0.3, 16)] // trees too large for decision tables are walked
    [InlineData(0.0, 16)]
    public void Add_NaNFeaturesReachTheTrees_RoutedAsMlNetRoutesThem(double missingWhenTraining, int leaves)
    {
        var ml = new MLContext(5);
        var training = RawVectors(ml, 2000, 5, missingWhenTraining);
        var scoring = RawVectors(ml, 400, 6, 0.3);
        var trained = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = "Label",
            FeatureColumnName = "Features",
            NumberOfIterations = 50,
            NumberOfLeaves = leaves,
            MinimumExampleCountPerLeaf = 10,
            Seed = 5,
            NumberOfThreads = 1,
            Silent = true,
        }).Fit(training);
        var trees = new TreeContributions(trained.Model.SubModel.TrainedTreeEnsemble, 4);
        var rows = Rows(scoring);

        AssertSame(FromMlNet(ml, trained, scoring, 4), Direct(trees, rows));
        var scores = trained.Transform(scoring).GetColumn<float>("Score").ToArray();
        for (var row = 0; row < rows.Length; row++)
            Assert.Equal(scores[row], (float)trees.RawScore(rows[row]));
    }

    [Fact]
    public void Explain_DirectTreeContributions_SameFactorsAndWordsAsThroughMlNet()
    {
        var table = MixedTable(800, 3);
        var model = ChurnModel.Train(table);

        var direct = model.Explain(table, top: 5);
        var throughMlNet = model.ExplainThroughMlNet(table, top: 5);

        Assert.Equal(throughMlNet.Select(e => e.Probability), direct.Select(e => e.Probability));
        Assert.Equal(throughMlNet.Select(e => string.Join("|", e.Factors.Select(f => f.Text))), direct.Select(e => string.Join("|", e.Factors.Select(f => f.Text))));
        for (var row = 0; row < direct.Count; row++)
            for (var f = 0; f < direct[row].Factors.Count; f++)
                Assert.Equal(throughMlNet[row].Factors[f].Contribution, direct[row].Factors[f].Contribution, 4);
        Assert.Contains(direct, e => e.Factors.Any(f => f.Column == "plan"));
    }

    [Fact]
    public void PredictAndExplain_PurchaseFeatures_SameFactorsAsThroughMlNet()
    {
        var cutoff = new DateTime(2025, 1, 1);
        var table = ChurnTable.FromFeatureRows(ChurnFeatureBuilder.Build(ChurnModelTests.SyntheticLog(600, 13, cutoff), cutoff, ChurnDefinition.ByInactivity(90)));
        var model = ChurnModel.Train(table);

        var direct = model.PredictAndExplain(table, 3);
        var throughMlNet = model.ExplainThroughMlNet(table, 3);

        Assert.Equal(throughMlNet.Select(e => string.Join("|", e.Factors.Select(f => f.Text))), direct.Select(e => string.Join("|", e.Factors.Select(f => f.Text))));
        AssertSame(model.MlNetTreeContributions(model.Featurize(table)), Direct(model.DirectTreeContributions!, Rows(model.Featurize(table))));
    }
}
