using Customer360Portal.Core.Predictions;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace Customer360Portal.Core.Tests.Predictions;

public sealed class TreeBlockScorerTests
{
    private sealed class VectorRow
    {
        public bool Label { get; set; }

        [VectorType(6)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>Rows where the label depends on several features and, for a share of them, on a missing value (NaN).</summary>
    private static List<VectorRow> Rows(int count, int seed, double missingShare)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var values = Enumerable.Range(0, 6).Select(_ => random.NextDouble() < missingShare ? float.NaN : (float)(random.NextDouble() * 10)).ToArray();
            var risk = (float.IsNaN(values[0]) ? 2 : values[0] - 5) + (float.IsNaN(values[1]) ? -1 : 0.4 * (values[1] - 5)) + 0.2 * (values[2] - 5);
            return new VectorRow { Label = random.NextDouble() < 1 / (1 + Math.Exp(-risk)), Features = values };
        }).ToList();
    }

    [Theory]
    [InlineData(0.0, 15)] // the offer model's shape: no missing values, deep leaf-wise trees
    [InlineData(0.2, 15)] // trained on NaN: the converted trees carry a default value for missing per split
    [InlineData(0.0, 4)]
    public void Score_BlocksOfRows_EqualMlNetsScoreColumn(double missingWhenTraining, int leaves)
    {
        var ml = new MLContext(3);
        var trained = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = nameof(VectorRow.Label),
            FeatureColumnName = nameof(VectorRow.Features),
            NumberOfIterations = 60,
            NumberOfLeaves = leaves,
            MinimumExampleCountPerLeaf = 10,
            Seed = 3,
            NumberOfThreads = 1,
            Silent = true,
        }).Fit(ml.Data.LoadFromEnumerable(Rows(3000, 3, missingWhenTraining)));
        // Scoring rows: some with NaN even when training had none (they go right at every split they meet).
        var scoring = Rows(700, 4, 0.1);
        var expected = trained.Transform(ml.Data.LoadFromEnumerable(scoring)).GetColumn<float>("Score").ToArray();

        var scorer = TreeBlockScorer.TryCreate(trained.Model.SubModel.TrainedTreeEnsemble, 6);

        Assert.NotNull(scorer);
        var actual = new float[scoring.Count];
        // Blocks of varying size, as customers have varying numbers of candidates.
        var raw = new double[64];
        for (int start = 0, size = 1; start < scoring.Count; start += size, size = size % 40 + 7)
        {
            var count = Math.Min(size, scoring.Count - start);
            var block = scoring.Skip(start).Take(count).SelectMany(r => r.Features).ToArray();
            scorer.Score(block, raw.AsSpan(0, count));
            for (var i = 0; i < count; i++) actual[start + i] = (float)raw[i];
        }
        Assert.Equal(expected, actual);
        Assert.True(expected.Distinct().Count() > 100, "the model gives varied scores, so equality means something");
    }

    [Fact]
    public void Score_RowsOfTheWrongLength_ClearError()
    {
        var ml = new MLContext(1);
        var trained = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = nameof(VectorRow.Label), FeatureColumnName = nameof(VectorRow.Features), NumberOfIterations = 5, Silent = true,
        }).Fit(ml.Data.LoadFromEnumerable(Rows(500, 1, 0)));
        var scorer = TreeBlockScorer.TryCreate(trained.Model.SubModel.TrainedTreeEnsemble, 6)!;

        var error = Assert.Throws<ArgumentException>(() => scorer.Score(new float[13], new double[2]));

        Assert.Contains("2 rows of 6 values", error.Message);
    }
}
