using System.Reflection;
using Microsoft.ML.Trainers.FastTree;

namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>
/// The per-slot feature contributions of a trained tree ensemble, computed straight from its trees: the same numbers as
/// ML.NET's <c>CalculateFeatureContribution(..., normalize: false)</c>, without its transformer (which costs about
/// 23 µs of CPU per row; walking a few hundred small trees from flat arrays costs a few µs).
/// </summary>
/// <remarks>
/// As ML.NET (InternalRegressionTree.AppendFeatureContributions): a tree walks the row to its leaf; then, at every split
/// on that path, a "ghost" walks the other branch down to a leaf, and the split's feature gets
/// (true leaf output − ghost leaf output), rounded to float. Per-tree contributions are summed in float, tree by tree.
/// Tree weights are not applied (ML.NET ignores them for contributions and for the raw score). A categorical split
/// (LightGbm's, over one-hot slots) gives the slot that sent the row right +diff and every other slot of the split −diff;
/// when no slot did, each slot gets +diff.
/// Missing values: a NaN feature takes the tree's default value for missing at that split when the converted LightGbm
/// tree has one (LightGbm trained on data with NaN), otherwise stays NaN, which fails "≤ threshold" and so goes right.
/// </remarks>
internal sealed class TreeContributions
{
    // Nodes of every tree, one flat array per attribute. A child ≥ 0 is a node index; a child &lt; 0 is ~leaf index
    // into leafValues. Both are global (offset by the tree's first node / first leaf).
    private readonly int[] splitFeature;
    private readonly float[] threshold;
    private readonly int[] lte;
    private readonly int[] gt;
    private readonly int[] categoricalStart;
    private readonly int[] categoricalEnd;
    private readonly int[] categoricalSlots;
    private readonly float[]? missingValue;
    private readonly bool missingValuesUnknown;
    private readonly double[] leafValues;
    private readonly int[] roots;
    private readonly double bias;

    public TreeContributions(TreeEnsemble<RegressionTree> ensemble, int slotCount)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        SlotCount = slotCount;
        bias = ensemble.Bias;
        var trees = ensemble.Trees;
        var nodeCount = trees.Sum(t => t.NumberOfNodes);
        splitFeature = new int[nodeCount];
        threshold = new float[nodeCount];
        lte = new int[nodeCount];
        gt = new int[nodeCount];
        categoricalStart = new int[nodeCount];
        categoricalEnd = new int[nodeCount];
        leafValues = new double[trees.Sum(t => t.NumberOfLeaves)];
        var slots = new List<int>();
        var missing = new float[nodeCount];
        var anyMissingDefault = false;
        var rootList = new List<int>(trees.Count);
        int nodeBase = 0, leafBase = 0;
        foreach (var tree in trees)
        {
            for (var leaf = 0; leaf < tree.NumberOfLeaves; leaf++) leafValues[leafBase + leaf] = tree.LeafValues[leaf];
            // A tree without a split (ML.NET's empty tree) outputs 0 and contributes nothing.
            if (tree.NumberOfNodes > 0)
            {
                rootList.Add(nodeBase);
                var defaults = MissingDefaults(tree, ref missingValuesUnknown);
                for (var n = 0; n < tree.NumberOfNodes; n++)
                {
                    var node = nodeBase + n;
                    lte[node] = Global(tree.LeftChild[n], nodeBase, leafBase);
                    gt[node] = Global(tree.RightChild[n], nodeBase, leafBase);
                    splitFeature[node] = tree.NumericalSplitFeatureIndexes[n];
                    threshold[node] = tree.NumericalSplitThresholds[n];
                    categoricalStart[node] = categoricalEnd[node] = slots.Count;
                    if (tree.CategoricalSplitFlags[n])
                    {
                        foreach (var slot in tree.GetCategoricalSplitFeaturesAt(n))
                        {
                            CheckSlot(slot);
                            slots.Add(slot);
                        }
                        categoricalEnd[node] = slots.Count;
                        splitFeature[node] = -1;
                    }
                    else CheckSlot(splitFeature[node]);
                    // ML.NET replaces a missing value by the node's default only when the tree has any non-zero default.
                    missing[node] = defaults is null ? float.NaN : defaults[n];
                    anyMissingDefault |= defaults is not null;
                }
            }
            nodeBase += tree.NumberOfNodes;
            leafBase += tree.NumberOfLeaves;
        }
        categoricalSlots = slots.ToArray();
        missingValue = anyMissingDefault ? missing : null;
        roots = rootList.ToArray();
    }

    /// <summary>The length of the feature vectors (and of the contributions).</summary>
    public int SlotCount { get; }

    /// <summary>Whether any split is over a categorical feature's one-hot slots (LightGbm categorical splits).</summary>
    public bool HasCategoricalSplits => categoricalSlots.Length > 0;

    /// <summary>
    /// Adds the row's contributions to <paramref name="contributions"/> (one per slot, in the ensemble's raw-score units).
    /// </summary>
    public void Add(ReadOnlySpan<float> features, Span<float> contributions)
    {
        if (features.Length != SlotCount || contributions.Length != SlotCount)
            throw new ArgumentException($"Feature vectors and contributions must have {SlotCount} slots.");
        foreach (var root in roots)
        {
            var trueOutput = leafValues[LeafFrom(root, features)];
            var node = root;
            while (node >= 0)
            {
                if (splitFeature[node] < 0)
                {
                    var selected = SelectedCategoricalSlot(node, features);
                    var (next, otherWay) = selected >= 0 ? (gt[node], lte[node]) : (lte[node], gt[node]);
                    var diff = (float)(trueOutput - leafValues[LeafFrom(otherWay, features)]);
                    for (var i = categoricalStart[node]; i < categoricalEnd[node]; i++)
                    {
                        var slot = categoricalSlots[i];
                        // With a match, only the slot that was on sent the row right; the others would not have.
                        contributions[slot] += selected < 0 || slot == selected ? diff : -diff;
                    }
                    node = next;
                }
                else
                {
                    var feature = splitFeature[node];
                    int otherWay;
                    if (Value(features[feature], node) <= threshold[node])
                    {
                        otherWay = gt[node];
                        node = lte[node];
                    }
                    else
                    {
                        otherWay = lte[node];
                        node = gt[node];
                    }
                    contributions[feature] += (float)(trueOutput - leafValues[LeafFrom(otherWay, features)]);
                }
            }
        }
    }

    /// <summary>The ensemble's raw score for the row: the sum of its leaf outputs plus the bias (the Score column).</summary>
    public double RawScore(ReadOnlySpan<float> features)
    {
        if (features.Length != SlotCount) throw new ArgumentException($"Feature vectors must have {SlotCount} slots.");
        var output = 0.0;
        foreach (var root in roots) output += leafValues[LeafFrom(root, features)];
        return output + bias;
    }

    private int LeafFrom(int node, ReadOnlySpan<float> features)
    {
        while (node >= 0)
        {
            if (splitFeature[node] < 0) node = SelectedCategoricalSlot(node, features) >= 0 ? gt[node] : lte[node];
            else node = Value(features[splitFeature[node]], node) <= threshold[node] ? lte[node] : gt[node];
        }
        return ~node;
    }

    /// <summary>The first of the split's slots that is on (&gt; 0), or -1: any one on sends the row right.</summary>
    private int SelectedCategoricalSlot(int node, ReadOnlySpan<float> features)
    {
        for (var i = categoricalStart[node]; i < categoricalEnd[node]; i++)
        {
            var slot = categoricalSlots[i];
            if (Value(features[slot], node) > 0f) return slot;
        }
        return -1;
    }

    private float Value(float value, int node)
    {
        if (!float.IsNaN(value)) return value;
        if (missingValuesUnknown)
            throw new InvalidOperationException("A feature is missing and the trees' missing-value defaults could not be read from ML.NET: replace missing values before the trees.");
        return missingValue is null ? value : missingValue[node];
    }

    private void CheckSlot(int slot)
    {
        if (slot < 0 || slot >= SlotCount)
            throw new InvalidDataException($"A tree splits on feature slot {slot}, outside the {SlotCount} features.");
    }

    private static int Global(int child, int nodeBase, int leafBase) => child >= 0 ? nodeBase + child : ~(leafBase + ~child);

    /// <summary>
    /// The converted LightGbm tree's value for a missing feature at each split, or null when it has none (LightGbm
    /// trained without NaN; ML.NET then compares the NaN itself). ML.NET keeps these defaults internal, so they are
    /// read by reflection; if that ever fails, <paramref name="unknown"/> is set and a NaN reaching a split throws
    /// (never a silently different answer). The churn featuriser replaces missing values first, so it never happens there.
    /// </summary>
    private static float[]? MissingDefaults(RegressionTree tree, ref bool unknown)
    {
        var inner = typeof(RegressionTreeBase).GetField("_tree", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(tree);
        var field = inner?.GetType().GetField("DefaultValueForMissing", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        if (inner is null || field is null || field.FieldType != typeof(float[]))
        {
            unknown = true;
            return null;
        }
        return field.GetValue(inner) as float[];
    }
}
