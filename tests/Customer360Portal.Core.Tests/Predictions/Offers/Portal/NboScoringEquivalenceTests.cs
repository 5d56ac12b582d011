using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Predictions.Offers;
using Customer360Portal.Core.Predictions.Offers.Portal;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.Predictions.Offers.Portal;

/// <summary>
/// Whole-store scoring (reads once, offer rules parsed once, chunks ranked in parallel, one writer) against the plain
/// per-customer algorithm it replaced, written out below as the reference: the same customers get the same offers,
/// values and reasons, with every rule in play (countries, stages, orders, value, extra consent, validity, answers).
/// </summary>
public sealed class NboScoringEquivalenceTests
{
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime;
    private static readonly AuditActor Agent = new("agent-1", "Agent");
    private static readonly string[] Countries = ["GB", "GB", "DE", "US"];
    private static readonly LifecycleStage[] Stages = [LifecycleStage.Retention, LifecycleStage.AtRisk, LifecycleStage.Lapsed, LifecycleStage.Purchase];

    private static Task<TestProfileStore> HostAsync() => CoreHost.CreateAsync(b => NboSetup.AddNextBestOffer(b, runInBackground: false));

    /// <summary>400 customers over four categories of six products, with varied facts, consents and answers.</summary>
    private static async Task<List<long>> SeedAsync(TestProfileStore test)
    {
        var random = new Random(11);
        string[] categories = ["Kitchen", "Garden", "Bath", "Tools"];
        await using var store = await test.Stores.CreateDbContextAsync();
        var people = Enumerable.Range(0, 400).Select(i => new Customer
        {
            Status = i % 97 == 5 ? CustomerStatus.Restricted : CustomerStatus.Active, Country = i % 50 == 0 ? null : Countries[i % Countries.Length],
            LifecycleStage = Stages[(i / 4) % Stages.Length], OrderCount = i % 7, LifetimeValueMinor = 1000L * (i % 40), CreatedAt = Now, UpdatedAt = Now,
        }).ToList();
        store.Customers.AddRange(people);
        await store.SaveChangesAsync();
        for (var i = 0; i < people.Count; i++)
        {
            var person = people[i];
            var taste = random.Next(categories.Length);
            var day = 300;
            var lines = 1 + random.Next(5);
            for (var l = 0; l < lines; l++)
            {
                var category = random.NextDouble() < 0.7 ? taste : random.Next(categories.Length);
                var product = Math.Min(5, (int)(6 * Math.Pow(random.NextDouble(), 2)));
                store.PurchasedItems.Add(new PurchasedItem
                {
                    CustomerId = person.Id, Sku = $"{categories[category][0]}{product}", Name = $"{categories[category]} thing {product}", Category = categories[category],
                    Quantity = 1, UnitPriceMinor = 1000 + 500 * product + 300 * category, Currency = "GBP", PurchasedAt = Now.AddDays(-day--),
                });
            }
            if (i % 13 != 0)
                store.ConsentStates.Add(new ConsentState
                {
                    CustomerId = person.Id, Purpose = ConsentPurpose.Personalisation, Status = i % 31 == 0 ? ConsentStatus.Withdrawn : ConsentStatus.Granted,
                    LawfulBasis = LawfulBasis.Consent, UpdatedAt = Now.AddDays(-300),
                });
            if (i % 3 == 0)
                store.ConsentStates.Add(new ConsentState
                {
                    CustomerId = person.Id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Granted, LawfulBasis = LawfulBasis.Consent,
                    UpdatedAt = Now.AddDays(-30), ExpiresAt = i % 9 == 0 ? Now.AddDays(-1) : null,
                });
            if (i % 11 == 1)
                store.OfferFeedback.Add(new OfferFeedback
                {
                    CustomerId = person.Id, OfferCode = (i % 4) switch { 0 => "kitchen-k0", 1 => "garden-week", 2 => "bath-b1", _ => "tools-loyal" },
                    Outcome = i % 2 == 0 ? OfferOutcome.Accepted : OfferOutcome.Declined, RecordedAt = Now.AddDays(i % 5 == 0 ? -200 : -10),
                });
        }
        await store.SaveChangesAsync();
        return people.Select(p => p.Id).ToList();
    }

    private static async Task DefineOffersAsync(TestProfileStore test)
    {
        OfferDraft[] drafts =
        [
            new() { Code = "kitchen-k0", Title = "K0", Kind = OfferKind.Product, Sku = "K0" },
            new() { Code = "bath-b1", Title = "B1", Kind = OfferKind.Product, Sku = "B1", Countries = "GB,DE" },
            new() { Code = "tools-loyal", Title = "T2", Kind = OfferKind.Product, Sku = "T2", MinimumOrders = 3 },
            new() { Code = "garden-g3-email", Title = "G3", Kind = OfferKind.Product, Sku = "G3", RequiredConsent = ConsentPurpose.EmailMarketing },
            new() { Code = "garden-week", Title = "Garden", Kind = OfferKind.Campaign, Category = "Garden" },
            new() { Code = "kitchen-retention", Title = "Kitchen", Kind = OfferKind.Campaign, Category = "Kitchen", Stages = [LifecycleStage.Retention, LifecycleStage.AtRisk] },
            new() { Code = "tools-premium", Title = "Tools", Kind = OfferKind.Campaign, Category = "Tools", MinimumLifetimeValue = 150, RequiredConsent = ConsentPurpose.EmailMarketing },
            new() { Code = "bath-expired", Title = "Bath", Kind = OfferKind.Campaign, Category = "Bath", ValidFrom = Now.AddDays(-60), ValidUntil = Now.AddDays(-1) },
            new() { Code = "no-such-category", Title = "None", Kind = OfferKind.Campaign, Category = "Toys" },
        ];
        foreach (var draft in drafts) Assert.True((await test.Get<OfferDefinitions>().SaveAsync(draft, Agent)).Saved);
    }

    [Fact]
    public async Task ScoreAll_SmallParallelChunks_StoresTheRowsOfThePlainPerCustomerAlgorithm()
    {
        await using var test = await HostAsync();
        var ids = await SeedAsync(test);
        await DefineOffersAsync(test);
        var job = await test.Get<NboJob>().RunNowAsync(Agent);
        Assert.True(job.Training!.Trained, job.Training.Message);
        // Someone who no longer may be profiled still holds offers from the pass before: they go.
        await using (var store = await test.Stores.CreateDbContextAsync())
            await store.ConsentStates.Where(c => c.CustomerId == ids[2] && c.Purpose == ConsentPurpose.Personalisation)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ConsentStatus.Withdrawn));
        var expected = await ReferenceAsync(test);
        var scoring = test.Get<NboScoring>();
        scoring.RankChunk = 7;

        var result = await scoring.ScoreAllAsync();

        var stored = await StoredAsync(test);
        Assert.Equal(expected.Count, stored.Count);
        Assert.Equal(expected, stored);
        Assert.Equal(expected.Select(r => r.CustomerId).Distinct().Count(), result.Scored);
        Assert.DoesNotContain(stored, r => r.CustomerId == ids[2]);
        // Every rule was in play: some offers went to some people only.
        Assert.Contains(stored, r => r.Label == "tools-premium");
        Assert.DoesNotContain(stored, r => r.Label is "bath-expired" or "no-such-category");
        // Everyone active who bought is counted once: with offers, without an eligible one, or skipped.
        var restricted = Enumerable.Range(0, ids.Count).Count(i => i % 97 == 5);
        Assert.Equal(ids.Count - restricted, result.Scored + result.WithoutOffer + result.Skipped);
    }

    private static async Task<List<(long CustomerId, string Label, double Value, string Reasons, string Version)>> StoredAsync(TestProfileStore test)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return (await store.Scores.AsNoTracking().Where(s => s.Kind == ScoreKind.NextBestOffer).ToListAsync())
            .Select(s => (s.CustomerId, s.Label!, s.Value, s.ReasonsJson ?? "", s.ModelVersion)).Order().ToList();
    }

    /// <summary>The per-customer algorithm scoring used before it was built for a million customers, as it was written.</summary>
    private static async Task<List<(long CustomerId, string Label, double Value, string Reasons, string Version)>> ReferenceAsync(TestProfileStore test)
    {
        var settings = new NboOptions();
        var consent = test.Get<ConsentCheck>();
        await using var store = await test.Stores.CreateDbContextAsync();
        var active = await store.PredictionModels.AsNoTracking().Where(m => m.Kind == ScoreKind.NextBestOffer && m.Active).OrderByDescending(m => m.Id).FirstAsync();
        var inputs = await NboData.LoadAsync(test.Stores, Now, settings, CancellationToken.None, direct: false);
        var offers = (await store.Offers.AsNoTracking().Where(o => o.Active).ToListAsync())
            .Where(o => OfferEligibility.IsValidAt(o, Now)).OrderBy(o => o.Code, StringComparer.Ordinal).ToList();
        var allowed = (await consent.FilterAsync(inputs.Histories.Select(h => NboData.Id(h.CustomerId)).ToList(), ConsentPurpose.Personalisation)).Allowed.ToHashSet();
        var model = OfferModel.Load(active.ModelBytes, CoPurchaseStats.Build(inputs.Histories.Select(h => h.Items)), inputs.Context, new OfferModelOptions { Seed = settings.Seed });
        var byCategory = inputs.Catalogue.Values.Where(p => p.Category is not null).GroupBy(p => p.Category!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Customers).ThenBy(p => p.Sku, StringComparer.Ordinal).Take(settings.ItemsPerCampaign).Select(p => p.Sku).ToList(),
                StringComparer.Ordinal);
        var histories = inputs.Histories.Where(h => allowed.Contains(NboData.Id(h.CustomerId))).ToList();
        var ids = histories.Select(h => NboData.Id(h.CustomerId)).ToList();
        var consents = new Dictionary<ConsentPurpose, HashSet<long>>();
        foreach (var purpose in offers.Select(o => o.RequiredConsent).OfType<ConsentPurpose>().Distinct())
            consents[purpose] = (await consent.FilterAsync(ids, purpose)).Allowed.ToHashSet();
        var facts = (await store.Customers.AsNoTracking().Where(c => ids.Contains(c.Id) && c.Status == CustomerStatus.Active).ToListAsync())
            .ToDictionary(c => c.Id, c => new CustomerFacts(c.Id, c.Country, c.LifecycleStage, c.OrderCount, c.LifetimeValueMinor,
                consents.Where(p => p.Value.Contains(c.Id)).Select(p => p.Key).ToHashSet()));
        var answers = await store.OfferFeedback.AsNoTracking().ToListAsync();
        var accepted = answers.Where(a => a.Outcome == OfferOutcome.Accepted).Select(a => (a.CustomerId, a.OfferCode)).ToHashSet();
        var declined = answers.Where(a => a.Outcome == OfferOutcome.Declined && a.RecordedAt >= Now.AddDays(-settings.DeclinedCooldownDays))
            .Select(a => (a.CustomerId, a.OfferCode)).ToHashSet();

        var pairs = new List<(Shopper Shopper, string Item)>();
        var owners = new List<(int Customer, MarketingOffer Offer)>();
        var shoppers = new Shopper[histories.Count];
        for (var c = 0; c < histories.Count; c++)
        {
            var owned = histories[c].Items.ToHashSet(StringComparer.Ordinal);
            shoppers[c] = inputs.Context.ShopperOf(histories[c].CustomerId, owned);
            if (!facts.TryGetValue(ids[c], out var fact)) continue;
            foreach (var offer in offers)
            {
                if (OfferEligibility.WhyNot(offer, fact, Now) is not null) continue;
                if (accepted.Contains((ids[c], offer.Code)) || declined.Contains((ids[c], offer.Code))) continue;
                IEnumerable<string> items = offer.Kind == OfferKind.Product ? [offer.Sku!] : byCategory.GetValueOrDefault(offer.Category!) ?? [];
                foreach (var item in items.Where(i => !owned.Contains(i)))
                {
                    pairs.Add((shoppers[c], item));
                    owners.Add((c, offer));
                }
            }
        }
        var scores = model.ScorePairs(pairs);
        var best = new Dictionary<(int Customer, string Code), (double Score, string Item, MarketingOffer Offer)>();
        for (var p = 0; p < pairs.Count; p++)
        {
            var key = (owners[p].Customer, owners[p].Offer.Code);
            if (!best.TryGetValue(key, out var seen) || scores[p] > seen.Score) best[key] = (scores[p], pairs[p].Item, owners[p].Offer);
        }
        var rows = new List<(long, string, double, string, string)>();
        foreach (var group in best.GroupBy(b => b.Key.Customer))
            foreach (var (_, (score, item, offer)) in group.OrderByDescending(g => g.Value.Score).ThenBy(g => g.Key.Code, StringComparer.Ordinal).Take(settings.OffersPerCustomer))
                rows.Add((ids[group.Key], offer.Code, Math.Round(1 / (1 + Math.Exp(-score)), 4),
                    JsonSerializer.Serialize(ReasonsTextTests.Plain(model.Stats, inputs.Catalogue, shoppers[group.Key], item, settings.EngagementDays)), active.Version));
        return rows.Order().ToList();
    }
}
