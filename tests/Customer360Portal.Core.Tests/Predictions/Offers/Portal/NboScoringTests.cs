using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Predictions.Offers.Portal;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.Predictions.Offers.Portal;

public sealed class NboScoringTests
{
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime;
    private static readonly AuditActor Agent = new("agent-1", "Agent");
    private static readonly NboOptions Options = new();

    private static Task<TestProfileStore> HostAsync() => CoreHost.CreateAsync(b => NboSetup.AddNextBestOffer(b, runInBackground: false));

    /// <summary>
    /// 300 customers in GB with personalisation consent. Kitchen products K0–K4 and garden products G0–G4; whoever buys
    /// Ki mostly buys Gi too (the planted co-purchase pattern), plus a random extra product now and then.
    /// </summary>
    private static async Task<List<long>> SeedAsync(TestProfileStore test, int customers = 300, int seed = 5)
    {
        var random = new Random(seed);
        await using var store = await test.Stores.CreateDbContextAsync();
        var people = Enumerable.Range(0, customers).Select(_ => new Customer
        {
            Status = CustomerStatus.Active, Country = "GB", LifecycleStage = LifecycleStage.Retention, OrderCount = 3, LifetimeValueMinor = 20000,
            CreatedAt = Now, UpdatedAt = Now,
        }).ToList();
        store.Customers.AddRange(people);
        await store.SaveChangesAsync();
        foreach (var person in people)
        {
            var day = 200;
            void Buy(string sku)
            {
                var kitchen = sku[0] == 'K';
                store.PurchasedItems.Add(new PurchasedItem
                {
                    CustomerId = person.Id, Sku = sku, Name = (kitchen ? "Kitchen thing " : "Garden thing ") + sku[1], Category = kitchen ? "Kitchen" : "Garden",
                    Quantity = 1, UnitPriceMinor = kitchen ? 2000 : 3000, Currency = "GBP", PurchasedAt = Now.AddDays(-day--),
                });
            }
            var pair = random.Next(5);
            Buy($"K{pair}");
            if (random.NextDouble() < 0.8) Buy($"G{pair}");
            if (random.NextDouble() < 0.5) Buy(random.NextDouble() < 0.5 ? $"K{random.Next(5)}" : $"G{random.Next(5)}");
            store.ConsentStates.Add(new ConsentState
            {
                CustomerId = person.Id, Purpose = ConsentPurpose.Personalisation, Status = ConsentStatus.Granted, LawfulBasis = LawfulBasis.Consent, UpdatedAt = Now.AddDays(-300),
            });
        }
        await store.SaveChangesAsync();
        return people.Select(p => p.Id).ToList();
    }

    private static async Task DefineOffersAsync(TestProfileStore test)
    {
        var definitions = test.Get<OfferDefinitions>();
        OfferDraft[] drafts =
        [
            .. Enumerable.Range(0, 5).Select(i => new OfferDraft { Code = $"garden-{i}", Title = $"Garden thing {i}", Kind = OfferKind.Product, Sku = $"G{i}" }),
            .. Enumerable.Range(0, 5).Select(i => new OfferDraft { Code = $"kitchen-{i}", Title = $"Kitchen thing {i}", Kind = OfferKind.Product, Sku = $"K{i}" }),
            new OfferDraft { Code = "garden-campaign", Title = "Garden week", Kind = OfferKind.Campaign, Category = "Garden" },
            new OfferDraft { Code = "expired", Title = "Old", Kind = OfferKind.Campaign, Category = "Kitchen", ValidFrom = Now.AddDays(-60), ValidUntil = Now.AddDays(-1) },
            new OfferDraft { Code = "us-only", Title = "US", Kind = OfferKind.Campaign, Category = "Kitchen", Countries = "US" },
            new OfferDraft { Code = "by-email", Title = "Emailed", Kind = OfferKind.Campaign, Category = "Garden", RequiredConsent = ConsentPurpose.EmailMarketing },
            new OfferDraft { Code = "switched-off", Title = "Off", Kind = OfferKind.Campaign, Category = "Garden", Active = false },
        ];
        foreach (var draft in drafts) Assert.True((await definitions.SaveAsync(draft, Agent)).Saved);
    }

    private static async Task<NboJobResult> TrainAndScoreAsync(TestProfileStore test)
    {
        var result = await test.Get<NboJob>().RunNowAsync(Agent);
        Assert.True(result.Training!.Trained, result.Training.Message);
        return result;
    }

    private static async Task<List<CustomerScore>> OffersAsync(TestProfileStore test)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return await store.Scores.AsNoTracking().Where(s => s.Kind == ScoreKind.NextBestOffer).ToListAsync();
    }

    [Fact]
    public async Task ScoreAll_OffersOnlyEligibleOffers_AndNeverAProductTheCustomerOwns()
    {
        await using var test = await HostAsync();
        var ids = await SeedAsync(test);
        await DefineOffersAsync(test);

        var result = await TrainAndScoreAsync(test);

        Assert.Equal("nbo-1", result.Scoring.ModelVersion);
        Assert.Equal(ids.Count, result.Scoring.Scored);
        var scores = await OffersAsync(test);
        await using var store = await test.Stores.CreateDbContextAsync();
        var owned = (await store.PurchasedItems.AsNoTracking().Select(i => new { i.CustomerId, i.Sku }).ToListAsync())
            .ToLookup(i => i.CustomerId, i => i.Sku);
        foreach (var score in scores)
        {
            Assert.Equal("nbo-1", score.ModelVersion);
            Assert.DoesNotContain(score.Label, new[] { "expired", "us-only", "by-email", "switched-off" });
            if (score.Label!.StartsWith("garden-", StringComparison.Ordinal) && score.Label != "garden-campaign")
                Assert.DoesNotContain("G" + score.Label[^1], owned[score.CustomerId]);
            if (score.Label.StartsWith("kitchen-", StringComparison.Ordinal))
                Assert.DoesNotContain("K" + score.Label[^1], owned[score.CustomerId]);
        }
        Assert.All(scores.GroupBy(s => s.CustomerId), g => Assert.InRange(g.Count(), 1, Options.OffersPerCustomer));
        var reach = await test.Get<OfferDefinitions>().ReachAsync();
        Assert.Equal(scores.Count, reach.Values.Sum());
        Assert.False(reach.ContainsKey("expired"));
    }

    [Fact]
    public async Task ScoreAll_PlantedPattern_IsOfferedFirstWithItsReasonInPlainWords()
    {
        await using var test = await HostAsync();
        var ids = await SeedAsync(test);
        await DefineOffersAsync(test);
        // A customer who bought only K3: the garden product bought with it is the one to offer.
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            await store.PurchasedItems.Where(i => i.CustomerId == ids[0]).ExecuteDeleteAsync();
            store.PurchasedItems.Add(new PurchasedItem { CustomerId = ids[0], Sku = "K3", Name = "Kitchen thing 3", Category = "Kitchen", Quantity = 1, UnitPriceMinor = 2000, PurchasedAt = Now.AddDays(-10) });
            await store.SaveChangesAsync();
        }

        await TrainAndScoreAsync(test);

        var view = await test.Get<CustomerOffers>().LoadAsync(ids[0]);
        var best = view.Offers[0];
        Assert.True(best.Code is "garden-3" or "garden-campaign", best.Code);
        Assert.Equal("bought Kitchen thing 3; customers who buy Kitchen thing 3 often buy Garden thing 3", best.Reasons[0]);
        Assert.Equal("nbo-1", best.ModelVersion);
    }

    [Fact]
    public async Task ScoreAll_RestrictedOrWithoutPersonalisation_NeverScored_AndOldOffersRemoved()
    {
        await using var test = await HostAsync();
        var ids = await SeedAsync(test);
        await DefineOffersAsync(test);
        await TrainAndScoreAsync(test);
        var (restricted, withdrawn) = (ids[1], ids[2]);
        Assert.Contains(await OffersAsync(test), s => s.CustomerId == restricted);
        Assert.Contains(await OffersAsync(test), s => s.CustomerId == withdrawn);
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            await store.Customers.Where(c => c.Id == restricted).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CustomerStatus.Restricted));
            await store.ConsentStates.Where(c => c.CustomerId == withdrawn).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ConsentStatus.Withdrawn));
        }

        var result = await test.Get<NboScoring>().ScoreAllAsync();

        var scores = await OffersAsync(test);
        Assert.DoesNotContain(scores, s => s.CustomerId == restricted || s.CustomerId == withdrawn);
        Assert.Equal(1, result.SkippedByReason[Customer360Portal.Core.Consent.ConsentCheck.Reasons.Withdrawn]);
        Assert.Equal(ids.Count - 2, result.Scored);
    }

    [Fact]
    public async Task ScoreAll_RequiredConsent_OnlyPeopleWhoGaveItGetTheOffer()
    {
        await using var test = await HostAsync();
        var ids = await SeedAsync(test);
        await DefineOffersAsync(test);
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            // Only "by-email" and its campaign twin remain active, so whoever may get it gets it.
            await store.Offers.Where(o => o.Code != "by-email").ExecuteUpdateAsync(s => s.SetProperty(o => o.Active, false));
            store.ConsentStates.Add(new ConsentState { CustomerId = ids[3], Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Granted, LawfulBasis = LawfulBasis.Consent, UpdatedAt = Now });
            await store.SaveChangesAsync();
        }

        await TrainAndScoreAsync(test);

        var scores = await OffersAsync(test);
        Assert.All(scores, s => Assert.Equal(ids[3], s.CustomerId));
    }

    [Fact]
    public async Task Record_Declined_IsAuditedNotReofferedAndFeedsTheNextTraining()
    {
        await using var test = await HostAsync();
        var ids = await SeedAsync(test);
        await DefineOffersAsync(test);
        await TrainAndScoreAsync(test);
        var customer = ids[4];
        var offers = test.Get<CustomerOffers>();
        var declined = (await offers.LoadAsync(customer)).Offers[0];

        Assert.True(await offers.RecordAsync(customer, declined.Code, OfferOutcome.Declined, Agent));

        var view = await offers.LoadAsync(customer);
        Assert.DoesNotContain(view.Offers, o => o.Code == declined.Code);
        var answer = Assert.Single(view.History);
        Assert.Equal((declined.Code, OfferOutcome.Declined, "nbo-1"), (answer.Code, answer.Outcome, answer.ModelVersion));
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            Assert.Equal(1, await store.AuditLog.CountAsync(a => a.Action == CustomerOffers.DeclinedAction && a.TargetId == customer.ToString() && a.UserId == "agent-1"));
            Assert.NotNull((await store.OfferFeedback.SingleAsync()).Item);
        }

        var again = await TrainAndScoreAsync(test);

        Assert.Equal("nbo-2", again.Training!.Version);
        Assert.Equal(1, again.Training.Metrics!.FeedbackPairs);
        Assert.Equal(0, again.Training.Metrics.FeedbackAccepted);
        Assert.DoesNotContain((await offers.LoadAsync(customer)).Offers, o => o.Code == declined.Code);
    }

    [Fact]
    public async Task Record_Accepted_CountsAsAPositiveAndIsNeverOfferedAgain()
    {
        await using var test = await HostAsync();
        var ids = await SeedAsync(test);
        await DefineOffersAsync(test);
        await TrainAndScoreAsync(test);
        var offers = test.Get<CustomerOffers>();
        var accepted = (await offers.LoadAsync(ids[5])).Offers[0];

        Assert.True(await offers.RecordAsync(ids[5], accepted.Code, OfferOutcome.Accepted, Agent));
        Assert.False(await offers.RecordAsync(ids[5], accepted.Code, OfferOutcome.Accepted, Agent)); // no longer proposed: nothing recorded twice
        var again = await TrainAndScoreAsync(test);

        Assert.Equal(1, again.Training!.Metrics!.FeedbackAccepted);
        Assert.DoesNotContain((await offers.LoadAsync(ids[5])).Offers, o => o.Code == accepted.Code);
    }

    [Fact]
    public async Task Train_TooFewCustomers_SaysSoAndScoresNothing()
    {
        await using var test = await HostAsync();
        await SeedAsync(test, customers: 20);
        await DefineOffersAsync(test);

        var result = await test.Get<NboJob>().RunNowAsync(Agent);

        Assert.False(result.Training!.Trained);
        Assert.Contains("Not enough data", result.Training.Message);
        Assert.Null(result.Scoring.ModelVersion);
        Assert.Empty(await OffersAsync(test));
    }

    [Fact]
    public async Task Deactivate_RemovesTheOffersScoresAtOnce()
    {
        await using var test = await HostAsync();
        await SeedAsync(test);
        await DefineOffersAsync(test);
        await TrainAndScoreAsync(test);
        var code = (await OffersAsync(test)).GroupBy(s => s.Label!).OrderByDescending(g => g.Count()).First().Key;
        var offer = (await test.Get<OfferDefinitions>().ListAsync()).Single(o => o.Code == code);

        Assert.True(await test.Get<OfferDefinitions>().SetActiveAsync(offer.Id, false, Agent));

        Assert.DoesNotContain(await OffersAsync(test), s => s.Label == code);
    }

    [Fact]
    public async Task ScoreAll_Rescoring_StoresExactlyTheRowsAFreshPassStores()
    {
        await using var test = await HostAsync();
        var ids = await SeedAsync(test);
        await DefineOffersAsync(test);
        await TrainAndScoreAsync(test);
        var scoring = test.Get<NboScoring>();
        scoring.RankChunk = 40;
        Assert.Contains((await OffersAsync(test)).GroupBy(s => s.CustomerId), g => g.Count() == Options.OffersPerCustomer);
        // Fewer offers (their scores kept): everyone goes from 3 to at most 2; one customer accepted both and has none left.
        string[] kept = ["garden-campaign", "kitchen-0"];
        var none = ids[7];
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            await store.Offers.Where(o => !kept.Contains(o.Code)).ExecuteUpdateAsync(s => s.SetProperty(o => o.Active, false));
            store.OfferFeedback.AddRange(kept.Select(code => new OfferFeedback { CustomerId = none, OfferCode = code, Outcome = OfferOutcome.Accepted, RecordedAt = Now.AddDays(-1) }));
            await store.SaveChangesAsync();
        }

        var fewer = await RescoredAndFreshAsync(test, scoring);

        Assert.All(fewer.GroupBy(s => s.CustomerId), g => Assert.InRange(g.Count(), 1, 2));
        Assert.DoesNotContain(fewer, s => s.CustomerId == none);

        // All offers back: from at most 2 to 3 again.
        await using (var store = await test.Stores.CreateDbContextAsync())
            await store.Offers.Where(o => o.Code != "switched-off").ExecuteUpdateAsync(s => s.SetProperty(o => o.Active, true));

        var more = await RescoredAndFreshAsync(test, scoring);

        Assert.Contains(more.GroupBy(s => s.CustomerId), g => g.Count() == Options.OffersPerCustomer);
    }

    /// <summary>Scores again over the stored offers, then from none (a pass of inserts only), and checks both stored the same rows.</summary>
    private static async Task<List<(long CustomerId, string? Label, double Value, string? Reasons, string Version, long? Origin, DateTime ScoredAt)>> RescoredAndFreshAsync(
        TestProfileStore test, NboScoring scoring)
    {
        static List<(long, string?, double, string?, string, long?, DateTime)> Seen(List<CustomerScore> scores) =>
            [.. scores.Select(s => (s.CustomerId, s.Label, s.Value, s.ReasonsJson, s.ModelVersion, s.OriginCustomerId, s.ScoredAt)).Order()];
        var rescored = await scoring.ScoreAllAsync();
        var replaced = Seen(await OffersAsync(test));
        await using (var store = await test.Stores.CreateDbContextAsync())
            await store.Scores.Where(s => s.Kind == ScoreKind.NextBestOffer).ExecuteDeleteAsync();
        var fresh = await scoring.ScoreAllAsync();

        Assert.Equal(Seen(await OffersAsync(test)), replaced);
        Assert.Equal(fresh.Scored, rescored.Scored);
        return replaced;
    }
}
