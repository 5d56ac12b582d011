using Customer360Portal.Core.Predictions.Churn;

namespace Customer360Portal.Core.Tests.Predictions.Churn;

public sealed class ChurnEvaluationCurveTests
{
    // Ten customers: the four churners have the four highest probabilities.
    private static readonly bool[] Labels = [true, true, true, true, false, false, false, false, false, false];
    private static readonly float[] Perfect = [0.95f, 0.9f, 0.85f, 0.8f, 0.4f, 0.3f, 0.2f, 0.15f, 0.1f, 0.05f];

    [Fact]
    public void RocCurve_PerfectRanking_ReachesFullRecallBeforeAnyFalsePositive()
    {
        var roc = ChurnEvaluation.RocCurve(Labels, Perfect);

        Assert.Equal((0.0, 0.0), (roc[0].FalsePositiveRate, roc[0].TruePositiveRate));
        Assert.Equal((1.0, 1.0), (roc[^1].FalsePositiveRate, roc[^1].TruePositiveRate));
        Assert.Contains(roc, p => p.FalsePositiveRate == 0 && p.TruePositiveRate == 1);
        Assert.Equal(roc.OrderBy(p => p.FalsePositiveRate).ThenBy(p => p.TruePositiveRate), roc);
    }

    [Fact]
    public void RocCurve_ManyThresholds_ThinnedToTheLimit_KeepingBothEnds()
    {
        var random = new Random(4);
        var labels = Enumerable.Range(0, 1000).Select(_ => random.NextDouble() < 0.3).ToArray();
        var probabilities = Enumerable.Range(0, 1000).Select(_ => (float)random.NextDouble()).ToArray();

        var roc = ChurnEvaluation.RocCurve(labels, probabilities, maxPoints: 50);

        Assert.Equal(50, roc.Count);
        Assert.Equal(0, roc[0].TruePositiveRate);
        Assert.Equal(1, roc[^1].TruePositiveRate);
    }

    [Fact]
    public void LiftByDecile_RiskiestDecilesHoldTheChurners()
    {
        var lift = ChurnEvaluation.LiftByDecile(Labels, Perfect);

        Assert.Equal(10, lift.Count);
        Assert.Equal(1.0, lift[0].ChurnRate);
        Assert.Equal(2.5, lift[0].Lift); // 100% against a 40% base rate
        Assert.Equal(1.0, lift[3].CumulativeCapture);
        Assert.Equal(0.0, lift[9].ChurnRate);
    }

    [Fact]
    public void Reliability_BinsCompareMeanPredictionWithObservedRate()
    {
        var bins = ChurnEvaluation.Reliability([true, false, true, true], [0.12f, 0.18f, 0.91f, 0.95f]);

        Assert.Equal(2, bins.Count);
        Assert.Equal((0.1, 0.2, 2, 0.15, 0.5), (bins[0].From, bins[0].To, bins[0].Count, bins[0].MeanPredicted, bins[0].Observed));
        Assert.Equal((0.93, 1.0), (bins[1].MeanPredicted, bins[1].Observed));
    }

    [Fact]
    public void ChurnWords_ProfileAndTraitColumns_ReadNaturally()
    {
        static float Other(string name) => name switch
        {
            ChurnFeatureLayout.WebVisitsLast90Days => 2,
            ChurnFeatureLayout.WebVisitsPrevious90Days => 14,
            _ => float.NaN,
        };
        Assert.Equal("2 unresolved support tickets raises the risk", ChurnWords.Describe(ChurnFeatureLayout.TicketsUnresolved, 2, Other, raises: true));
        Assert.Equal("2 web visits in the last 90 days against 14 in the 90 days before raises the risk",
            ChurnWords.Describe(ChurnFeatureLayout.WebTrend, -12, Other, raises: true));
        Assert.Equal("never opened an email raises the risk", ChurnWords.Describe(ChurnFeatureLayout.DaysSinceEmailEngagement, float.NaN, Other, raises: true));
        Assert.Equal("plan is gold lowers the risk", ChurnWords.Describe("trait:plan=gold", 1, Other, raises: false));
        Assert.Equal("points is 120 lowers the risk", ChurnWords.Describe("trait:points", 120, Other, raises: false));
    }
}
