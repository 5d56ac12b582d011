using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace Customer360Portal.Core.Predictions.Offers;

/// <summary>How the offer model picks candidates, samples training pairs and trains.</summary>
public sealed record OfferModelOptions
{
    /// <summary>Candidates per customer: this many top co-purchase items plus this many top popular items (not owned).</summary>
    public int CandidatesPerSource { get; init; } = 30;

    /// <summary>
    /// Negative (customer, candidate) pairs sampled per training customer. The default takes every other candidate: on
    /// the groceries baskets 20 sampled negatives and all of them measured the same within noise (0.278 vs 0.283 hit@5).
    /// </summary>
    public int NegativesPerCustomer { get; init; } = 60;

    /// <summary>Training customers are split into this many folds; each fold's pairs get features from the other folds.</summary>
    public int Folds { get; init; } = 5;

    public int Seed { get; init; } = 42;

    /// <summary>
    /// Trees, and how much each one counts. 75 trees at 0.1 measured the same as 150 at 0.05 on the groceries baskets
    /// (hit@5 0.2836 and 0.2823 for seeds 42 and 7, against 0.2829 and 0.2823; co-purchase 0.2810), at half the cost:
    /// ranking a million customers walks about 18 million pairs through every tree.
    /// </summary>
    public int Iterations { get; init; } = 75;
    public int Leaves { get; init; } = 15;
    public int MinimumExamplesPerLeaf { get; init; } = 50;
    public double LearningRate { get; init; } = 0.1;

    /// <summary>How much one recorded accept or decline weighs against one hidden-item example in training.</summary>
    public float FeedbackWeight { get; init; } = 5;
}

/// <summary>What is known about a product beyond the baskets: its category and typical unit price (minor units).</summary>
public sealed record ItemInfo(string? Category, double TypicalPrice);

/// <summary>A customer's recorded answer to an offer made through <paramref name="Item"/>: accepted (a positive) or declined (a negative).</summary>
public sealed record FeedbackExample(string CustomerId, string Item, bool Accepted);

/// <summary>
/// What the store knows beyond purchase histories: each product's category and price, each customer's engagement with
/// the company's channels (email clicks, web and app sessions), and offer feedback. Evaluation on bare baskets has
/// none of it; those features are then zero and the model ranks on co-purchase patterns alone.
/// </summary>
public sealed class OfferContext
{
    public static readonly OfferContext None = new();

    public IReadOnlyDictionary<string, ItemInfo> Items { get; init; } = new Dictionary<string, ItemInfo>(StringComparer.Ordinal);

    /// <summary>Channel interactions per customer id over the recent past.</summary>
    public IReadOnlyDictionary<string, int> Engagement { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    public IReadOnlyList<FeedbackExample> Feedback { get; init; } = [];

    /// <summary>The customer as the features see them: owned items, category shares, price level and engagement.</summary>
    public Shopper ShopperOf(string? customerId, IReadOnlySet<string> owned)
    {
        var categories = new Dictionary<string, double>(StringComparer.Ordinal);
        double priceSum = 0;
        var priced = 0;
        foreach (var item in owned)
        {
            if (!Items.TryGetValue(item, out var info)) continue;
            if (info.Category is { } category) categories[category] = categories.GetValueOrDefault(category) + 1;
            if (info.TypicalPrice > 0) { priceSum += info.TypicalPrice; priced++; }
        }
        foreach (var key in categories.Keys.ToList()) categories[key] /= owned.Count;
        return new Shopper(owned, categories, priced == 0 ? 0 : priceSum / priced,
            customerId is not null && Engagement.TryGetValue(customerId, out var engaged) ? engaged : 0);
    }
}

/// <summary>One customer for the model: what they own, the share of each category among it, the mean typical price of it, and their channel engagement.</summary>
public sealed record Shopper(IReadOnlySet<string> Owned, IReadOnlyDictionary<string, double> CategoryShares, double MeanPrice, int Engagement);

/// <summary>Which item of a customer's history is hidden: the last new item in time, or a random one.</summary>
public enum HoldOutRule
{
    Random,
    Last,
}

/// <summary>One offer: the item, the model's score (higher is better) and why.</summary>
public sealed record Offer(string Item, double Score, OfferReason Reason);

/// <summary>
/// Next best offer: a LightGbm binary classifier over (customer, candidate item) pairs. Candidates are the top
/// co-purchase and top popular items the customer does not own; features describe the candidate's popularity and its
/// co-purchase links (confidence, lift, how many owned items it was bought with) and the customer's basket size.
/// Trained by hiding one item of each training customer: the hidden item is the positive, sampled other candidates the
/// negatives. The features of a training pair come from statistics over the other folds of training customers, so the
/// label never leaks into them; offers are made with statistics over all training histories.
/// With an <see cref="OfferContext"/> (the store has one; bare baskets do not) three more features describe the pair:
/// the customer's affinity for the candidate's category, the candidate's price against the customer's usual price
/// level, and the customer's channel engagement; recorded accepts and declines join the training pairs, weighted.
/// </summary>
public sealed class OfferModel
{
    internal const int FeatureCount = 16;

    internal static readonly string[] FeatureNames =
    [
        "log popularity share", "log popularity rank", "co-purchase score", "log co-purchase rank", "max confidence",
        "mean confidence", "max lift", "mean lift", "owned items co-bought", "share of owned co-bought", "owned items",
        "max reverse confidence", "log max pair count", "category affinity", "log price ratio", "log channel engagement",
    ];

    private readonly MLContext ml;
    private readonly ITransformer model;
    private readonly TreeBlockScorer? blockTrees;
    private readonly OfferModelOptions options;

    private OfferModel(MLContext ml, ITransformer model, CoPurchaseStats stats, OfferModelOptions options, int trainingPairs, int positives,
        OfferContext context)
    {
        this.ml = ml;
        this.model = model;
        blockTrees = TreeBlockScorer.TryCreate(TreesOf(model), FeatureCount);
        this.options = options;
        Stats = stats;
        Context = context;
        TrainingPairs = trainingPairs;
        TrainingPositives = positives;
    }

    /// <summary>The statistics offers are made with (the full training histories).</summary>
    public CoPurchaseStats Stats { get; }

    public int TrainingPairs { get; }
    public int TrainingPositives { get; }

    /// <summary>Product, engagement and feedback knowledge the model was trained with.</summary>
    public OfferContext Context { get; }

    /// <summary>Recorded accepts and declines that joined the training pairs.</summary>
    public int FeedbackPairs { get; private init; }

    /// <summary>Trains on the histories; customers with fewer than two distinct items only feed the statistics.</summary>
    public static OfferModel Train(IReadOnlyList<PurchaseHistory> histories, HoldOutRule holdOut, OfferModelOptions? options = null,
        CancellationToken cancellationToken = default, OfferContext? context = null)
    {
        options ??= new OfferModelOptions();
        context ??= OfferContext.None;
        var random = new Random(options.Seed);
        // Out-of-fold features: the pairs of a fold's customers are described with statistics over the other folds, so
        // a customer's hidden item never counts in its own features (no label leak), and items that are usually
        // bought last (hidden for most customers) still have their real statistics.
        var folds = Math.Max(2, options.Folds);
        var foldOf = histories.Select(_ => random.Next(folds)).ToArray();
        var rows = new List<PairRow>();
        var positives = 0;
        var examples = 0;
        for (var fold = 0; fold < folds; fold++)
        {
            var featureStats = CoPurchaseStats.Build(histories.Where((_, i) => foldOf[i] != fold).Select(h => h.Items));
            for (var h = 0; h < histories.Count; h++)
            {
                if (foldOf[h] != fold) continue;
                cancellationToken.ThrowIfCancellationRequested();
                var distinct = histories[h].DistinctItems();
                if (distinct.Count < 2) continue;
                examples++;
                var hidden = HoldOut.Choose(distinct, holdOut, random);
                var owned = distinct.Where(i => !string.Equals(i, hidden, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
                var candidates = Candidates(featureStats, owned, options.CandidatesPerSource);
                var positiveAt = candidates.FindIndex(c => string.Equals(c.Item, hidden, StringComparison.Ordinal));
                if (positiveAt < 0) continue; // never a candidate: nothing to learn about ranking it
                var shopper = context.ShopperOf(histories[h].CustomerId, owned);
                rows.Add(new PairRow { Label = true, Features = Features(featureStats, shopper, candidates[positiveAt], context) });
                positives++;
                candidates.RemoveAt(positiveAt);
                // Partial Fisher-Yates: a seeded sample of negatives.
                var take = Math.Min(options.NegativesPerCustomer, candidates.Count);
                for (var i = 0; i < take; i++)
                {
                    var j = random.Next(i, candidates.Count);
                    (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
                    rows.Add(new PairRow { Label = false, Features = Features(featureStats, shopper, candidates[i], context) });
                }
            }
        }
        // Recorded answers are direct evidence: each accept is a positive and each decline a negative, described with the
        // statistics of all training histories and the customer's items other than the offered one.
        var allStats = CoPurchaseStats.Build(histories.Select(h => h.Items));
        var feedbackPairs = 0;
        if (context.Feedback.Count > 0)
        {
            var ownedOf = histories.GroupBy(h => h.CustomerId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.SelectMany(h => h.Items).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
            foreach (var answer in context.Feedback)
            {
                var owned = ownedOf.TryGetValue(answer.CustomerId, out var items) ? items.Where(i => i != answer.Item).ToHashSet(StringComparer.Ordinal) : [];
                rows.Add(new PairRow
                {
                    Label = answer.Accepted,
                    Weight = options.FeedbackWeight,
                    Features = Features(allStats, context.ShopperOf(answer.CustomerId, owned), CandidateFor(allStats, owned, answer.Item), context),
                });
                if (answer.Accepted) positives++;
                feedbackPairs++;
            }
        }
        if (positives == 0 || positives == rows.Count)
            throw new InvalidOperationException(
                $"Too little data to train the offer model: {examples} training customers with two or more items gave {positives} usable positive and {rows.Count - positives} negative pairs.");

        var ml = new MLContext(seed: options.Seed);
        var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = nameof(PairRow.Label),
            FeatureColumnName = nameof(PairRow.Features),
            ExampleWeightColumnName = nameof(PairRow.Weight),
            NumberOfIterations = options.Iterations,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = options.MinimumExamplesPerLeaf,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
            // One thread: the same data gives the same model on every machine.
            NumberOfThreads = 1,
        });
        var model = trainer.Fit(ml.Data.LoadFromEnumerable(rows));
        return new OfferModel(ml, model, allStats, options, rows.Count, positives, context) { FeedbackPairs = feedbackPairs };
    }

    /// <summary>The LightGbm trees inside the trained (or loaded) binary classifier, for <see cref="PairScorer"/>.</summary>
    private static Microsoft.ML.Trainers.FastTree.TreeEnsemble<Microsoft.ML.Trainers.FastTree.RegressionTree> TreesOf(ITransformer model) =>
        model is ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>> classifier
            ? classifier.Model.SubModel.TrainedTreeEnsemble
            : throw new InvalidDataException($"The offer model is not a LightGbm binary classifier ({model.GetType().Name}): retrain it.");

    /// <summary>The trained ML.NET model as bytes (the statistics are rebuilt from the store's histories when loaded).</summary>
    public byte[] Save()
    {
        using var stream = new MemoryStream();
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(new List<PairRow>()).Schema, stream);
        return stream.ToArray();
    }

    /// <summary>A model saved with <see cref="Save"/>, making offers with the given statistics and context.</summary>
    public static OfferModel Load(byte[] bytes, CoPurchaseStats stats, OfferContext? context = null, OfferModelOptions? options = null)
    {
        options ??= new OfferModelOptions();
        var ml = new MLContext(seed: options.Seed);
        using var stream = new MemoryStream(bytes);
        var model = ml.Model.Load(stream, out _);
        return new OfferModel(ml, model, stats, options, 0, 0, context ?? OfferContext.None);
    }

    /// <summary>
    /// The model's score for each (customer, item) pair, whatever the candidates would have been: how offers the
    /// business defines are ranked. Higher is better; an owned item is never asked about.
    /// </summary>
    public float[] ScorePairs(IReadOnlyList<(Shopper Shopper, string Item)> pairs)
    {
        var features = PairFeatures(pairs);
        var result = new float[features.Count];
        if (features.Count == 0) return result;
        var rows = features.Select(f => new PairRow { Features = f }).ToList();
        var n = 0;
        foreach (var row in ml.Data.CreateEnumerable<ScoreRow>(model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: true))
            result[n++] = row.Score;
        return result;
    }

    /// <summary>A scorer of (customer, item) pairs for one thread: see <see cref="PairScorer"/>.</summary>
    internal PairScorer CreatePairScorer() => new(this);

    /// <summary>
    /// Scores one customer's candidate items at a time straight from the model's trees (<see cref="TreeBlockScorer"/>),
    /// with the features of <see cref="PairFeatures"/> written into one reused buffer: the floats of <see cref="ScorePairs"/>
    /// (tested), without ML.NET's per-row objects and per-split branches. Ranking a million customers puts about 18
    /// million pairs through the trees. Trees the block scorer cannot walk (categorical splits, which numeric offer
    /// features never give) are scored through ML.NET. One per thread.
    /// </summary>
    internal sealed class PairScorer(OfferModel model)
    {
        private readonly ShopperRanking ranking = new(model.Stats);
        private readonly TreeBlockScorer? block = model.blockTrees?.Copy();
        private float[] features = new float[32 * FeatureCount];
        private double[] raw = new double[32];
        private Shopper? shopper;

        /// <summary>Starts a customer: their co-purchase scores and ranks are computed once for all their items.</summary>
        public void Reset(Shopper next)
        {
            ranking.Reset(next.Owned);
            shopper = next;
        }

        /// <summary>The model's scores for the current customer and each of <paramref name="items"/> (higher is better).</summary>
        public void Score(IReadOnlyList<string> items, Span<float> scores)
        {
            var current = shopper ?? throw new InvalidOperationException("Reset the scorer to a customer first.");
            var count = items.Count;
            if (raw.Length < count)
            {
                raw = new double[Math.Max(count, 2 * raw.Length)];
                features = new float[raw.Length * FeatureCount];
            }
            if (block is null)
            {
                model.ScorePairs(items.Select(item => (current, item)).ToList()).CopyTo(scores);
                return;
            }
            var rows = features.AsSpan(0, count * FeatureCount);
            for (var i = 0; i < count; i++) ranking.Fill(current, items[i], model.Context, rows.Slice(i * FeatureCount, FeatureCount));
            block.Score(rows, raw.AsSpan(0, count));
            for (var i = 0; i < count; i++) scores[i] = (float)raw[i];
        }
    }

    /// <summary>
    /// The features of each pair, as <see cref="PairFeaturesPlain"/> computes them (the same floats, tested), with items
    /// looked up once per customer and counted by index: what lets a million customers be ranked.
    /// </summary>
    internal List<float[]> PairFeatures(IReadOnlyList<(Shopper Shopper, string Item)> pairs)
    {
        var features = new List<float[]>(pairs.Count);
        var ranking = new ShopperRanking(Stats);
        Shopper? last = null;
        foreach (var (shopper, item) in pairs)
        {
            if (!ReferenceEquals(shopper, last))
            {
                ranking.Reset(shopper.Owned);
                last = shopper;
            }
            features.Add(ranking.Features(shopper, item, Context));
        }
        return features;
    }

    /// <summary>The features of each pair through the string-keyed statistics, one lookup at a time (the definition <see cref="PairFeatures"/> keeps to).</summary>
    internal List<float[]> PairFeaturesPlain(IReadOnlyList<(Shopper Shopper, string Item)> pairs)
    {
        var features = new List<float[]>(pairs.Count);
        Shopper? last = null;
        Dictionary<string, double> scores = [];
        Dictionary<string, int> ranks = [];
        foreach (var (shopper, item) in pairs)
        {
            if (!ReferenceEquals(shopper, last))
            {
                (scores, ranks) = CoPurchaseRanking(Stats, shopper.Owned);
                last = shopper;
            }
            var candidate = new Candidate(item, scores.GetValueOrDefault(item), ranks.GetValueOrDefault(item, Stats.ItemCount), Stats.PopularityRank(item));
            features.Add(Features(Stats, shopper, candidate, Context));
        }
        return features;
    }

    /// <summary>
    /// One customer's co-purchase scores and ranks over item indexes (arrays reused from customer to customer), and
    /// the features of their pairs: the arithmetic of <see cref="CoPurchaseRanking"/> and <see cref="Features"/> in
    /// the same order, so the floats are the same.
    /// </summary>
    private sealed class ShopperRanking(CoPurchaseStats stats)
    {
        private readonly double[] scores = new double[stats.ItemCount];
        private readonly int[] ranks = new int[stats.ItemCount];
        private readonly bool[] scored = new bool[stats.ItemCount];
        private readonly bool[] isOwned = new bool[stats.ItemCount];
        private readonly List<int> scoredIds = [];
        private int[] ownedIds = [];
        // What does not depend on the customer, computed once (the same expressions, so the same floats): log(1 + k) for
        // every rank k up to ItemCount, each item's log share, and each item's category and price in the context last used.
        private readonly float[] logOnePlus = Enumerable.Range(0, stats.ItemCount + 1).Select(k => (float)Math.Log(1 + k)).ToArray();
        private readonly float[] logShare = Enumerable.Range(0, stats.ItemCount).Select(id => (float)Math.Log((stats.CountAt(id) + 1.0) / (stats.Customers + 1.0))).ToArray();
        private readonly float unknownLogShare = (float)Math.Log((0 + 1.0) / (stats.Customers + 1.0));
        private OfferContext? infoContext;
        private ItemInfo?[] infoById = [];
        private Shopper? engagementOf;
        private float logEngagement;

        private ItemInfo? InfoOf(OfferContext context, int target, string item)
        {
            if (target < 0) return context.Items.TryGetValue(item, out var info) ? info : null;
            if (!ReferenceEquals(context, infoContext))
            {
                infoById = Enumerable.Range(0, stats.ItemCount).Select(id => context.Items.TryGetValue(stats.ItemAt(id), out var info) ? info : null).ToArray();
                infoContext = context;
            }
            return infoById[target];
        }

        public void Reset(IReadOnlySet<string> owned)
        {
            foreach (var id in scoredIds) (scores[id], scored[id]) = (0, false);
            scoredIds.Clear();
            foreach (var id in ownedIds) if (id >= 0) isOwned[id] = false;
            ownedIds = new int[owned.Count];
            var k = 0;
            foreach (var have in owned)
            {
                var id = ownedIds[k++] = stats.IndexOf(have);
                if (id >= 0) isOwned[id] = true;
            }
            // OfferBaselines.CoPurchaseScores: summed confidence owned -> other, owned items in their set's order.
            foreach (var have in ownedIds)
            {
                if (have < 0) continue;
                var count = stats.CountAt(have);
                if (count == 0) continue;
                // Each other item's sum still adds the owned items in the same order; only the order in which other
                // items are first met changes, and the sort below makes that irrelevant.
                var row = stats.DenseRowAt(have);
                if (row.IsEmpty)
                    foreach (var (other, together) in stats.CoBoughtAt(have)) Add(other, together, count);
                else
                    for (var other = 0; other < row.Length; other++)
                        if (row[other] > 0) Add(other, row[other], count);
            }
            // Best score first, then the more bought, then by name (ordinal): the order CoPurchaseRanking sorts by. A total
            // order, so any sort gives the same ranks. Sorted by score alone (a sort of plain numbers, the cheap part of a
            // customer's ranking), then runs of equal scores by the whole order.
            var ids = CollectionsMarshal.AsSpan(scoredIds);
            if (keys.Length < ids.Length) keys = new double[Math.Max(ids.Length, 2 * keys.Length)];
            var byScore = keys.AsSpan(0, ids.Length);
            for (var i = 0; i < ids.Length; i++) byScore[i] = -scores[ids[i]];
            byScore.Sort(ids);
            for (var start = 0; start < ids.Length;)
            {
                var end = start + 1;
                while (end < ids.Length && byScore[end] == byScore[start]) end++;
                if (end - start > 1) ids[start..end].Sort(new ByCoPurchase(scores, stats));
                start = end;
            }
            for (var i = 0; i < ids.Length; i++) ranks[ids[i]] = i;
        }

        private double[] keys = new double[64];

        private void Add(int other, int together, int count)
        {
            if (isOwned[other]) return;
            if (!scored[other])
            {
                scored[other] = true;
                scoredIds.Add(other);
            }
            scores[other] += (double)together / count;
        }

        private readonly struct ByCoPurchase(double[] scores, CoPurchaseStats stats) : IComparer<int>
        {
            public int Compare(int a, int b)
            {
                var order = scores[b].CompareTo(scores[a]);
                if (order == 0) order = stats.CountAt(b).CompareTo(stats.CountAt(a));
                return order != 0 ? order : stats.OrdinalRankAt(a).CompareTo(stats.OrdinalRankAt(b));
            }
        }

        public float[] Features(Shopper shopper, string item, OfferContext context)
        {
            var features = new float[FeatureCount];
            Fill(shopper, item, context, features);
            return features;
        }

        /// <summary>The pair's features written into <paramref name="features"/> (no allocation): what ranking a million customers calls.</summary>
        public void Fill(Shopper shopper, string item, OfferContext context, Span<float> features)
        {
            var target = stats.IndexOf(item);
            var isScored = target >= 0 && scored[target];
            var itemCount = target >= 0 ? stats.CountAt(target) : 0;
            var support = stats.Customers == 0 ? 0 : (double)itemCount / stats.Customers;
            double maxConfidence = 0, sumConfidence = 0, maxLift = 0, sumLift = 0, maxReverse = 0;
            int coBought = 0, maxPair = 0, known = 0;
            foreach (var have in ownedIds)
            {
                if (have < 0) continue;
                known++;
                var pair = target < 0 ? 0 : stats.PairCountAt(have, target);
                if (pair == 0) continue;
                coBought++;
                maxPair = Math.Max(maxPair, pair);
                var haveCount = stats.CountAt(have);
                var confidence = haveCount == 0 ? 0 : (double)pair / haveCount;
                var lift = support == 0 ? 0 : confidence / support;
                maxConfidence = Math.Max(maxConfidence, confidence);
                sumConfidence += confidence;
                maxLift = Math.Max(maxLift, lift);
                sumLift += lift;
                maxReverse = Math.Max(maxReverse, itemCount == 0 ? 0 : (double)stats.PairCountAt(target, have) / itemCount);
            }
            var denominator = Math.Max(1, known);
            var popularityRank = target >= 0 ? stats.PopularityRankAt(target) : stats.ItemCount;
            var coPurchaseRank = isScored ? ranks[target] : stats.ItemCount;
            features[0] = target >= 0 ? logShare[target] : unknownLogShare;
            features[1] = logOnePlus[popularityRank];
            features[2] = (float)(isScored ? scores[target] : 0);
            features[3] = logOnePlus[coPurchaseRank];
            features[4] = (float)maxConfidence;
            features[5] = (float)(sumConfidence / denominator);
            features[6] = (float)maxLift;
            features[7] = (float)(sumLift / denominator);
            features[8] = coBought;
            features[9] = (float)coBought / denominator;
            features[10] = shopper.Owned.Count;
            features[11] = (float)maxReverse;
            features[12] = (float)Math.Log(1 + maxPair);
            var info = InfoOf(context, target, item);
            features[13] = (float)(info is { Category: { } category } ? shopper.CategoryShares.GetValueOrDefault(category) : 0);
            features[14] = (float)(info is { TypicalPrice: > 0 } && shopper.MeanPrice > 0 ? Math.Log(info.TypicalPrice / shopper.MeanPrice) : 0);
            if (!ReferenceEquals(shopper, engagementOf)) (engagementOf, logEngagement) = (shopper, (float)Math.Log(1 + shopper.Engagement));
            features[15] = logEngagement;
        }
    }

    private static (Dictionary<string, double> Scores, Dictionary<string, int> Ranks) CoPurchaseRanking(CoPurchaseStats stats, IReadOnlySet<string> owned)
    {
        var scores = OfferBaselines.CoPurchaseScores(stats, owned);
        var ranked = scores.OrderByDescending(s => s.Value).ThenByDescending(s => stats.CountOf(s.Key)).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => s.Key).ToList();
        var ranks = new Dictionary<string, int>(ranked.Count, StringComparer.Ordinal);
        for (var i = 0; i < ranked.Count; i++) ranks[ranked[i]] = i;
        return (scores, ranks);
    }

    private static Candidate CandidateFor(CoPurchaseStats stats, IReadOnlySet<string> owned, string item)
    {
        var (scores, ranks) = CoPurchaseRanking(stats, owned);
        return new Candidate(item, scores.GetValueOrDefault(item), ranks.GetValueOrDefault(item, stats.ItemCount), stats.PopularityRank(item));
    }

    /// <summary>The top <paramref name="k"/> offers for a customer who owns <paramref name="owned"/>, never an owned item.</summary>
    public IReadOnlyList<Offer> Recommend(IEnumerable<string> owned, int k) =>
        RecommendMany([owned.ToHashSet(StringComparer.Ordinal)], k, withReasons: true)[0];

    /// <summary>Offers for many customers at once (one pass through the model).</summary>
    public IReadOnlyList<IReadOnlyList<Offer>> RecommendMany(IReadOnlyList<IReadOnlySet<string>> owned, int k, bool withReasons = true,
        IReadOnlyList<string>? customerIds = null)
    {
        var rows = new List<PairRow>();
        var candidatesOf = new List<List<Candidate>>(owned.Count);
        for (var c = 0; c < owned.Count; c++)
        {
            var have = owned[c];
            var candidates = Candidates(Stats, have, options.CandidatesPerSource);
            candidatesOf.Add(candidates);
            var shopper = Context.ShopperOf(customerIds?[c], have);
            rows.AddRange(candidates.Select(c => new PairRow { Features = Features(Stats, shopper, c, Context) }));
        }
        var scores = new float[rows.Count];
        if (rows.Count > 0)
        {
            var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
            var n = 0;
            foreach (var row in ml.Data.CreateEnumerable<ScoreRow>(scored, reuseRowObject: true)) scores[n++] = row.Score;
        }

        var result = new List<IReadOnlyList<Offer>>(owned.Count);
        var at = 0;
        for (var c = 0; c < owned.Count; c++)
        {
            var candidates = candidatesOf[c];
            var start = at;
            at += candidates.Count;
            result.Add(Enumerable.Range(0, candidates.Count)
                .OrderByDescending(i => scores[start + i]).ThenBy(i => candidates[i].PopularityRank)
                .Take(k)
                .Select(i => new Offer(candidates[i].Item, scores[start + i],
                    withReasons ? OfferReason.For(Stats, owned[c], candidates[i].Item) : new OfferReason("", null, 0, 0)))
                .ToList());
        }
        return result;
    }

    internal sealed record Candidate(string Item, double CoPurchaseScore, int CoPurchaseRank, int PopularityRank);

    /// <summary>The top co-purchase items and the top popular items, not owned, each once.</summary>
    internal static List<Candidate> Candidates(CoPurchaseStats stats, IReadOnlySet<string> owned, int perSource)
    {
        var scores = OfferBaselines.CoPurchaseScores(stats, owned);
        var ranked = scores.OrderByDescending(s => s.Value).ThenByDescending(s => stats.CountOf(s.Key)).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => s.Key).ToList();
        var coRank = new Dictionary<string, int>(ranked.Count, StringComparer.Ordinal);
        for (var i = 0; i < ranked.Count; i++) coRank[ranked[i]] = i;

        var items = new List<string>(2 * perSource);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in ranked.Take(perSource)) if (seen.Add(item)) items.Add(item);
        foreach (var item in stats.ByPopularity.Where(i => !owned.Contains(i)).Take(perSource)) if (seen.Add(item)) items.Add(item);
        return items.Select(i => new Candidate(i, scores.GetValueOrDefault(i), coRank.GetValueOrDefault(i, stats.ItemCount), stats.PopularityRank(i))).ToList();
    }

    internal static float[] Features(CoPurchaseStats stats, Shopper shopper, Candidate candidate, OfferContext context)
    {
        var owned = shopper.Owned;
        double maxConfidence = 0, sumConfidence = 0, maxLift = 0, sumLift = 0, maxReverse = 0;
        int coBought = 0, maxPair = 0, known = 0;
        foreach (var have in owned)
        {
            if (!stats.Contains(have)) continue;
            known++;
            var pair = stats.PairCount(have, candidate.Item);
            if (pair == 0) continue;
            coBought++;
            maxPair = Math.Max(maxPair, pair);
            var confidence = stats.Confidence(have, candidate.Item);
            var lift = stats.Lift(have, candidate.Item);
            maxConfidence = Math.Max(maxConfidence, confidence);
            sumConfidence += confidence;
            maxLift = Math.Max(maxLift, lift);
            sumLift += lift;
            maxReverse = Math.Max(maxReverse, stats.Confidence(candidate.Item, have));
        }
        var denominator = Math.Max(1, known);
        return
        [
            (float)Math.Log((stats.CountOf(candidate.Item) + 1.0) / (stats.Customers + 1.0)),
            (float)Math.Log(1 + candidate.PopularityRank),
            (float)candidate.CoPurchaseScore,
            (float)Math.Log(1 + candidate.CoPurchaseRank),
            (float)maxConfidence,
            (float)(sumConfidence / denominator),
            (float)maxLift,
            (float)(sumLift / denominator),
            coBought,
            (float)coBought / denominator,
            owned.Count,
            (float)maxReverse,
            (float)Math.Log(1 + maxPair),
            (float)(context.Items.TryGetValue(candidate.Item, out var info) && info.Category is { } category ? shopper.CategoryShares.GetValueOrDefault(category) : 0),
            (float)(info is { TypicalPrice: > 0 } && shopper.MeanPrice > 0 ? Math.Log(info.TypicalPrice / shopper.MeanPrice) : 0),
            (float)Math.Log(1 + shopper.Engagement),
        ];
    }

    private sealed class PairRow
    {
        public bool Label { get; set; }

        public float Weight { get; set; } = 1;

        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }
}

internal static class HoldOut
{
    /// <summary>The item to hide from distinct items in order of first purchase.</summary>
    public static string Choose(IReadOnlyList<string> distinctItems, HoldOutRule rule, Random random) => rule switch
    {
        HoldOutRule.Last => distinctItems[^1],
        _ => distinctItems[random.Next(distinctItems.Count)],
    };
}
