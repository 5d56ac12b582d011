using System.Text;
using Customer360Portal.Core.IdentityResolution.Evaluation;

namespace Customer360Portal.Core.Tests.IdentityResolution.Evaluation;

public class PairwiseMetricsTests
{
    /// <summary>Record id → cluster, from clusters written as groups of ids.</summary>
    private static Dictionary<string, int> Clusters(params string[][] clusters)
    {
        var clusterOf = new Dictionary<string, int>();
        for (var c = 0; c < clusters.Length; c++)
            foreach (var id in clusters[c]) clusterOf.Add(id, c);
        return clusterOf;
    }

    private static TruePair[] Pairs(params (string, string)[] pairs) => pairs.Select(p => new TruePair(p.Item1, p.Item2)).ToArray();

    private static void AssertCounts(PairwiseMetrics metrics, long tp, long fp, long fn)
    {
        Assert.Equal(tp, metrics.TruePositives);
        Assert.Equal(fp, metrics.FalsePositives);
        Assert.Equal(fn, metrics.FalseNegatives);
    }

    [Fact]
    public void Perfect_ClustersExactlyTheTruePairs_ScoresOne()
    {
        var metrics = PairwiseMetrics.Compute(Clusters(["a", "b"], ["c", "d", "e"], ["f"]),
            Pairs(("a", "b"), ("c", "d"), ("c", "e"), ("d", "e")));

        AssertCounts(metrics, tp: 4, fp: 0, fn: 0);
        Assert.Equal(4, metrics.PredictedPairs);
        Assert.Equal(1.0, metrics.Precision);
        Assert.Equal(1.0, metrics.Recall);
        Assert.Equal(1.0, metrics.F1);
    }

    [Fact]
    public void FalseMerge_AThirdRecordInAPairsCluster_AddsTwoFalsePairs()
    {
        // {a, b, c} predicts ab, ac, bc; only ab is true.
        var metrics = PairwiseMetrics.Compute(Clusters(["a", "b", "c"], ["d"]), Pairs(("a", "b")));

        AssertCounts(metrics, tp: 1, fp: 2, fn: 0);
        Assert.Equal(1.0 / 3, metrics.Precision, 12);
        Assert.Equal(1.0, metrics.Recall);
        Assert.Equal(0.5, metrics.F1, 12); // 2 * (1/3) * 1 / (4/3)
    }

    [Fact]
    public void MissingPair_RecordsLeftApart_CountAsFalseNegatives()
    {
        var metrics = PairwiseMetrics.Compute(Clusters(["a", "b"], ["c"], ["d"]), Pairs(("a", "b"), ("c", "d")));

        AssertCounts(metrics, tp: 1, fp: 0, fn: 1);
        Assert.Equal(1.0, metrics.Precision);
        Assert.Equal(0.5, metrics.Recall);
        Assert.Equal(2.0 / 3, metrics.F1, 12);
    }

    [Fact]
    public void ReverseOrder_APairListedAsBA_IsTheSamePair()
    {
        var metrics = PairwiseMetrics.Compute(Clusters(["a", "b"], ["c"]), Pairs(("b", "a")));

        AssertCounts(metrics, tp: 1, fp: 0, fn: 0);
        Assert.Equal(1.0, metrics.F1);
    }

    [Fact]
    public void Duplicates_APairListedSeveralTimesInEitherOrder_CountsOnce()
    {
        var metrics = PairwiseMetrics.Compute(Clusters(["a", "b"], ["c"], ["d"]),
            Pairs(("a", "b"), ("b", "a"), ("a", "b"), ("c", "d"), ("d", "c")));

        AssertCounts(metrics, tp: 1, fp: 0, fn: 1);
        Assert.Equal(2, metrics.TruePairs);
    }

    [Fact]
    public void Mixed_SeveralClusters_HandComputed()
    {
        // Predicted: {1,2,3,4} → 6 pairs, {5,6} → 1, {7} → 0: 7 pairs. True: 12, 13, 23, 56 found; 57 missed.
        var metrics = PairwiseMetrics.Compute(Clusters(["1", "2", "3", "4"], ["5", "6"], ["7"]),
            Pairs(("1", "2"), ("3", "1"), ("2", "3"), ("5", "7"), ("6", "5")));

        AssertCounts(metrics, tp: 4, fp: 3, fn: 1);
        Assert.Equal(4.0 / 7, metrics.Precision, 12);
        Assert.Equal(4.0 / 5, metrics.Recall, 12);
        Assert.Equal(2.0 / 3, metrics.F1, 12);
    }

    [Fact]
    public void NothingPredicted_EverySingleRecordAlone_PrecisionRecallAndF1AreZeroNotNaN()
    {
        var metrics = PairwiseMetrics.Compute(Clusters(["a"], ["b"], ["c"]), Pairs(("a", "b")));

        AssertCounts(metrics, tp: 0, fp: 0, fn: 1);
        Assert.Equal(0.0, metrics.Precision);
        Assert.Equal(0.0, metrics.Recall);
        Assert.Equal(0.0, metrics.F1);
    }

    [Fact]
    public void NoTruePairs_RecallIsZero_AndEveryPredictedPairIsFalse()
    {
        var metrics = PairwiseMetrics.Compute(Clusters(["a", "b"]), []);

        AssertCounts(metrics, tp: 0, fp: 1, fn: 0);
        Assert.Equal(0.0, metrics.Precision);
        Assert.Equal(0.0, metrics.Recall);
        Assert.Equal(0.0, metrics.F1);
    }

    [Fact]
    public void UnknownIds_APairNamingAnUnclusteredId_IsMissed_AndSelfPairsAreIgnored()
    {
        var metrics = PairwiseMetrics.Compute(Clusters(["a", "b"]), Pairs(("a", "b"), ("a", "zz"), ("a", "a")));

        AssertCounts(metrics, tp: 1, fp: 0, fn: 1);
    }

    [Fact]
    public void LargeClusters_CountedWithoutListingPairs()
    {
        // One cluster of 100,000 records predicts 4,999,950,000 pairs: counted, not listed.
        var clusterOf = Enumerable.Range(0, 100_000).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => 0);

        var metrics = PairwiseMetrics.Compute(clusterOf, Pairs(("1", "2")));

        Assert.Equal(4_999_950_000L, metrics.PredictedPairs);
        AssertCounts(metrics, tp: 1, fp: 4_999_949_999L, fn: 0);
    }

    [Fact]
    public async Task Reader_NamedColumns_TrimmedInAnyOrder_SkipsRowsWithoutTwoIds()
    {
        var csv = "rec_id_2, rec_id_1\n b , a\nd,c\n,e\n\nf,g\n";

        var (pairs, skipped) = await TruePairsReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)));

        Assert.Equal([new TruePair("a", "b"), new TruePair("c", "d"), new TruePair("g", "f")], pairs);
        Assert.Equal(1, skipped);
    }

    [Fact]
    public async Task Reader_OtherColumnNames_TakesTheFirstTwo_KeepsIdsAsText()
    {
        var csv = "left;right;score\n007;0100;0.9\n";

        var (pairs, _) = await TruePairsReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)));

        Assert.Equal([new TruePair("007", "0100")], pairs);
    }

    [Fact]
    public async Task Reader_OneColumn_IsRefused()
    {
        await Assert.ThrowsAsync<InvalidDataException>(() =>
            TruePairsReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes("rec_id\na\n"))));
    }
}
