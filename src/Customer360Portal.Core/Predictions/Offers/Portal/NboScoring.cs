using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Predictions.Scoring;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
/// Built for a million customers: every input is read once for the whole store, on its own connection while the
/// purchase histories are read (consent for everyone, customers' facts with the extra consents, answers, who holds
/// offers); offer rules are parsed once (<see cref="OfferRules"/>); chunks of customers are ranked on every core
/// while one writer replaces the chunks before, a short transaction each (nothing holds the write lock while the
/// model works). The rows are those of the plain per-customer algorithm (tested).
/// </summary>
public sealed class NboScoring(IDbContextFactory<ProfileStore> stores, ConsentCheck consent, TimeProvider clock, IOptions<NboOptions> options)
{
    /// <summary>A co-purchase reason needs at least this many customers who bought both, and this much lift.</summary>
    internal const int MinimumPairCount = 5;
    internal const double MinimumLift = 1.2;
    private readonly SemaphoreSlim running = new(1, 1);

    /// <summary>Customers a worker ranks at a time (one pass of their pairs through the model); tests make it small.</summary>
    internal int RankChunk { get; set; } = 10_000;

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

    /// <summary>What the rules read about every active customer: eligibility facts and the extra consents, and the offers they answered.</summary>
    private sealed record RuleInputs(Dictionary<long, EligibilityFacts> Facts, HashSet<(long, string)> Accepted, HashSet<(long, string)> Declined, HashSet<long> HoldingOffers);

    /// <summary>A ranked chunk: its rows, the customers whose old offers go first, and how many had no eligible offer.</summary>
    internal sealed record RankedChunk(List<CustomerScore> Rows, List<long> Replaced, int WithoutOffer);

    private async Task<NboScoringResult> ScoreCoreAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        PredictionModel? active;
        List<MarketingOffer> offers;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            active = await store.PredictionModels.AsNoTracking().Where(m => m.Kind == ScoreKind.NextBestOffer && m.Active)
                .OrderByDescending(m => m.Id).FirstOrDefaultAsync(cancellationToken);
            offers = (await store.Offers.AsNoTracking().Where(o => o.Active).ToListAsync(cancellationToken))
                .Where(o => OfferEligibility.IsValidAt(o, now)).OrderBy(o => o.Code, StringComparer.Ordinal).ToList();
        }
        var extraPurposes = offers.Select(o => o.RequiredConsent).OfType<ConsentPurpose>().Distinct().ToList();

        // Whole-store reads, each once and on its own connection while the purchase histories are read: personalisation
        // for everyone (the gate's purpose), the customers' facts and extra consents, their answers, and who holds offers.
        NboInputs inputs;
        ConsentDecisions decisions;
        RuleInputs rules;
        using (PredictionsTelemetry.Source.StartActivity(NboTelemetry.Read))
        {
            var decisionsRead = Task.Run(async () =>
            {
                using var span = PredictionsTelemetry.Source.StartActivity(NboTelemetry.ReadConsent);
                return await consent.DecideEveryoneAsync(OfferGate.PurposeOf(OfferChannel.OnSite), cancellationToken);
            }, cancellationToken);
            var rulesRead = Task.Run(async () =>
            {
                using var span = PredictionsTelemetry.Source.StartActivity(NboTelemetry.ReadRules);
                return await ReadRulesAsync(extraPurposes, now.AddDays(-settings.DeclinedCooldownDays), now, cancellationToken);
            }, cancellationToken);
            inputs = await NboData.LoadAsync(stores, now, settings, cancellationToken);
            decisions = await decisionsRead;
            rules = await rulesRead;
        }

        // Profiling needs personalisation: people it does not allow are not scored, and whatever offers they held go.
        ConsentFilterResult decision;
        HashSet<long> allowed;
        int removed;
        OfferModel? model = null;
        using (PredictionsTelemetry.Source.StartActivity(NboTelemetry.Rules))
        {
            decision = decisions.Filter(inputs.Histories.Select(h => NboData.Id(h.CustomerId)));
            allowed = decision.Allowed.ToHashSet();
            removed = await StoredScores.RemoveAsync(stores, ScoreKind.NextBestOffer, rules.HoldingOffers.Where(id => !allowed.Contains(id)).ToList(), cancellationToken);
            if (active is not null)
                model = OfferModel.Load(active.ModelBytes, CoPurchaseStats.Build(inputs.Histories.Select(h => h.Items)), inputs.Context,
                    new OfferModelOptions { Seed = settings.Seed });
        }
        if (active is null || model is null)
            return new NboScoringResult("No active offer model: nothing scored.", null, 0, 0, decision.SkippedByReason, removed);

        var byCategory = inputs.Catalogue.Values.Where(p => p.Category is not null)
            .GroupBy(p => p.Category!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Customers).ThenBy(p => p.Sku, StringComparer.Ordinal).Take(Math.Max(1, settings.ItemsPerCampaign)).Select(p => p.Sku).ToArray(),
                StringComparer.Ordinal);
        var offerRules = offers.Select(o => new OfferRules(o)).ToArray();
        var histories = inputs.Histories.Where(h => allowed.Contains(NboData.Id(h.CustomerId))).ToList();
        var ranking = new Ranking(model, inputs, offerRules, byCategory, rules, active.Version, now, settings);

        // Chunks are ranked on every core while the one writer stores the chunks before (nothing holds the write lock while the model works).
        var chunks = Channel.CreateBounded<RankedChunk>(new BoundedChannelOptions(2 * Environment.ProcessorCount) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = Task.Run(async () =>
        {
            try
            {
                return await new NboOfferWriter(stores).WriteAllAsync(chunks.Reader, stop.Token);
            }
            catch
            {
                await stop.CancelAsync();
                throw;
            }
        }, CancellationToken.None);
        var withoutOffer = 0;
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = stop.Token };
            await Parallel.ForEachAsync(histories.Chunk(Math.Max(1, RankChunk)), parallel, async (chunk, token) =>
            {
                RankedChunk ranked;
                using (PredictionsTelemetry.Source.StartActivity(NboTelemetry.Rank))
                    ranked = ranking.Rank(chunk);
                Interlocked.Add(ref withoutOffer, ranked.WithoutOffer);
                await chunks.Writer.WriteAsync(ranked, token);
            });
            chunks.Writer.Complete();
        }
        catch (Exception e)
        {
            chunks.Writer.TryComplete(e);
            // Cancelled because the writer failed: its own failure (awaited below) is the one to report.
            if (e is not OperationCanceledException || cancellationToken.IsCancellationRequested) throw;
        }
        var scored = await writer;
        return new NboScoringResult(
            $"Scored {scored} customers with {active.Version} ({withoutOffer} had no eligible offer); skipped {decision.SkippedCount}; removed offers of {removed}.",
            active.Version, scored, withoutOffer, decision.SkippedByReason, removed);
    }

    /// <summary>
    /// Ranks one chunk of customers: every (customer, offer, product) the rules allow is scored by the model, customer
    /// by customer; per offer the best product counts (the first with the highest score), and the customer keeps the
    /// best few offers.
    /// </summary>
    private sealed class Ranking(OfferModel model, NboInputs inputs, OfferRules[] offers, Dictionary<string, string[]> byCategory, RuleInputs rules,
        string version, DateTime now, NboOptions settings)
    {
        public RankedChunk Rank(PurchaseHistory[] chunk)
        {
            var scorer = model.CreatePairScorer();
            var reasons = new ReasonsText(model.Stats, inputs.Catalogue, settings.EngagementDays);
            var rows = new List<CustomerScore>();
            var replaced = new List<long>();
            var withOffers = 0;
            var best = new List<(float Score, string Item, MarketingOffer Offer)>();
            // One customer's candidates: the items and, beside each, the offer it stands for (an offer's items are consecutive).
            var items = new List<string>();
            var offerOf = new List<int>();
            var scores = new float[64];
            // Most stores have few answers: then no (customer, offer) pair is looked up.
            var answered = rules.Accepted.Count + rules.Declined.Count > 0;
            foreach (var history in chunk)
            {
                var id = NboData.Id(history.CustomerId);
                if (rules.HoldingOffers.Contains(id)) replaced.Add(id);
                if (!rules.Facts.TryGetValue(id, out var fact)) continue;
                var owned = history.Items.ToHashSet(StringComparer.Ordinal);
                items.Clear();
                offerOf.Clear();
                for (var o = 0; o < offers.Length; o++)
                {
                    var offer = offers[o].Offer;
                    if (offers[o].WhyNot(fact, now) is not null) continue;
                    if (answered && (rules.Accepted.Contains((id, offer.Code)) || rules.Declined.Contains((id, offer.Code)))) continue;
                    if (offer.Kind == OfferKind.Product) Add(o, offer.Sku!);
                    else if (byCategory.TryGetValue(offer.Category!, out var ofCategory))
                        foreach (var item in ofCategory) Add(o, item);
                }
                if (items.Count == 0) continue;
                var shopper = inputs.Context.ShopperOf(history.CustomerId, owned);
                scorer.Reset(shopper);
                if (scores.Length < items.Count) scores = new float[Math.Max(items.Count, 2 * scores.Length)];
                scorer.Score(items, scores);
                // Per offer, the first of its items with the highest score.
                best.Clear();
                for (var i = 0; i < items.Count; i++)
                    if (i == 0 || offerOf[i] != offerOf[i - 1]) best.Add((scores[i], items[i], offers[offerOf[i]].Offer));
                    else if (scores[i] > best[^1].Score) best[^1] = (scores[i], items[i], best[^1].Offer);

                void Add(int offer, string item)
                {
                    if (owned.Contains(item)) return;
                    items.Add(item);
                    offerOf.Add(offer);
                }
                withOffers++;
                best.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.Offer.Code, b.Offer.Code));
                foreach (var (score, item, offer) in best.Take(Math.Max(1, settings.OffersPerCustomer)))
                    rows.Add(new CustomerScore
                    {
                        CustomerId = id, OriginCustomerId = id, Kind = ScoreKind.NextBestOffer, ModelVersion = version,
                        Value = Math.Round(1 / (1 + Math.Exp(-(double)score)), 4), Label = offer.Code,
                        ReasonsJson = reasons.For(shopper, item),
                        ScoredAt = now,
                    });
            }
            return new RankedChunk(rows, replaced, chunk.Length - withOffers);
        }
    }

    /// <summary>
    /// Why, in words an agent can say, as the JSON list the score row stores: the owned product with the strongest
    /// co-purchase link ("bought X; customers who buy X often buy Y") or its popularity; then the customer's liking for
    /// the category, their price level and their engagement. Written straight into a reused buffer (the texts are
    /// never made strings): at a million customers ranking stores 2.6 million offer rows, and each row's list and
    /// strings were most of what it allocated. The plain list the tests compare it with is in ReasonsTextTests. One per ranking thread.
    /// </summary>
    internal sealed class ReasonsText
    {
        private readonly CoPurchaseStats stats;
        private readonly IReadOnlyDictionary<string, CatalogueProduct> catalogue;
        private readonly int engagementDays;
        private readonly ArrayBufferWriter<byte> buffer = new(1024);
        private readonly Utf8JsonWriter json;
        private char[] text = new char[256];

        public ReasonsText(CoPurchaseStats stats, IReadOnlyDictionary<string, CatalogueProduct> catalogue, int engagementDays)
        {
            (this.stats, this.catalogue, this.engagementDays) = (stats, catalogue, engagementDays);
            json = new Utf8JsonWriter(buffer);
        }

        public string For(Shopper shopper, string item)
        {
            buffer.ResetWrittenCount();
            json.Reset(buffer);
            json.WriteStartArray();
            string Name(string sku) => ProductCatalogue.NameOf(catalogue, sku);
            var culture = CultureInfo.InvariantCulture;
            var link = OfferReason.StrongestLink(stats, shopper.Owned, item, MinimumPairCount);
            int n;
            // Each text is formatted into the buffer (grown and formatted again when it does not fit), never made a string.
            if (link.BecauseOf is { } because && link.Lift >= MinimumLift)
                while (!text.AsSpan().TryWrite(culture, $"bought {Name(because)}; customers who buy {Name(because)} often buy {Name(item)}", out n)) Grow();
            else
                while (!text.AsSpan().TryWrite(culture, $"{Name(item)} is popular with customers", out n)) Grow();
            json.WriteStringValue(text.AsSpan(0, n));
            if (catalogue.TryGetValue(item, out var product) && product.Category is { } category)
            {
                var same = 0;
                foreach (var owned in shopper.Owned)
                    if (catalogue.TryGetValue(owned, out var p) && p.Category == category) same++;
                if (same > 0)
                {
                    while (!text.AsSpan().TryWrite(culture, $"{same} of the {shopper.Owned.Count} products they bought are {category}", out n)) Grow();
                    json.WriteStringValue(text.AsSpan(0, n));
                }
                if (shopper.MeanPrice > 0 && product.TypicalPriceMinor > 0)
                {
                    var ratio = product.TypicalPriceMinor / shopper.MeanPrice;
                    if (ratio <= 1.25) json.WriteStringValue("priced within what they usually spend on a product");
                    else if (ratio >= 2) json.WriteStringValue("a step up from what they usually spend on a product");
                }
            }
            if (shopper.Engagement >= 5)
            {
                while (!text.AsSpan().TryWrite(culture, $"active on email and the website ({shopper.Engagement} interactions in {engagementDays} days)", out n)) Grow();
                json.WriteStringValue(text.AsSpan(0, n));
            }
            json.WriteEndArray();
            json.Flush();
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        private void Grow() => text = new char[2 * text.Length];
    }

    /// <summary>
    /// Every active customer's eligibility facts with the extra consents decided as the consent check decides them
    /// (<see cref="ConsentCheck.ReasonFor"/>), the offers each accepted (ever) and declined since
    /// <paramref name="declinedSince"/> (neither is offered again), and who holds offer scores now: one pass each.
    /// </summary>
    private async Task<RuleInputs> ReadRulesAsync(List<ConsentPurpose> purposes, DateTime declinedSince, DateTime now, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var states = new Dictionary<ConsentPurpose, Dictionary<long, ConsentState>>();
        var direct = store.Database.IsSqlite();
        var texts = new RepeatedTexts();
        foreach (var purpose in purposes)
        {
            var byCustomer = states[purpose] = [];
            var rows = store.ConsentStates.AsNoTracking().Where(s => s.Purpose == purpose)
                .Select(s => new ConsentState { CustomerId = s.CustomerId, Purpose = s.Purpose, Status = s.Status, ExpiresAt = s.ExpiresAt });
            // On SQLite the same query's rows are read straight from SQLite: a million customers' facts and consents.
            if (direct)
                DirectSqliteStatement.ForEachRow(store, rows, row => byCustomer[row.Int64(0)] = new ConsentState
                {
                    CustomerId = row.Int64(0), Purpose = texts.Enum<ConsentPurpose>(row, 1), Status = texts.Enum<ConsentStatus>(row, 2),
                    ExpiresAt = row.IsNull(3) ? null : ChurnPurchases.SqliteTime(row.Utf8(3)),
                }, cancellationToken);
            else
                await foreach (var s in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
                    byCustomer[s.CustomerId] = s;
        }
        var facts = new Dictionary<long, EligibilityFacts>();
        void Add(long id, CustomerStatus status, string? country, LifecycleStage stage, int orders, long lifetimeValue)
        {
            var consents = 0UL;
            foreach (var (purpose, byCustomer) in states)
                if (ConsentCheck.IsAllowed(consent.ReasonFor(status, byCustomer.GetValueOrDefault(id), purpose, now)))
                    consents |= EligibilityFacts.Bit(purpose);
            facts[id] = new EligibilityFacts(country, stage, orders, lifetimeValue, consents);
        }
        var active = store.Customers.AsNoTracking().Where(c => c.Status == CustomerStatus.Active)
            .Select(c => new { c.Id, c.Status, c.Country, c.LifecycleStage, c.OrderCount, c.LifetimeValueMinor });
        if (direct)
            DirectSqliteStatement.ForEachRow(store, active, row => Add(row.Int64(0), texts.Enum<CustomerStatus>(row, 1), texts.Of(row, 2),
                texts.Enum<LifecycleStage>(row, 3), (int)row.Int64(4), row.Int64(5)), cancellationToken);
        else
            await foreach (var c in active.AsAsyncEnumerable().WithCancellation(cancellationToken))
                Add(c.Id, c.Status, c.Country, c.LifecycleStage, c.OrderCount, c.LifetimeValueMinor);
        var accepted = new HashSet<(long, string)>();
        var declined = new HashSet<(long, string)>();
        await foreach (var a in store.OfferFeedback.AsNoTracking().Select(f => new { f.CustomerId, f.OfferCode, f.Outcome, f.RecordedAt })
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (a.Outcome == OfferOutcome.Accepted) accepted.Add((a.CustomerId, a.OfferCode));
            else if (a.Outcome == OfferOutcome.Declined && a.RecordedAt >= declinedSince) declined.Add((a.CustomerId, a.OfferCode));
        }
        return new RuleInputs(facts, accepted, declined, StoredScores.HolderSet(store, ScoreKind.NextBestOffer, cancellationToken));
    }
}
