using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;
using TreePredictor = Microsoft.ML.Data.BinaryPredictionTransformer<Microsoft.ML.Calibrators.CalibratedModelParametersBase<Microsoft.ML.Trainers.LightGbm.LightGbmBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>>;

namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>Which learner a <see cref="ChurnModel"/> uses.</summary>
public enum ChurnLearner
{
    /// <summary>
    /// The product's model: calibrated LightGbm and the logistic regression averaged in log-odds. On purchase data the
    /// churn signal is mostly smooth and monotone (longer silence, fewer orders: more risk), which the linear part
    /// captures with little variance, while the trees add thresholds and interactions; on CDNOW the blend beats both.
    /// </summary>
    Blend,

    /// <summary>LightGbm gradient-boosted trees alone; probabilities through ML.NET's Platt calibrator.</summary>
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
    private const string StoreMagic = "c360-churn-blend-1";
    private readonly MLContext ml;
    private readonly ITransformer featurizer;
    private readonly TreePart? trees;
    private readonly LinearPart? linear;
    private readonly IReadOnlyList<string> numericNames;
    private readonly IReadOnlyList<string> categoricalNames;
    private readonly int[] slotOwner;

    private ChurnModel(MLContext ml, ITransformer featurizer, TreePart? trees, LinearPart? linear, ChurnTable shape, int[] slotOwner)
    {
        this.ml = ml;
        this.featurizer = featurizer;
        this.trees = trees;
        this.linear = linear;
        numericNames = shape.Numeric.Select(c => c.Name).ToList();
        categoricalNames = shape.Categorical.Select(c => c.Name).ToList();
        this.slotOwner = slotOwner;
    }

    public ChurnLearner Learner => (trees, linear) switch
    {
        ({ }, { }) => ChurnLearner.Blend,
        ({ }, null) => ChurnLearner.LightGbm,
        _ => ChurnLearner.LogisticRegression,
    };

    /// <summary>
    /// The model for the store's model versions: a zip holding the featurizer and each part as ML.NET model zips, plus
    /// the linear part's feature means (its explanations are relative to the average customer). Only blended models over
    /// the feature builder's numeric columns are stored.
    /// </summary>
    public byte[] Save()
    {
        if (trees is null || linear is null) throw new InvalidOperationException("Only blended churn models are stored.");
        if (categoricalNames.Count > 0) throw new InvalidOperationException("Only models over the feature builder's numeric features are stored.");
        var inputSchema = ChurnTable.FromFeatureRows([], numericNames).ToDataView().Schema;
        var featurizedSchema = featurizer.GetOutputSchema(inputSchema);
        using var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            void Entry(string name, Action<Stream> write)
            {
                using var entry = zip.CreateEntry(name).Open();
                write(entry);
            }
            Entry("format", e => e.Write(System.Text.Encoding.UTF8.GetBytes(StoreMagic)));
            Entry("featurizer.zip", e => ml.Model.Save(featurizer, inputSchema, e));
            Entry("trees.zip", e => ml.Model.Save(trees.Transformer, featurizedSchema, e));
            Entry("linear.zip", e => ml.Model.Save(linear.Transformer, featurizedSchema, e));
            Entry("linear-means.json", e => System.Text.Json.JsonSerializer.Serialize(e, linear.SlotMeans));
        }
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
        using var zip = OpenStored(bytes);
        ITransformer Part(string name)
        {
            var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"The stored churn model has no {name}.");
            using var part = new MemoryStream();
            using (var source = entry.Open()) source.CopyTo(part);
            part.Position = 0;
            return ml.Model.Load(part, out _);
        }
        using (var format = zip.GetEntry("format")?.Open() ?? throw new InvalidDataException("The stored churn model is from an older version: train a new one."))
        using (var reader = new StreamReader(format))
            if (reader.ReadToEnd() != StoreMagic) throw new InvalidDataException("The stored churn model has an unknown format.");
        var featurizer = Part("featurizer.zip");
        var trees = Part("trees.zip") as TreePredictor ?? throw new InvalidDataException("The stored churn model's trees are not calibrated LightGbm.");
        var linear = Part("linear.zip");
        float[] means;
        using (var meansEntry = zip.GetEntry("linear-means.json")?.Open() ?? throw new InvalidDataException("The stored churn model has no feature means."))
            means = System.Text.Json.JsonSerializer.Deserialize<float[]>(meansEntry) ?? [];
        var slotOwner = Enumerable.Range(0, columns.Count).ToArray();
        return new ChurnModel(ml, featurizer, new TreePart(trees, slotOwner.Length), LinearPart.From(linear, means), ChurnTable.FromFeatureRows([], columns), slotOwner);
    }

    /// <summary>
    /// Whether <paramref name="bytes"/> were saved by this version's <see cref="Save"/>: versions trained before the blend
    /// cannot be loaded, so the scoring job trains a new one instead of failing every pass.
    /// </summary>
    public static bool IsCurrentFormat(byte[] bytes)
    {
        try
        {
            using var zip = OpenStored(bytes);
            using var format = zip.GetEntry("format")?.Open();
            if (format is null) return false;
            using var reader = new StreamReader(format);
            return reader.ReadToEnd() == StoreMagic;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static System.IO.Compression.ZipArchive OpenStored(byte[] bytes)
    {
        try
        {
            return new System.IO.Compression.ZipArchive(new MemoryStream(bytes, writable: false), System.IO.Compression.ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException("The stored churn model is not a model archive: train a new one.", e);
        }
    }

    public static ChurnModel Train(ChurnTable table, ChurnLearner learner = ChurnLearner.Blend, int seed = 1)
    {
        using var span = PredictionsTelemetry.Source.StartActivity(PredictionsTelemetry.Fit);
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

        var linearPart = learner is ChurnLearner.LogisticRegression or ChurnLearner.Blend
            ? LinearPart.From(ml.Transforms.NormalizeMeanVariance(Features)
                .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(ChurnTable.LabelColumnName, Features))
                .Fit(featurized), SlotMeans(featurized, owners.Count))
            : null;
        var treePart = learner is ChurnLearner.LightGbm or ChurnLearner.Blend ? new TreePart(TrainTrees(ml, featurized, seed), owners.Count) : null;
        return new ChurnModel(ml, featurizer, treePart, linearPart, table, owners.ToArray());
    }

    private static TreePredictor TrainTrees(MLContext ml, IDataView featurized, int seed)
    {
        // Small, regularised trees: churn data is noisy and mostly monotone, and deeper trees lost AUC on CDNOW
        // (15 leaves, no subsampling: 0.803; these settings: 0.807 with 5-fold CV).
        var rows = featurized.GetRowCount() ?? 1000;
        var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = ChurnTable.LabelColumnName,
            FeatureColumnName = Features,
            NumberOfIterations = 400,
            LearningRate = 0.03,
            NumberOfLeaves = 4,
            MinimumExampleCountPerLeaf = (int)Math.Clamp(rows / 200, 10, 100),
            Booster = new GradientBooster.Options { SubsampleFraction = 0.8, SubsampleFrequency = 1, FeatureFraction = 0.8 },
            Seed = seed,
            NumberOfThreads = 1,
            Silent = true,
            Verbose = false,
        });
        return trainer.Fit(featurized);
    }

    private static float[] SlotMeans(IDataView featurized, int slots)
    {
        var sums = new double[slots];
        long count = 0;
        foreach (var row in featurized.GetColumn<VBuffer<float>>(Features))
        {
            var values = row.DenseValues().ToArray();
            for (var s = 0; s < slots && s < values.Length; s++) sums[s] += values[s];
            count++;
        }
        return sums.Select(sum => (float)(count == 0 ? 0 : sum / count)).ToArray();
    }

    /// <summary>Scored view (Label, Score, Probability, PredictedLabel) of a table with the training table's columns.</summary>
    internal IDataView Score(ChurnTable table)
    {
        var featurized = featurizer.Transform(table.ToDataView());
        if (Learner != ChurnLearner.Blend) return (trees?.Transformer ?? linear!.Transformer).Transform(featurized);
        var probabilities = BlendedProbabilities(featurized);
        var rows = table.Labels.Select((label, i) => new ScoredRow
        {
            Label = label,
            Score = (float)Logit(probabilities[i]),
            Probability = probabilities[i],
            PredictedLabel = probabilities[i] >= 0.5f,
        });
        return ml.Data.LoadFromEnumerable(rows.ToList());
    }

    private float[] BlendedProbabilities(IDataView featurized)
    {
        var fromTrees = trees!.Transformer.Transform(featurized).GetColumn<float>("Probability").ToArray();
        var fromLinear = linear!.Transformer.Transform(featurized).GetColumn<float>("Probability").ToArray();
        return fromTrees.Select((p, i) => (float)Sigmoid((Logit(p) + Logit(fromLinear[i])) / 2)).ToArray();
    }

    private static double Logit(float p)
    {
        var q = Math.Clamp((double)p, 1e-6, 1 - 1e-6);
        return Math.Log(q / (1 - q));
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>The churn probability of every row (a batch through ML.NET data views, as <see cref="Score"/> computes it).</summary>
    public float[] PredictProbabilities(ChurnTable table) => Probabilities(featurizer.Transform(table.ToDataView()));

    private float[] Probabilities(IDataView featurized) => Learner == ChurnLearner.Blend
        ? BlendedProbabilities(featurized)
        : (trees?.Transformer ?? linear!.Transformer).Transform(featurized).GetColumn<float>("Probability").ToArray();

    /// <summary>
    /// Per row, the churn probability and the <paramref name="top"/> factors that push the risk most, in plain words:
    /// the trees' feature contributions (ML.NET) and the linear part's weight × distance from the average customer, both
    /// in log-odds and halved as in the blend; one-hot slots summed back into their column. Models with trees only.
    /// </summary>
    public IReadOnlyList<ChurnExplanation> Explain(ChurnTable table, int top = 3)
    {
        if (trees is null) throw new InvalidOperationException("Explanations come from models with the LightGbm part.");
        return Explain(table, PredictProbabilities(table), top);
    }

    /// <summary>
    /// <see cref="Explain(ChurnTable, int)"/> for rows whose probabilities are already predicted: scoring predicts a
    /// batch first, then explains it, without computing the probabilities twice. Words are written only for the factors kept.
    /// </summary>
    public IReadOnlyList<ChurnExplanation> Explain(ChurnTable table, IReadOnlyList<float> probabilities, int top) =>
        Explain(table, featurizer.Transform(table.ToDataView()), probabilities, top);

    /// <summary>
    /// Probabilities and explanations of a batch in one go, as scoring needs them: the rows are featurised once (kept in
    /// memory) instead of once for each model part and again for the explanation.
    /// </summary>
    public IReadOnlyList<ChurnExplanation> PredictAndExplain(ChurnTable table, int top)
    {
        if (trees is null) throw new InvalidOperationException("Explanations come from models with the LightGbm part.");
        float[][] vectors;
        float[] probabilities;
        // Featurised by ML.NET once; the probabilities then come from the model parts directly (the trees exactly as
        // ML.NET scores them, the regression's dot product up to float rounding), not through three more data views.
        using (PredictionsTelemetry.Source.StartActivity(PredictionsTelemetry.Predict))
        {
            vectors = FeatureVectors(featurizer.Transform(table.ToDataView()), table.RowCount);
            probabilities = new float[vectors.Length];
            for (var row = 0; row < vectors.Length; row++) probabilities[row] = Probability(vectors[row]);
        }
        using (PredictionsTelemetry.Source.StartActivity(PredictionsTelemetry.Explain))
            return Explain(table, vectors, probabilities, top, (_, features, slots) => trees.Contributions.Add(features, slots));
    }

    /// <summary>One featurised row's churn probability, computed from the model parts as ML.NET's blend computes it.</summary>
    private float Probability(ReadOnlySpan<float> features)
    {
        var fromTrees = trees?.Probability(features);
        var fromLinear = linear?.Probability(features);
        return (fromTrees, fromLinear) switch
        {
            ({ } t, { } l) => (float)Sigmoid((Logit(t) + Logit(l)) / 2),
            ({ } t, null) => t,
            (null, { } l) => l,
            _ => throw new InvalidOperationException("The churn model has no part."),
        };
    }

    /// <summary>The featurised rows as arrays, checked against the table and the model's slots.</summary>
    private float[][] FeatureVectors(IDataView featurized, int rows)
    {
        var vectors = new List<float[]>(rows);
        foreach (var vector in featurized.GetColumn<VBuffer<float>>(Features))
        {
            if (vector.Length != slotOwner.Length) throw new InvalidDataException("The featurised rows do not have the model's feature slots.");
            var values = new float[vector.Length];
            vector.CopyTo(values);
            vectors.Add(values);
        }
        if (vectors.Count != rows) throw new InvalidDataException("The featurised rows do not match the table's rows.");
        return [.. vectors];
    }

    /// <summary>
    /// <see cref="Explain(ChurnTable, int)"/> with the trees' contributions from ML.NET's CalculateFeatureContribution
    /// transformer: the reference the direct computation (<see cref="TreeContributions"/>) is checked against.
    /// </summary>
    internal IReadOnlyList<ChurnExplanation> ExplainThroughMlNet(ChurnTable table, int top = 3)
    {
        if (trees is null) throw new InvalidOperationException("Explanations come from models with the LightGbm part.");
        var featurized = Featurize(table);
        var fromMlNet = MlNetTreeContributions(featurized);
        return Explain(table, FeatureVectors(featurized, table.RowCount), PredictProbabilities(table), top, (row, _, slots) => fromMlNet[row].CopyTo(slots));
    }

    /// <summary>Per row, the trees' contributions per feature slot as ML.NET's transformer computes them (unnormalised).</summary>
    internal float[][] MlNetTreeContributions(IDataView featurized) =>
        ml.Transforms.CalculateFeatureContribution(trees!.Transformer, slotOwner.Length, slotOwner.Length, normalize: false)
            .Fit(featurized).Transform(featurized).GetColumn<float[]>("FeatureContributions").ToArray();

    /// <summary>The featurised rows (feature slots after one-hot encoding and missing-value replacement).</summary>
    internal IDataView Featurize(ChurnTable table) => featurizer.Transform(table.ToDataView());

    /// <summary>The trees' contributions per slot, computed directly from the trees (what explanations use).</summary>
    internal TreeContributions? DirectTreeContributions => trees?.Contributions;

    private IReadOnlyList<ChurnExplanation> Explain(ChurnTable table, IDataView featurized, IReadOnlyList<float> probabilities, int top) =>
        Explain(table, FeatureVectors(featurized, table.RowCount), probabilities, top, (_, features, slots) => trees!.Contributions.Add(features, slots));

    /// <summary>
    /// Explanations from the featurised rows, read once for both parts; <paramref name="treeSlots"/> adds a row's tree
    /// contributions (raw-score units) to a zeroed span, one value per feature slot.
    /// </summary>
    private IReadOnlyList<ChurnExplanation> Explain(ChurnTable table, float[][] vectors, IReadOnlyList<float> probabilities, int top,
        TreeSlotContributions treeSlots)
    {
        if (trees is null) throw new InvalidOperationException("Explanations come from models with the LightGbm part.");
        if (probabilities.Count != table.RowCount) throw new ArgumentException("One probability per row is needed.", nameof(probabilities));
        if (vectors.Length != table.RowCount) throw new ArgumentException("One featurised row per table row is needed.", nameof(vectors));
        var share = linear is null ? 1.0 : 0.5;
        var slots = new float[slotOwner.Length];

        var explanations = new List<ChurnExplanation>(table.RowCount);
        var columns = numericNames.Count + categoricalNames.Count;
        var representative = Enumerable.Range(0, columns).Select(RepresentativeColumn).ToArray();
        var byColumn = new double[columns];
        var byGroup = new double[columns];
        var inGroup = new bool[columns];
        var numericIndex = table.Numeric.Select((c, i) => (c.Name, i)).GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        for (var row = 0; row < vectors.Length; row++)
        {
            var features = vectors[row];
            Array.Clear(slots);
            treeSlots(row, features, slots);
            Array.Clear(byColumn);
            // Tree contributions are in raw-score units; the Platt calibrator turns a raw score s into log-odds -(slope·s + offset).
            for (var s = 0; s < slotOwner.Length; s++) byColumn[slotOwner[s]] += share * trees.LogOddsPerScore * slots[s];
            if (linear is not null)
                for (var s = 0; s < slotOwner.Length; s++) byColumn[slotOwner[s]] += share * linear.LogOddsContribution(s, features[s]);
            // Features that say the same thing become one factor, worded by the group's representative column; the
            // largest factors first (ties: the earlier column). Plain loops: this runs for every scored customer.
            Array.Clear(byGroup);
            Array.Clear(inGroup);
            for (var c = 0; c < columns; c++)
                if (Math.Abs(byColumn[c]) > 1e-9)
                {
                    byGroup[representative[c]] += byColumn[c];
                    inGroup[representative[c]] = true;
                }
            var factors = new List<ChurnFactor>(top);
            foreach (var group in Largest(byGroup, inGroup, top))
                factors.Add(new ChurnFactor(ColumnName(group), (float)byGroup[group], Describe(table, numericIndex, row, group, byGroup[group] > 0)));
            explanations.Add(new ChurnExplanation(table.Ids[row], probabilities[row], factors));
        }
        return explanations;
    }

    private delegate void TreeSlotContributions(int row, ReadOnlySpan<float> features, Span<float> slots);

    private sealed class ScoredRow
    {
        public bool Label { get; set; }
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    /// <summary>The calibrated LightGbm part.</summary>
    private sealed class TreePart(TreePredictor transformer, int slots)
    {
        public TreePredictor Transformer { get; } = transformer;

        /// <summary>The trees flattened for explanations: ML.NET's contributions without its transformer's per-row cost.</summary>
        public TreeContributions Contributions { get; } = new(transformer.Model.SubModel.TrainedTreeEnsemble, slots);

        /// <summary>How many log-odds of churn one unit of raw tree score is worth (minus the Platt slope).</summary>
        public double LogOddsPerScore { get; } = -transformer.Model.Calibrator.Slope;

        /// <summary>The calibrated probability of a featurised row: the trees' raw score through the model's own calibrator.</summary>
        public float Probability(ReadOnlySpan<float> features) => Transformer.Model.Calibrator.PredictProbability((float)Contributions.RawScore(features));
    }

    /// <summary>The logistic-regression part: normaliser and calibrated linear model, with what explanations need.</summary>
    private sealed class LinearPart
    {
        private readonly double[] slotWeights;
        private readonly float[] offsets;
        private readonly float[] scales;
        private readonly float[] weights;
        private readonly float bias;
        private readonly PlattCalibrator calibrator;

        private LinearPart(ITransformer transformer, float[] slotMeans, double[] slotWeights, float[] offsets, float[] scales, float[] weights, float bias,
            PlattCalibrator calibrator)
        {
            Transformer = transformer;
            SlotMeans = slotMeans;
            this.slotWeights = slotWeights;
            (this.offsets, this.scales, this.weights, this.bias, this.calibrator) = (offsets, scales, weights, bias, calibrator);
        }

        /// <summary>
        /// The calibrated probability of a featurised row: normalised ((x − offset) × scale), weighted and summed in float
        /// as ML.NET does (its vectorised sum may round the last bit differently), through the model's own calibrator.
        /// </summary>
        public float Probability(ReadOnlySpan<float> features)
        {
            var score = 0f;
            for (var s = 0; s < weights.Length && s < features.Length; s++)
                score += weights[s] * ((features[s] - (s < offsets.Length ? offsets[s] : 0f)) * (s < scales.Length ? scales[s] : 1f));
            return calibrator.PredictProbability(bias + score);
        }

        public ITransformer Transformer { get; }
        public float[] SlotMeans { get; }

        /// <summary>Log-odds this slot's value adds compared with the average training customer.</summary>
        public double LogOddsContribution(int slot, float value) =>
            slot < slotWeights.Length && slot < SlotMeans.Length ? slotWeights[slot] * (value - SlotMeans[slot]) : 0;

        /// <summary>
        /// Per slot, log-odds per unit of the raw feature: the normaliser's scale × the regression weight × the calibrator's
        /// slope (the logistic regression's own probabilities are sigmoid(score), so its calibrator is the identity).
        /// </summary>
        public static LinearPart From(ITransformer transformer, float[] slotMeans)
        {
            if (transformer is not IEnumerable<ITransformer> chain || chain.Count() != 2)
                throw new InvalidDataException("The churn model's linear part is not a normaliser and a regression.");
            var parts = chain.ToList();
            var normaliser = parts[0] as Microsoft.ML.Transforms.NormalizingTransformer
                ?? throw new InvalidDataException("The churn model's linear part has no normaliser.");
            var regression = parts[1] as ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>
                ?? throw new InvalidDataException("The churn model's linear part is not a calibrated logistic regression.");
            var affine = normaliser.GetNormalizerModelParameters(0) as Microsoft.ML.Transforms.NormalizingTransformer.AffineNormalizerModelParameters<System.Collections.Immutable.ImmutableArray<float>>
                ?? throw new InvalidDataException("The churn model's normaliser is not affine.");
            var scale = affine.Scale;
            var weights = regression.Model.SubModel.Weights;
            var slope = -regression.Model.Calibrator.Slope;
            var slotWeights = weights.Select((w, s) => slope * w * (s < scale.Length ? scale[s] : 1)).ToArray();
            return new LinearPart(transformer, slotMeans, slotWeights, affine.Offset.IsDefault ? [] : [.. affine.Offset], [.. scale], [.. weights],
                regression.Model.SubModel.Bias, regression.Model.Calibrator);
        }
    }

    private int RepresentativeColumn(int column)
    {
        if (column >= numericNames.Count || ChurnWords.GroupOf(numericNames[column]) is not { } group) return column;
        for (var i = 0; i < numericNames.Count; i++)
            if (numericNames[i] == group) return i;
        return column;
    }

    private string ColumnName(int column) => column < numericNames.Count ? numericNames[column] : categoricalNames[column - numericNames.Count];

    /// <summary>The indexes of the <paramref name="top"/> present values largest in size, largest first, ties by index.</summary>
    private static List<int> Largest(double[] values, bool[] present, int top)
    {
        var chosen = new List<int>(top + 1);
        for (var i = 0; i < values.Length; i++)
        {
            if (!present[i]) continue;
            var at = chosen.Count;
            // Strictly larger moves ahead: an equal value stays behind the earlier index.
            while (at > 0 && Math.Abs(values[i]) > Math.Abs(values[chosen[at - 1]])) at--;
            if (at >= top) continue;
            chosen.Insert(at, i);
            if (chosen.Count > top) chosen.RemoveAt(top);
        }
        return chosen;
    }

    private string Describe(ChurnTable table, Dictionary<string, int> numericIndex, int row, int column, bool raises)
    {
        if (column >= numericNames.Count)
        {
            var value = table.Categorical[column - numericNames.Count].Values[row];
            return ChurnWords.Generic(ColumnName(column), value.Length == 0 ? "(blank)" : value, raises);
        }
        var name = numericNames[column];
        float Value(string feature) => numericIndex.TryGetValue(feature, out var index) ? table.Numeric[index].Values[row] : float.NaN;
        return ChurnWords.Describe(name, table.Numeric[column].Values[row], Value, raises);
    }
}
