using System.Globalization;
using System.Text.Json;
using Customer360Portal.Core.Consent;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Predictions.Offers.Portal;

/// <summary>What a scoring pass did. Skipped counts are by consent-check reason; removed counts old offer scores that went.</summary>
public sealed record NboScoringResult(string Message, string? ModelVersion, int Scored, int WithoutOffer, IReadOnlyDictionary<string, int> SkippedByReason, int Removed)
{
    public int Skipped => SkippedByReason.Values.Sum();
}

/// <summary>
/// Ranks the offers the business defines for every customer who has bought something, with the active offer model,
/// and keeps the best few as <see cref="ScoreKind.NextBestOffer"/> scores (label = offer code) with plain-word reasons.
/// Before anything is ranked: personalisation consent through <see cref="OfferGate"/> (restricted, objecting or
/// non-consenting people are not scored and their old offers are removed); the offer's eligibility rules and validity
/// dates; its extra consent; never a product the customer already bought; never an offer they accepted, or declined
/// within the cool-down. A campaign is ranked through the best product of its category the customer does not own.
/// </summary>
public sealed class NboScoring(IDbContextFactory<ProfileStore> stores, OfferGate gate, ConsentCheck consent, TimeProvider clock, IOptions<NboOptions> options)
{
    private const int Chunk = 1000;
    /// <summary>A co-purchase reason needs at least this many customers who bought both, and this much lift.</summary>
    internal const int MinimumPairCount = 5;
    internal const double MinimumLift = 1.2;
    private readonly SemaphoreSlim running = new(1, 1);

    public async Task<NboScoringResult> ScoreAllAsync(CancellationToken cancellationToken = default)
    {
        await running.WaitAsync(cancellationToken);
        try
        {
            return await ScoreCoreAsync(cancellationToken);
        }
        finally
        {
            running.Release();
        }
    }

    private async Task<NboScoringResult> ScoreCoreAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        PredictionModel? active;
        NboInputs inputs;
        List<MarketingOffer> offers;
        List<long> alreadyScored;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            active = await store.PredictionModels.AsNoTracking().Where(m => m.Kind == ScoreKind.NextBestOffer && m.Active)
                .OrderByDescending(m => m.Id).FirstOrDefaultAsync(cancellationToken);
            inputs = await NboData.LoadAsync(store, now, settings, cancellationToken);
            offers = (await store.Offers.AsNoTracking().Where(o => o.Active).ToListAsync(cancellationToken))
                .Where(o => OfferEligibility.IsValidAt(o, now)).OrderBy(o => o.Code, StringComparer.Ordinal).ToList();
            alreadyScored = await store.Scores.Where(s => s.Kind == ScoreKind.NextBestOffer).Select(s => s.CustomerId).Distinct().ToListAsync(cancellationToken);
        }

        // Profiling needs personalisation: people it does not allow are not scored, and whatever offers they held go.
        var candidateIds = inputs.Histories.Select(h => NboData.Id(h.CustomerId)).ToList();
        var decision = await gate.FilterAsync(candidateIds, OfferChannel.OnSite, cancellationToken);
        var allowed = decision.Allowed.ToHashSet();
        var removed = await StoredScores.RemoveAsync(stores, ScoreKind.NextBestOffer, alreadyScored.Where(id => !allowed.Contains(id)).ToList(), cancellationToken);

        if (active is null)
            return new NboScoringResult("No active offer model: nothing scored.", null, 0, 0, decision.SkippedByReason, removed);

        var model = OfferModel.Load(active.ModelBytes, CoPurchaseStats.Build(inputs.Histories.Select(h => h.Items)), inputs.Context,
            new OfferModelOptions { Seed = settings.Seed });
        var byCategory = inputs.Catalogue.Values.Where(p => p.Category is not null)
            .GroupBy(p => p.Category!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Customers).ThenBy(p => p.Sku, StringComparer.Ordinal).Take(Math.Max(1, settings.ItemsPerCampaign)).Select(p => p.Sku).ToList(),
                StringComparer.Ordinal);
        var extraPurposes = offers.Select(o => o.RequiredConsent).OfType<ConsentPurpose>().Distinct().ToList();

        int scored = 0, withoutOffer = 0;
        var histories = inputs.Histories.Where(h => allowed.Contains(NboData.Id(h.CustomerId))).ToList();
        foreach (var chunk in histories.Chunk(Chunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ids = chunk.Select(h => NboData.Id(h.CustomerId)).ToList();
            var facts = await FactsAsync(ids, extraPurposes, cancellationToken);
            var (accepted, declined) = await AnswersAsync(ids, now.AddDays(-settings.DeclinedCooldownDays), cancellationToken);

            // Every (customer, offer, product) the rules allow, scored in one pass through the model.
            var pairs = new List<(Shopper Shopper, string Item)>();
            var owners = new List<(int Customer, MarketingOffer Offer)>();
            var shoppers = new Shopper[chunk.Length];
            for (var c = 0; c < chunk.Length; c++)
            {
                var id = ids[c];
                var owned = chunk[c].Items.ToHashSet(StringComparer.Ordinal);
                shoppers[c] = inputs.Context.ShopperOf(chunk[c].CustomerId, owned);
                if (!facts.TryGetValue(id, out var fact)) continue;
                foreach (var offer in offers)
                {
                    if (OfferEligibility.WhyNot(offer, fact, now) is not null) continue;
                    if (accepted.Contains((id, offer.Code)) || declined.Contains((id, offer.Code))) continue;
                    IEnumerable<string> items = offer.Kind == OfferKind.Product
                        ? [offer.Sku!]
                        : byCategory.GetValueOrDefault(offer.Category!) ?? [];
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
            var rows = new List<CustomerScore>();
            foreach (var group in best.GroupBy(b => b.Key.Customer))
            {
                var shopper = shoppers[group.Key];
                foreach (var (_, (score, item, offer)) in group.OrderByDescending(g => g.Value.Score).ThenBy(g => g.Key.Code, StringComparer.Ordinal).Take(Math.Max(1, settings.OffersPerCustomer)))
                    rows.Add(new CustomerScore
                    {
                        CustomerId = ids[group.Key], OriginCustomerId = ids[group.Key], Kind = ScoreKind.NextBestOffer, ModelVersion = active.Version,
                        Value = Math.Round(1 / (1 + Math.Exp(-score)), 4), Label = offer.Code,
                        ReasonsJson = JsonSerializer.Serialize(Reasons(model.Stats, inputs.Catalogue, shopper, item, settings.EngagementDays)),
                        ScoredAt = now,
                    });
            }
            withoutOffer += chunk.Length - best.Keys.Select(k => k.Customer).Distinct().Count();
            scored += await WriteAsync(ids, rows, cancellationToken);
        }
        return new NboScoringResult(
            $"Scored {scored} customers with {active.Version} ({withoutOffer} had no eligible offer); skipped {decision.SkippedCount}; removed offers of {removed}.",
            active.Version, scored, withoutOffer, decision.SkippedByReason, removed);
    }

    /// <summary>
    /// Why, in words an agent can say: the owned product with the strongest co-purchase link ("bought X; customers who
    /// buy X often buy Y") or its popularity; then the customer's liking for the category, and their price level.
    /// </summary>
    internal static List<string> Reasons(CoPurchaseStats stats, IReadOnlyDictionary<string, CatalogueProduct> catalogue, Shopper shopper, string item,
        int engagementDays)
    {
        string Name(string sku) => ProductCatalogue.NameOf(catalogue, sku);
        var reasons = new List<string>();
        // Agents repeat this to customers: only a link seen often enough and clearly above chance is worded as one.
        var link = OfferReason.For(stats, shopper.Owned, item, MinimumPairCount);
        reasons.Add(link.BecauseOf is { } because && link.Lift >= MinimumLift
            ? $"bought {Name(because)}; customers who buy {Name(because)} often buy {Name(item)}"
            : $"{Name(item)} is popular with customers");
        if (catalogue.TryGetValue(item, out var product) && product.Category is { } category)
        {
            var same = shopper.Owned.Count(o => catalogue.TryGetValue(o, out var p) && p.Category == category);
            if (same > 0)
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{same} of the {shopper.Owned.Count} products they bought are {category}"));
            if (shopper.MeanPrice > 0 && product.TypicalPriceMinor > 0)
            {
                var ratio = product.TypicalPriceMinor / shopper.MeanPrice;
                if (ratio <= 1.25) reasons.Add("priced within what they usually spend on a product");
                else if (ratio >= 2) reasons.Add("a step up from what they usually spend on a product");
            }
        }
        if (shopper.Engagement >= 5)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"active on email and the website ({shopper.Engagement} interactions in {engagementDays} days)"));
        return reasons;
    }

    private async Task<Dictionary<long, CustomerFacts>> FactsAsync(List<long> ids, List<ConsentPurpose> purposes, CancellationToken cancellationToken)
    {
        var consents = new Dictionary<ConsentPurpose, HashSet<long>>();
        foreach (var purpose in purposes)
            consents[purpose] = (await consent.FilterAsync(ids, purpose, cancellationToken)).Allowed.ToHashSet();
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var customers = await store.Customers.AsNoTracking().Where(c => ids.Contains(c.Id) && c.Status == CustomerStatus.Active)
            .Select(c => new { c.Id, c.Country, c.LifecycleStage, c.OrderCount, c.LifetimeValueMinor }).ToListAsync(cancellationToken);
        return customers.ToDictionary(c => c.Id, c => new CustomerFacts(c.Id, c.Country, c.LifecycleStage, c.OrderCount, c.LifetimeValueMinor,
            consents.Where(p => p.Value.Contains(c.Id)).Select(p => p.Key).ToHashSet()));
    }

    /// <summary>Offers each customer accepted (ever) and declined since <paramref name="declinedSince"/>: neither is offered again.</summary>
    private async Task<(HashSet<(long, string)> Accepted, HashSet<(long, string)> Declined)> AnswersAsync(List<long> ids, DateTime declinedSince,
        CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var answers = await store.OfferFeedback.AsNoTracking().Where(f => ids.Contains(f.CustomerId))
            .Select(f => new { f.CustomerId, f.OfferCode, f.Outcome, f.RecordedAt }).ToListAsync(cancellationToken);
        return (answers.Where(a => a.Outcome == OfferOutcome.Accepted).Select(a => (a.CustomerId, a.OfferCode)).ToHashSet(),
            answers.Where(a => a.Outcome == OfferOutcome.Declined && a.RecordedAt >= declinedSince).Select(a => (a.CustomerId, a.OfferCode)).ToHashSet());
    }

    /// <summary>Replaces the chunk's offer scores (customers left without an eligible offer lose their old ones); returns how many customers got offers.</summary>
    private async Task<int> WriteAsync(List<long> ids, List<CustomerScore> rows, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        await store.Scores.Where(s => s.Kind == ScoreKind.NextBestOffer && ids.Contains(s.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        store.Scores.AddRange(rows);
        await store.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows.Select(r => r.CustomerId).Distinct().Count();
    }
}
