using Customer360Portal.Core.Predictions.Offers;

namespace Customer360Portal.Core.Tests.Predictions.Offers;

public class CoPurchaseStatsTests
{
    private static CoPurchaseStats Small() => CoPurchaseStats.Build(
    [
        ["milk", "bread", "milk"],
        ["milk", "bread"],
        ["milk", "eggs"],
        ["beer"],
    ]);

    [Fact]
    public void Build_CountsEachItemOncePerCustomer()
    {
        var stats = Small();

        Assert.Equal(4, stats.Customers);
        Assert.Equal(3, stats.CountOf("milk"));
        Assert.Equal(2, stats.PairCount("milk", "bread"));
        Assert.Equal(2, stats.PairCount("bread", "milk"));
        Assert.Equal(0, stats.PairCount("beer", "milk"));
        Assert.Equal(["milk", "bread", "beer", "eggs"], stats.ByPopularity);
    }

    [Fact]
    public void ConfidenceAndLift_FollowTheirDefinitions()
    {
        var stats = Small();

        Assert.Equal(1.0, stats.Confidence("bread", "milk"), 6);        // both bread buyers bought milk
        Assert.Equal(2.0 / 3, stats.Confidence("milk", "bread"), 6);
        Assert.Equal(1.0 / 0.75, stats.Lift("bread", "milk"), 6);        // P(milk) = 3/4
        Assert.Equal(0, stats.Lift("unknown", "milk"));
    }

    [Fact]
    public void Split_HeldOutItemsNeverReachTheStatistics()
    {
        // Every customer's last item is their own: if a held-out item leaked, the statistics would know it.
        var histories = OfferData.StarterCompanion(600).Select((h, i) => h with { Items = [.. h.Items, $"own-{i}"] }).ToList();
        var options = new NboEvaluationOptions { HoldOut = HoldOutRule.Last };

        var split = NboEvaluation.Split(histories, options);
        var model = OfferModel.Train(split.Training, HoldOutRule.Random, options.Model);

        Assert.NotEmpty(split.Tests);
        Assert.All(split.Tests, t => Assert.StartsWith("own-", t.HeldOut));
        Assert.All(split.Tests, t => Assert.False(model.Stats.Contains(t.HeldOut)));
        Assert.All(split.Tests, t => Assert.DoesNotContain(t.HeldOut, t.Owned));
        Assert.Equal(split.Training.Count, model.Stats.Customers);
    }

    [Fact]
    public void Split_IsTheSameForTheSameSeed()
    {
        var histories = OfferData.StarterCompanion(300);
        var first = NboEvaluation.Split(histories, new NboEvaluationOptions());
        var second = NboEvaluation.Split(histories, new NboEvaluationOptions());

        Assert.Equal(first.Training.Select(h => h.CustomerId), second.Training.Select(h => h.CustomerId));
        Assert.Equal(first.Tests.Select(t => t.HeldOut), second.Tests.Select(t => t.HeldOut));
    }

    [Theory]
    [InlineData(100)] // counted in one array
    [InlineData(5000)] // a catalogue too large for it: counted in dictionaries
    public void Build_SmallOrLargeCatalogue_CountsEveryPairOncePerCustomer(int catalogueSize)
    {
        var random = new Random(catalogueSize);
        // Repeats within a history count once; some items are bought by nobody else.
        var histories = Enumerable.Range(0, 800).Select(_ => Enumerable.Range(0, 2 + random.Next(12))
            .Select(_ => $"i{(random.Next(2) == 0 ? random.Next(30) : random.Next(catalogueSize))}").ToList()).ToList();
        var items = histories.SelectMany(h => h).Distinct().ToList();

        var stats = CoPurchaseStats.Build(histories);

        Assert.Equal(histories.Count, stats.Customers);
        Assert.Equal(items.Count, stats.ItemCount);
        Assert.True(catalogueSize < 2048 || stats.ItemCount > 2048, $"{stats.ItemCount} items: the dictionary counting is in play");
        foreach (var a in items.Take(60))
        {
            Assert.Equal(histories.Count(h => h.Contains(a)), stats.CountOf(a));
            foreach (var b in items.Take(200))
                Assert.Equal(a == b ? 0 : histories.Count(h => h.Contains(a) && h.Contains(b)), stats.PairCount(a, b));
            Assert.Equal(items.Where(b => b != a && histories.Any(h => h.Contains(a) && h.Contains(b))).Order(StringComparer.Ordinal),
                stats.CoBought(a).Select(p => p.Item).Order(StringComparer.Ordinal));
        }
    }
}
