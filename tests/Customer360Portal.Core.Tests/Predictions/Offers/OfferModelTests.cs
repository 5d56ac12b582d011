using Customer360Portal.Core.Predictions.Offers;

namespace Customer360Portal.Core.Tests.Predictions.Offers;

public class OfferModelTests
{
    private static readonly Lazy<OfferModel> Model = new(() => OfferModel.Train(OfferData.StarterCompanion(1500), HoldOutRule.Last));

    [Fact]
    public void Recommend_NeverOffersOwnedItems()
    {
        var model = Model.Value;
        var owned = new[] { "P0", "P1", "P2", "A3", "B3", "A4" };

        var offers = model.Recommend(owned, k: 10);

        Assert.Equal(10, offers.Count);
        Assert.Empty(offers.Select(o => o.Item).Intersect(owned));
        Assert.Equal(offers.Count, offers.Select(o => o.Item).Distinct().Count());
        var set = owned.ToHashSet();
        Assert.Empty(OfferBaselines.Popularity(model.Stats, set, 10).Intersect(owned));
        Assert.Empty(OfferBaselines.CoPurchase(model.Stats, set, 10).Intersect(owned));
    }

    [Fact]
    public void Recommend_StrongPattern_OffersTheCompanionFirstWithItsReason()
    {
        var offers = Model.Value.Recommend(["P0", "A7"], k: 5);

        Assert.Equal("B7", offers[0].Item);
        Assert.Equal("A7", offers[0].Reason.BecauseOf);
        Assert.StartsWith("bought A7; customers who buy A7 often buy B7 (lift ", offers[0].Reason.Text);
    }

    [Fact]
    public void Reasons_NameAnOwnedItemReallyBoughtWithTheOffer()
    {
        var model = Model.Value;
        var owned = new[] { "P1", "P3", "A2" };

        var offers = model.Recommend(owned, k: 8);

        Assert.Contains(offers, o => o.Reason.BecauseOf is not null);
        foreach (var offer in offers)
        {
            if (offer.Reason.BecauseOf is { } because)
            {
                Assert.Contains(because, owned);
                Assert.True(model.Stats.PairCount(because, offer.Item) >= 2);
                Assert.True(model.Stats.Lift(because, offer.Item) > 1);
            }
            else
                Assert.Equal(OfferReason.PopularText, offer.Reason.Text);
        }
    }

    [Fact]
    public void Reason_WithoutACoPurchaseLink_IsPopularity()
    {
        var stats = CoPurchaseStats.Build([["x", "y"], ["z"], ["z"]]);

        Assert.Equal(OfferReason.PopularText, OfferReason.For(stats, ["x"], "z").Text);
    }

    [Fact]
    public void StrongestLink_ManyShoppers_HighestLiftThenFirstNameInOrdinalOrder()
    {
        // Few customers, so equal lifts (ties) are common.
        var histories = OfferData.StarterCompanion(120, seed: 4);
        var stats = CoPurchaseStats.Build(histories.Select(h => h.Items));
        var items = histories.SelectMany(h => h.Items).Distinct().ToList();
        var random = new Random(4);
        var ties = 0;
        for (var c = 0; c < 400; c++)
        {
            var owned = items.Where(_ => random.NextDouble() < 0.3).ToHashSet(StringComparer.Ordinal);
            var item = items[random.Next(items.Count)];
            // The definition: owned items in ordinal order, the first with a strictly higher lift wins.
            string? expected = null;
            double expectedLift = 1;
            foreach (var have in owned.Order(StringComparer.Ordinal))
                if (have != item && stats.PairCount(have, item) >= 2 && stats.Lift(have, item) > expectedLift)
                    (expected, expectedLift) = (have, stats.Lift(have, item));
            if (owned.Count(h => h != item && stats.PairCount(h, item) >= 2 && stats.Lift(h, item) == expectedLift) > 1) ties++;

            var (actual, lift) = OfferReason.StrongestLink(stats, owned, item);

            Assert.Equal(expected, actual);
            Assert.Equal(expectedLift, lift);
        }
        Assert.True(ties > 0, "ties between equal lifts were in play");
    }

    [Fact]
    public void Evaluate_StrongPattern_ModelAndCoPurchaseHitMuchMoreThanPopularity()
    {
        var result = NboEvaluation.Run(OfferData.StarterCompanion(2000), new NboEvaluationOptions { K = 5, HoldOut = HoldOutRule.Last });

        Assert.True(result.Evaluated > 300, $"evaluated {result.Evaluated}");
        Assert.True(result.HitAtK > 0.85, $"model {result.HitAtK}");
        Assert.True(result.BaselineCoPurchase > 0.85, $"co-purchase {result.BaselineCoPurchase}");
        Assert.True(result.BaselinePopularity < 0.3, $"popularity {result.BaselinePopularity}");
    }
}

public class OfferModelFeedbackTests
{
    [Fact]
    public void Train_WithDeclines_RanksTheDeclinedCompanionLowerThanWithout()
    {
        var histories = OfferData.StarterCompanion(1500);
        // Everyone who bought A7 was offered B7 and said no.
        var declines = histories.Where(h => h.Items.Contains("A7")).Select(h => new FeedbackExample(h.CustomerId, "B7", Accepted: false)).ToList();
        var without = OfferModel.Train(histories, HoldOutRule.Last);
        var with = OfferModel.Train(histories, HoldOutRule.Last, context: new OfferContext { Feedback = declines });

        var shopper = OfferContext.None.ShopperOf(null, new HashSet<string> { "P0", "A7" });
        var before = without.ScorePairs([(shopper, "B7"), (shopper, "B3")]);
        var after = with.ScorePairs([(shopper, "B7"), (shopper, "B3")]);

        Assert.Equal(declines.Count, with.FeedbackPairs);
        Assert.True(after[0] < before[0], $"B7 scored {after[0]} with the declines, {before[0]} without");
        Assert.True(before[0] > before[1], "without feedback the companion of A7 leads");
    }

    [Fact]
    public void SaveAndLoad_ScoresTheSame()
    {
        var histories = OfferData.StarterCompanion(600);
        var model = OfferModel.Train(histories, HoldOutRule.Last);
        var loaded = OfferModel.Load(model.Save(), model.Stats);
        var shopper = OfferContext.None.ShopperOf(null, new HashSet<string> { "P1", "A2" });

        Assert.Equal(model.ScorePairs([(shopper, "B2"), (shopper, "P3")]), loaded.ScorePairs([(shopper, "B2"), (shopper, "P3")]));
    }
}

public class OfferModelPairFeaturesTests
{
    [Fact]
    public void PairFeatures_ByItemIndex_AreExactlyThePlainStringKeyedFeatures()
    {
        var histories = OfferData.StarterCompanion(1500, seed: 3);
        var items = histories.SelectMany(h => h.Items).Distinct().Order(StringComparer.Ordinal).ToList();
        var random = new Random(9);
        var context = new OfferContext
        {
            Items = items.ToDictionary(i => i, i => new ItemInfo(i[..1], i[0] == 'P' ? 0 : 100 + random.Next(900)), StringComparer.Ordinal),
            Engagement = histories.Where((_, n) => n % 3 == 0).ToDictionary(h => h.CustomerId, _ => random.Next(20), StringComparer.Ordinal),
        };
        var model = OfferModel.Train(histories, HoldOutRule.Last, new OfferModelOptions { Iterations = 5 }, context: context);
        var pairs = new List<(Shopper, string)>();
        for (var c = 0; c < 300; c++)
        {
            // Owned: a few known items, now and then one the statistics never saw; candidates: everything else, and unknowns.
            var owned = items.Where(_ => random.NextDouble() < 0.2).Append(c % 7 == 0 ? "never-seen" : items[c % items.Count]).ToHashSet(StringComparer.Ordinal);
            var shopper = context.ShopperOf(histories[c].CustomerId, owned);
            foreach (var item in items.Append("unknown").Where(i => !owned.Contains(i))) pairs.Add((shopper, item));
        }

        var plain = model.PairFeaturesPlain(pairs);
        var fast = model.PairFeatures(pairs);

        Assert.Equal(plain.Count, fast.Count);
        for (var p = 0; p < plain.Count; p++) Assert.Equal(plain[p], fast[p]);
        Assert.Contains(fast, f => f[2] > 0 && f[4] > 0); // co-purchase features were really in play
    }

    [Fact]
    public void PairScorer_FromTheTrees_GivesExactlyMlNetsScores()
    {
        var histories = OfferData.StarterCompanion(1500, seed: 5);
        var items = histories.SelectMany(h => h.Items).Distinct().Order(StringComparer.Ordinal).ToList();
        var random = new Random(11);
        var context = new OfferContext
        {
            Items = items.ToDictionary(i => i, i => new ItemInfo(i[..1], i[0] == 'P' ? 0 : 100 + random.Next(900)), StringComparer.Ordinal),
            Engagement = histories.Where((_, n) => n % 2 == 0).ToDictionary(h => h.CustomerId, _ => random.Next(30), StringComparer.Ordinal),
        };
        var trained = OfferModel.Train(histories, HoldOutRule.Last, context: context);
        // Scoring happens with a model loaded from the store.
        var model = OfferModel.Load(trained.Save(), trained.Stats, context);
        var pairs = new List<(Shopper Shopper, string Item)>();
        for (var c = 0; c < 400; c++)
        {
            var owned = items.Where(_ => random.NextDouble() < 0.15).Append(c % 9 == 0 ? "never-seen" : items[c % items.Count]).ToHashSet(StringComparer.Ordinal);
            var shopper = context.ShopperOf(histories[c].CustomerId, owned);
            foreach (var item in items.Append("unknown").Where(i => !owned.Contains(i))) pairs.Add((shopper, item));
        }

        var expected = model.ScorePairs(pairs);
        var scorer = model.CreatePairScorer();
        var actual = new float[pairs.Count];
        foreach (var customer in pairs.Select((pair, at) => (pair, at)).GroupBy(p => p.pair.Shopper))
        {
            scorer.Reset(customer.Key);
            var first = customer.First().at;
            scorer.Score(customer.Select(p => p.pair.Item).ToList(), actual.AsSpan(first, customer.Count()));
        }

        Assert.Equal(expected, actual);
        Assert.True(expected.Distinct().Count() > pairs.Count / 10, "the model gives varied scores, so equality means something");
    }
}

