using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>Which learner a <see cref="ChurnModel"/> uses.</summary>
public enum ChurnLearner
{
    /// <summary>LightGbm gradient-boosted trees; probabilities through ML.NET's Platt calibrator.</summary>
    LightGbm,

    /// <summary>The baseline: L-BFGS logistic regression on mean-variance normalised features.</summary>
    LogisticRegression,
}

/// <summary>One factor of a customer's risk: the column, how much it pushes the score, and the plain words.</summary>
public sealed record ChurnFactor(string Column, float Contribution, string Text)
{
    public bool RaisesRisk => Contribution > 0;
}

/// <summary>A customer's churn probability with the top factors pushing it up or down.</summary>
public sealed record ChurnExplanation(string CustomerId, float Probability, IReadOnlyList<ChurnFactor> Factors);

/// <summary>
/// A trained churn model. Features: every numeric column (missing values replaced by the column mean) and every
/// categorical column one-hot encoded (ML.NET OneHotEncoding), concatenated into one vector. The positive class is churn.
/// </summary>
public sealed class ChurnModel
{
    private const string Features = "Features";
    private readonly MLContext ml;
    private readonly ITransformer featurizer;
    private readonly ITransformer predictor;
    private readonly BinaryPredictionTransformer<CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>>? trees;
    private readonly IReadOnlyList<string> numericNames;
    private readonly IReadOnlyList<string> categoricalNames;
    private readonly int[] slotOwner;

    private ChurnModel(MLContext ml, ITransformer featurizer, ITransformer predictor,
        BinaryPredictionTransformer<CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>>? trees,
        ChurnTable shape, int[] slotOwner)
    {
        this.ml = ml;
        this.featurizer = featurizer;
        this.predictor = predictor;
        this.trees = trees;
        numericNames = shape.Numeric.Select(c => c.Name).ToList();
        categoricalNames = shape.Categorical.Select(c => c.Name).ToList();
        this.slotOwner = slotOwner;
    }

    public ChurnLearner Learner => trees is null ? ChurnLearner.LogisticRegression : ChurnLearner.LightGbm;

    /// <summary>
    /// The model as an ML.NET model zip (featurizer and calibrated trees in one chain), for the store's model versions.
    /// Only LightGbm models over the feature builder's numeric columns are stored.
    /// </summary>
    public byte[] Save()
    {
        if (trees is null) throw new InvalidOperationException("Only LightGbm churn models are stored.");
        if (categoricalNames.Count > 0) throw new InvalidOperationException("Only models over the feature builder's numeric features are stored.");
        using var stream = new MemoryStream();
        ml.Model.Save(new TransformerChain<ITransformer>(featurizer, predictor), ChurnTable.FromFeatureRows([], numericNames).ToDataView().Schema, stream);
        return stream.ToArray();
    }

    /// <summary>
    /// Loads a model saved with <see cref="Save"/>; explanations work as on the trained one. <paramref name="columns"/>
    /// are the numeric columns it was trained on (the feature builder's when null).
    /// </summary>
    public static ChurnModel Load(byte[] bytes, IReadOnlyList<string>? columns = null, int seed = 1)
    {
        columns ??= ChurnFeatureBuilder.FeatureNames;
        var ml = new MLContext(seed);
        using var stream = new MemoryStream(bytes, writable: false);
        if (ml.Model.Load(stream, out _) is not TransformerChain<ITransformer> chain || chain.Count() != 2)
            throw new InvalidDataException("The stored churn model is not a featurizer and predictor chain.");
        var parts = chain.ToList();
        var trees = parts[1] as BinaryPredictionTransformer<CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>>
            ?? throw new InvalidDataException("The stored churn model's predictor is not calibrated LightGbm.");
        var slotOwner = Enumerable.Range(0, columns.Count).ToArray();
        return new ChurnModel(ml, parts[0], trees, trees, ChurnTable.FromFeatureRows([], columns), slotOwner);
    }

    public static ChurnModel Train(ChurnTable table, ChurnLearner learner = ChurnLearner.LightGbm, int seed = 1)
    {
        if (table.Positives == 0 || table.Positives == table.RowCount)
            throw new ChurnInputException("The label has only one class in the training data: churn needs both churned and retained customers.");
        var ml = new MLContext(seed);
        var data = table.ToDataView();

        var oneHot = Enumerable.Range(0, table.Categorical.Count)
            .Select(i => new InputOutputColumnPair(ChurnTable.CategoricalColumnName(i) + "_hot", ChurnTable.CategoricalColumnName(i))).ToArray();
        var inputs = Enumerable.Range(0, table.Numeric.Count).Select(ChurnTable.NumericColumnName).Concat(oneHot.Select(p => p.OutputColumnName)).ToArray();
        if (inputs.Length == 0) throw new ChurnInputException("The table has no feature columns besides the label and id.");
        IEstimator<ITransformer> featurize = new EstimatorChain<ITransformer>();
        if (oneHot.Length > 0) featurize = featurize.Append(ml.Transforms.Categorical.OneHotEncoding(oneHot));
        featurize = featurize.Append(ml.Transforms.Concatenate(Features, inputs))
            .Append(ml.Transforms.ReplaceMissingValues(Features, replacementMode: Microsoft.ML.Transforms.MissingValueReplacingEstimator.ReplacementMode.Mean));

        var featurizer = featurize.Fit(data);
        var featurized = featurizer.Transform(data);

        // Which source column owns each slot of the feature vector (numeric columns first, then each one-hot block).
        var owners = new List<int>();
        for (var i = 0; i < table.Numeric.Count; i++) owners.Add(i);
        for (var i = 0; i < oneHot.Length; i++)
        {
            var size = ((VectorDataViewType)featurized.Schema[oneHot[i].OutputColumnName].Type).Size;
            owners.AddRange(Enumerable.Repeat(table.Numeric.Count + i, size));
        }

        if (learner == ChurnLearner.LogisticRegression)
        {
            var baseline = ml.Transforms.NormalizeMeanVariance(Features)
                .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(ChurnTable.LabelColumnName, Features))
                .Fit(featurized);
            return new ChurnModel(ml, featurizer, baseline, null, table, owners.ToArray());
        }

        var minimumLeaf = Math.Clamp(table.RowCount / 100, 10, 20);
        var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = ChurnTable.LabelColumnName,
            FeatureColumnName = Features,
            NumberOfIterations = 200,
            LearningRate = 0.05,
            NumberOfLeaves = 15,
            MinimumExampleCountPerLeaf = minimumLeaf,
            Seed = seed,
            NumberOfThreads = 1,
            Silent = true,
            Verbose = false,
        });
        var trees = trainer.Fit(featurized);
        return new ChurnModel(ml, featurizer, trees, trees, table, owners.ToArray());
    }

    /// <summary>Scored view (Label, Score, Probability, PredictedLabel) of a table with the training table's columns.</summary>
    internal IDataView Score(ChurnTable table) => predictor.Transform(featurizer.Transform(table.ToDataView()));

    /// <summary>The churn probability of every row.</summary>
    public float[] PredictProbabilities(ChurnTable table) => Score(table).GetColumn<float>("Probability").ToArray();

    /// <summary>
    /// Per row, the churn probability and the <paramref name="top"/> factors that push the risk most (ML.NET feature
    /// contributions, one-hot slots summed back into their column), in plain words. LightGbm models only.
    /// </summary>
    public IReadOnlyList<ChurnExplanation> Explain(ChurnTable table, int top = 3)
    {
        if (trees is null) throw new InvalidOperationException("Explanations come from the LightGbm model.");
        var featurized = featurizer.Transform(table.ToDataView());
        var contributions = ml.Transforms.CalculateFeatureContribution(trees, slotOwner.Length, slotOwner.Length, normalize: false)
            .Fit(featurized).Transform(featurized);
        var probabilities = trees.Transform(featurized).GetColumn<float>("Probability").ToArray();
        var perRow = contributions.GetColumn<float[]>("FeatureContributions").ToArray();

        var explanations = new List<ChurnExplanation>(table.RowCount);
        for (var row = 0; row < table.RowCount; row++)
        {
            var byColumn = new double[numericNames.Count + categoricalNames.Count];
            var slots = perRow[row];
            for (var s = 0; s < slots.Length && s < slotOwner.Length; s++) byColumn[slotOwner[s]] += slots[s];
            // Columns that read the same (recency and recency ÷ gap) become one factor.
            var factors = byColumn.Select((value, column) => (value, column))
                .Where(f => f.value != 0)
                .GroupBy(f => Describe(table, row, f.column, raises: true))
                .Select(g => (value: g.Sum(f => f.value), column: g.OrderByDescending(f => Math.Abs(f.value)).First().column))
                .OrderByDescending(f => Math.Abs(f.value)).ThenBy(f => f.column).Take(top)
                .Select(f => new ChurnFactor(ColumnName(f.column), (float)f.value, Describe(table, row, f.column, f.value > 0)))
                .ToList();
            explanations.Add(new ChurnExplanation(table.Ids[row], probabilities[row], factors));
        }
        return explanations;
    }

    private string ColumnName(int column) => column < numericNames.Count ? numericNames[column] : categoricalNames[column - numericNames.Count];

    private string Describe(ChurnTable table, int row, int column, bool raises)
    {
        if (column >= numericNames.Count)
        {
            var value = table.Categorical[column - numericNames.Count].Values[row];
            return ChurnWords.Generic(ColumnName(column), value.Length == 0 ? "(blank)" : value, raises);
        }
        var name = numericNames[column];
        float Value(string feature) => table.Numeric.FirstOrDefault(c => c.Name == feature)?.Values[row] ?? float.NaN;
        return ChurnWords.Describe(name, table.Numeric[column].Values[row], Value, raises);
    }
}
