using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML.Trainers.FastTree;

namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>
/// The per-slot feature contributions of a trained tree ensemble, computed straight from its trees: the same numbers as
/// ML.NET's <c>CalculateFeatureContribution(..., normalize: false)</c>, without its transformer's per-row cost.
/// </summary>
/// <remarks>
/// As ML.NET (InternalRegressionTree.AppendFeatureContributions): a tree walks the row to its leaf; then, at every split
/// on that path, a "ghost" walks the other branch down to a leaf, and the split's feature gets
/// (true leaf output − ghost leaf output), rounded to float. Per-tree contributions are summed in float, tree by tree,
/// so the results are the same floats. Tree weights are not applied (ML.NET ignores them for contributions and for the
/// raw score). A categorical split (LightGbm's, over one-hot slots) gives the slot that sent the row right +diff and
/// every other slot of the split −diff; when no slot did, each slot gets +diff.
/// Missing values: a NaN feature takes the tree's default value for missing at that split when the converted LightGbm
/// tree has one (LightGbm trained on data with NaN), otherwise stays NaN, which fails "≤ threshold" and so goes right.
/// Speed: a small tree without categorical splits (the churn model's have 3 splits) is a table: its splits' decisions
/// (one bit each) pick the precomputed (slot, diff) pairs of that path, in path order, so a row costs one comparison per
/// split and one float addition per path split. Larger trees take each split's decision once per row, bottom-up, giving
/// the leaf reached from every node; the true walk and every ghost walk then only look those leaves up.
/// </remarks>
internal sealed class TreeContributions
{
    // Nodes of every tree in flat arrays, each tree's nodes contiguous and numbered breadth-first (a child after its
    // parent). Children are local to their tree: 0..nodes-1 are its nodes, nodes..nodes+leaves-1 its leaves.
    private readonly int[] splitFeature; // -1 for a categorical split
    private readonly float[] threshold;
    private readonly float[] missingValue; // NaN: a missing value stays NaN at this split
    private readonly int[] children; // [2·node] the "≤ threshold" (left) child, [2·node + 1] the right one
    private readonly int[] categoricalStart;
    private readonly int[] categoricalEnd;
    private readonly int[] categoricalSlots;
    private readonly double[] leafValues;
    private readonly int[] treeFirstNode;
    private readonly int[] treeNodeCount;
    private readonly int[] treeFirstLeaf;
    private readonly int[] treeLeafCount;
    private readonly int maxLocals;
    // Trees of at most TableNodes numeric splits: treeTable[t] is the first entry of the tree's 2^nodes entries (-1 when
    // walked); entry e's pairs are pairSlot/pairDiff[entryPairs[e] .. entryPairs[e + 1]).
    private const int TableNodes = 8;
    private readonly int[] treeTable;
    private readonly int[] entryPairs;
    private readonly int[] pairSlot;
    private readonly float[] pairDiff;
    private readonly bool missingDefaultsUnknown;
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
        missingValue = new float[nodeCount];
        children = new int[2 * nodeCount];
        categoricalStart = new int[nodeCount];
        categoricalEnd = new int[nodeCount];
        leafValues = new double[trees.Sum(t => t.NumberOfLeaves)];
        var slots = new List<int>();
        var (firstNodes, nodeCounts, firstLeaves, leafCounts) = (new List<int>(), new List<int>(), new List<int>(), new List<int>());
        int nodeBase = 0, leafBase = 0;
        foreach (var tree in trees)
        {
            for (var leaf = 0; leaf < tree.NumberOfLeaves; leaf++) leafValues[leafBase + leaf] = tree.LeafValues[leaf];
            // A tree without a split (ML.NET's empty tree) outputs 0 and contributes nothing.
            if (tree.NumberOfNodes > 0)
            {
                firstNodes.Add(nodeBase);
                nodeCounts.Add(tree.NumberOfNodes);
                firstLeaves.Add(leafBase);
                leafCounts.Add(tree.NumberOfLeaves);
                maxLocals = Math.Max(maxLocals, tree.NumberOfNodes + tree.NumberOfLeaves);
                var defaults = MissingDefaults(tree, ref missingDefaultsUnknown);
                var order = BreadthFirst(tree);
                var position = new int[tree.NumberOfNodes];
                for (var i = 0; i < order.Length; i++) position[order[i]] = i;
                int Local(int child) => child >= 0 ? position[child] : tree.NumberOfNodes + ~child;
                for (var i = 0; i < order.Length; i++)
                {
                    var (n, node) = (order[i], nodeBase + i);
                    children[2 * node] = Local(tree.LeftChild[n]);
                    children[2 * node + 1] = Local(tree.RightChild[n]);
                    splitFeature[node] = tree.NumericalSplitFeatureIndexes[n];
                    threshold[node] = tree.NumericalSplitThresholds[n];
                    // ML.NET replaces a missing value by the node's default only when its tree has any non-zero default.
                    missingValue[node] = defaults is null ? float.NaN : defaults[n];
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
                }
            }
            nodeBase += tree.NumberOfNodes;
            leafBase += tree.NumberOfLeaves;
        }
        categoricalSlots = slots.ToArray();
        (treeFirstNode, treeNodeCount, treeFirstLeaf, treeLeafCount) = (firstNodes.ToArray(), nodeCounts.ToArray(), firstLeaves.ToArray(), leafCounts.ToArray());
        (treeTable, entryPairs, pairSlot, pairDiff) = Tables();
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
        // Per node and leaf of the current tree (local index): the leaf the row reaches from there; per node, its way.
        Span<int> reached = maxLocals <= 256 ? stackalloc int[maxLocals] : new int[maxLocals];
        Span<int> way = maxLocals <= 256 ? stackalloc int[maxLocals] : new int[maxLocals];
        // Locals rather than fields in the hot loop, so the JIT keeps them in registers.
        var (childOf, split, leaves, tables, pairs, pairSlots, pairDiffs) = (children, splitFeature, leafValues, treeTable, entryPairs, pairSlot, pairDiff);
        for (var t = 0; t < treeFirstNode.Length; t++)
        {
            var (first, nodes) = (treeFirstNode[t], treeNodeCount[t]);
            if (tables[t] >= 0)
            {
                var mask = 0;
                for (var i = 0; i < nodes; i++) mask |= (GoesRight(first + i, features) ? 1 : 0) << i;
                var entry = tables[t] + mask;
                for (var p = pairs[entry]; p < pairs[entry + 1]; p++) contributions[pairSlots[p]] += pairDiffs[p];
                continue;
            }
            for (var i = 0; i < nodes; i++) way[i] = GoesRight(first + i, features) ? 1 : 0;
            var trueOutput = leaves[Reach(t, way, reached)];
            var at = 0;
            do
            {
                var node = first + at;
                var diff = (float)(trueOutput - leaves[reached[childOf[2 * node + 1 - way[at]]]]);
                var feature = split[node];
                if (feature >= 0) contributions[feature] += diff;
                else AddCategorical(node, way[at] == 1, diff, features, contributions);
                at = childOf[2 * node + way[at]];
            }
            while (at < nodes);
        }
    }

    /// <summary>The ensemble's raw score for the row: the sum of its leaf outputs plus the bias (the Score column).</summary>
    public double RawScore(ReadOnlySpan<float> features)
    {
        if (features.Length != SlotCount) throw new ArgumentException($"Feature vectors must have {SlotCount} slots.");
        var output = 0.0;
        for (var t = 0; t < treeFirstNode.Length; t++)
        {
            var (first, nodes, at) = (treeFirstNode[t], treeNodeCount[t], 0);
            while (at < nodes) at = children[2 * (first + at) + (GoesRight(first + at, features) ? 1 : 0)];
            output += leafValues[treeFirstLeaf[t] + at - nodes];
        }
        return output + bias;
    }

    /// <summary>
    /// Per small numeric tree, for every combination of its splits' decisions, the (slot, diff) pairs the walk adds, in
    /// the walk's order: the same floats, computed once instead of per row.
    /// </summary>
    private (int[] TreeTable, int[] EntryPairs, int[] PairSlot, float[] PairDiff) Tables()
    {
        var table = new int[treeFirstNode.Length];
        var (entries, slots, diffs) = (new List<int>(), new List<int>(), new List<float>());
        var reached = new int[maxLocals];
        var way = new int[maxLocals];
        for (var t = 0; t < treeFirstNode.Length; t++)
        {
            var (first, nodes) = (treeFirstNode[t], treeNodeCount[t]);
            if (nodes > TableNodes || Enumerable.Range(first, nodes).Any(n => splitFeature[n] < 0))
            {
                table[t] = -1;
                continue;
            }
            table[t] = entries.Count;
            for (var mask = 0; mask < 1 << nodes; mask++)
            {
                entries.Add(slots.Count);
                for (var i = 0; i < nodes; i++) way[i] = (mask >> i) & 1;
                var trueOutput = leafValues[Reach(t, way, reached)];
                for (var at = 0; at < nodes; at = children[2 * (first + at) + way[at]])
                {
                    slots.Add(splitFeature[first + at]);
                    diffs.Add((float)(trueOutput - leafValues[reached[children[2 * (first + at) + 1 - way[at]]]]));
                }
            }
        }
        entries.Add(slots.Count);
        return (table, entries.ToArray(), slots.ToArray(), diffs.ToArray());
    }

    /// <summary>Fills the leaf reached from every node and leaf of tree t given its nodes' ways; returns the row's leaf.</summary>
    private int Reach(int t, ReadOnlySpan<int> way, Span<int> reached)
    {
        var (first, nodes) = (treeFirstNode[t], treeNodeCount[t]);
        for (int leaf = 0, leafBase = treeFirstLeaf[t]; leaf < treeLeafCount[t]; leaf++) reached[nodes + leaf] = leafBase + leaf;
        for (var i = nodes - 1; i >= 0; i--) reached[i] = reached[children[2 * (first + i) + way[i]]];
        return reached[0];
    }

    /// <summary>A categorical split's share: with a match, only the slot that was on sent the row right; the others would not have.</summary>
    private void AddCategorical(int node, bool wentRight, float diff, ReadOnlySpan<float> features, Span<float> contributions)
    {
        var selected = wentRight ? SelectedCategoricalSlot(node, features) : -1;
        for (var i = categoricalStart[node]; i < categoricalEnd[node]; i++)
        {
            var slot = categoricalSlots[i];
            contributions[slot] += selected < 0 || slot == selected ? diff : -diff;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool GoesRight(int node, ReadOnlySpan<float> features)
    {
        var feature = splitFeature[node];
        if (feature < 0) return SelectedCategoricalSlot(node, features) >= 0;
        var value = features[feature];
        if (float.IsNaN(value)) value = Missing(node);
        // Written as ML.NET does: "≤ threshold" goes left, so a NaN goes right.
        return !(value <= threshold[node]);
    }

    /// <summary>The first of the split's slots that is on (&gt; 0), or -1: any one on sends the row right.</summary>
    private int SelectedCategoricalSlot(int node, ReadOnlySpan<float> features)
    {
        for (var i = categoricalStart[node]; i < categoricalEnd[node]; i++)
        {
            var slot = categoricalSlots[i];
            var value = features[slot];
            if (float.IsNaN(value)) value = Missing(node);
            if (value > 0f) return slot;
        }
        return -1;
    }

    private float Missing(int node) => missingDefaultsUnknown
        ? throw new InvalidOperationException("A feature is missing and the trees' missing-value defaults could not be read from ML.NET: replace missing values before the trees.")
        : missingValue[node];

    private void CheckSlot(int slot)
    {
        if (slot < 0 || slot >= SlotCount)
            throw new InvalidDataException($"A tree splits on feature slot {slot}, outside the {SlotCount} features.");
    }

    /// <summary>The tree's nodes breadth-first from the root (children after their parent).</summary>
    private static int[] BreadthFirst(RegressionTree tree)
    {
        var order = new List<int>(tree.NumberOfNodes) { 0 };
        for (var i = 0; i < order.Count; i++)
            foreach (var child in (ReadOnlySpan<int>)[tree.LeftChild[order[i]], tree.RightChild[order[i]]])
                if (child >= 0) order.Add(child);
        if (order.Count != tree.NumberOfNodes || order.Distinct().Count() != order.Count)
            throw new InvalidDataException("A tree of the churn model is not a tree (unreachable or shared nodes).");
        return order.ToArray();
    }

    /// <summary>
    /// The converted LightGbm tree's value for a missing feature at each split, or null when it has none (LightGbm
    /// trained without NaN; ML.NET then compares the NaN itself). ML.NET keeps these defaults internal, so they are
    /// read by reflection; if that ever fails, <paramref name="unknown"/> is set and a NaN reaching a split throws
    /// (never a silently different answer). The churn featuriser replaces missing values first, so it never happens there.
    /// </summary>
    internal static float[]? MissingDefaults(RegressionTree tree, ref bool unknown)
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
