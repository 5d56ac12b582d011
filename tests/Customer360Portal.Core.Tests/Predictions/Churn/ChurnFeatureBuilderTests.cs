using Customer360Portal.Core.Predictions.Churn;
using static Customer360Portal.Core.Predictions.Churn.ChurnFeatureBuilder;

namespace Customer360Portal.Core.Tests.Predictions.Churn;

public sealed class ChurnFeatureBuilderTests
{
    private static readonly DateTime Cutoff = new(2025, 7, 1);

    private static PurchaseEvent Buy(string customer, int daysBeforeCutoff, decimal amount = 10m) =>
        new(customer, Cutoff.AddDays(-daysBeforeCutoff), amount);

    private static float Feature(ChurnFeatureRow row, string name) => row.Features[FeatureNames.ToList().IndexOf(name)];

    [Fact]
    public void Build_PurchaseAfterCutoff_NeverChangesFeatures()
    {
        List<PurchaseEvent> history = [Buy("a", 200, 30m), Buy("a", 140, 20m), Buy("a", 20, 5m), Buy("b", 50)];
        var before = Build(history, Cutoff, ChurnDefinition.ByInactivity(90));
        var after = Build([.. history, new PurchaseEvent("a", Cutoff, 999m), new PurchaseEvent("a", Cutoff.AddDays(400), 1m),
            new PurchaseEvent("c", Cutoff.AddDays(3), 7m)], Cutoff, ChurnDefinition.ByInactivity(90));

        Assert.Equal(before.Select(r => r.CustomerId), after.Select(r => r.CustomerId));
        for (var i = 0; i < before.Count; i++) Assert.Equal(before[i].Features, after[i].Features);
    }

    [Fact]
    public void Build_Inactivity_LabelsCustomersWithoutPurchaseInHorizonAsChurned()
    {
        var rows = Build([Buy("stays", 10), new PurchaseEvent("stays", Cutoff.AddDays(89), 5m), Buy("leaves", 10),
            new PurchaseEvent("leaves", Cutoff.AddDays(91), 5m), Buy("gone", 300)], Cutoff, ChurnDefinition.ByInactivity(90));

        Assert.Equal(["gone", "leaves", "stays"], rows.Select(r => r.CustomerId));
        Assert.Equal([true, true, false], rows.Select(r => r.Churned));
    }

    [Fact]
    public void Build_Cancellation_LabelsOnlyCancelledCustomers()
    {
        var rows = Build([Buy("a", 10), Buy("b", 300)], Cutoff,
            ChurnDefinition.ByCancellation([new CancellationEvent("a", Cutoff.AddDays(5))], 30));

        Assert.Equal([true, false], rows.Select(r => r.Churned));
    }

    [Fact]
    public void Features_RecencyFrequencyMonetaryAndGaps()
    {
        var row = Build([Buy("a", 150, 40m), Buy("a", 120, 20m), Buy("a", 90, 30m), Buy("a", 10, 10m)], Cutoff, ChurnDefinition.ByInactivity(90)).Single();

        Assert.Equal(10, Feature(row, DaysSinceLastPurchase));
        Assert.Equal(4, Feature(row, TotalPurchases));
        Assert.Equal(2, Feature(row, PurchasesLast90Days)); // 90 and 10 days before
        Assert.Equal(2, Feature(row, PurchasesPrevious90Days));
        Assert.Equal(100, Feature(row, TotalSpend));
        Assert.Equal(25, Feature(row, AverageSpend));
        Assert.Equal(40 - 60, Feature(row, SpendTrend));
        Assert.Equal(150, Feature(row, TenureDays));
        Assert.Equal(140f / 3, Feature(row, MeanGapDays), 3);
        Assert.Equal(10 / (140f / 3), Feature(row, RecencyToMeanGap), 3);
    }

    [Fact]
    public void Features_OneTimeBuyer_GapsAreMissing()
    {
        var row = Build([Buy("a", 30)], Cutoff, ChurnDefinition.ByInactivity(90)).Single();

        Assert.True(float.IsNaN(Feature(row, MeanGapDays)));
        Assert.True(float.IsNaN(Feature(row, RecencyToMeanGap)));
    }
}
