namespace Customer360Portal.Core.IdentityResolution.Evaluation;

/// <summary>A pair of record ids that are the same person, as a ground-truth file lists it (in either order).</summary>
public readonly record struct TruePair(string First, string Second)
{
    /// <summary>The same pair with its ids in ordinal order, so (a, b) and (b, a) are one pair.</summary>
    public TruePair Normalized() => string.CompareOrdinal(First, Second) <= 0 ? this : new TruePair(Second, First);
}

/// <summary>
/// Pairwise quality of a clustering against known true pairs, the usual measure of record linkage: every two records
/// put in one cluster are a predicted pair, and
/// <list type="bullet">
/// <item>TP: true pairs whose two records share a cluster;</item>
/// <item>FP: predicted pairs that are not true pairs (predicted − TP);</item>
/// <item>FN: true pairs that were not predicted (true pairs − TP), including pairs naming an id that is not clustered
/// at all (as recordlinkage and splink count them).</item>
/// </list>
/// Computed without listing the n² pairs: a cluster of k records predicts k(k−1)/2 pairs, and only the true pairs are
/// looked up. A true pair listed twice, or in both orders, counts once; a pair of an id with itself is ignored.
/// </summary>
/// <remarks>
/// Conventions for empty denominators: precision is 0 when nothing was predicted, recall is 0 when there are no true
/// pairs, F1 is 0 when precision and recall are both 0. (No NaN ever reaches output or JSON.)
/// </remarks>
public sealed record PairwiseMetrics(long TruePositives, long FalsePositives, long FalseNegatives)
{
    /// <summary>Pairs of records the clustering put together: TP + FP.</summary>
    public long PredictedPairs => TruePositives + FalsePositives;

    /// <summary>Distinct true pairs: TP + FN.</summary>
    public long TruePairs => TruePositives + FalseNegatives;

    /// <summary>TP / (TP + FP); 0 when no pair was predicted.</summary>
    public double Precision => PredictedPairs == 0 ? 0 : (double)TruePositives / PredictedPairs;

    /// <summary>TP / (TP + FN); 0 when there are no true pairs.</summary>
    public double Recall => TruePairs == 0 ? 0 : (double)TruePositives / TruePairs;

    /// <summary>The harmonic mean of precision and recall; 0 when both are 0.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>Scores a clustering given as record id → cluster (any key: a representative's index or id).</summary>
    /// <param name="clusterOf">Each record id's cluster. Records missing from it are in no cluster.</param>
    /// <param name="truePairs">The true pairs, in any order, duplicates allowed.</param>
    public static PairwiseMetrics Compute<TCluster>(IReadOnlyDictionary<string, TCluster> clusterOf, IEnumerable<TruePair> truePairs)
        where TCluster : notnull
    {
        ArgumentNullException.ThrowIfNull(clusterOf);
        ArgumentNullException.ThrowIfNull(truePairs);

        var sizes = new Dictionary<TCluster, long>();
        foreach (var cluster in clusterOf.Values)
            sizes[cluster] = sizes.GetValueOrDefault(cluster) + 1;
        long predicted = 0;
        foreach (var size in sizes.Values)
            predicted += size * (size - 1) / 2;

        var distinct = new HashSet<TruePair>();
        long truePositives = 0;
        var comparer = EqualityComparer<TCluster>.Default;
        foreach (var pair in truePairs)
        {
            if (string.Equals(pair.First, pair.Second, StringComparison.Ordinal)) continue;
            if (!distinct.Add(pair.Normalized())) continue;
            if (clusterOf.TryGetValue(pair.First, out var first) && clusterOf.TryGetValue(pair.Second, out var second)
                && comparer.Equals(first, second))
                truePositives++;
        }
        return new PairwiseMetrics(truePositives, predicted - truePositives, distinct.Count - truePositives);
    }
}
