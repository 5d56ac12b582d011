using System.Diagnostics;

namespace Customer360Portal.Core.Predictions.Offers;

public sealed record NboEvaluationOptions
{
    public int K { get; init; } = 5;
    public int Seed { get; init; } = 42;

    /// <summary>Share of customers whose histories train the model and the statistics; the rest are evaluated.</summary>
    public double TrainFraction { get; init; } = 0.8;

    public HoldOutRule HoldOut { get; init; } = HoldOutRule.Random;
    public OfferModelOptions Model { get; init; } = new();

    /// <summary>Product, engagement and feedback knowledge (the portal has it; basket files do not).</summary>
    public OfferContext? Context { get; init; }
}

/// <summary>Hit rate at k (share of evaluated customers whose held-out item is among the k offers) and the counts behind it.</summary>
public sealed record NboEvaluationResult(
    int Customers,
    int TrainingCustomers,
    int TestCustomers,
    int Evaluated,
    int Items,
    int K,
    double HitAtK,
    double BaselinePopularity,
    double BaselineCoPurchase,
    int ModelHits,
    int PopularityHits,
    int CoPurchaseHits,
    double CandidateRecall,
    int TrainingPairs,
    TimeSpan TrainingTime);

/// <summary>
/// Measures next-best-offer ranking the way it is used: customers are split (seeded) into training and test; the
/// statistics and the model see only the training customers; each test customer with at least two distinct items has
/// one item held out (a random one, or the last new item in time) and the model and both baselines offer k items from
/// the rest. Held-out items never reach the statistics.
/// </summary>
public static class NboEvaluation
{
    public static NboEvaluationResult Run(IReadOnlyList<PurchaseHistory> histories, NboEvaluationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new NboEvaluationOptions();
        if (options.K < 1) throw new ArgumentOutOfRangeException(nameof(options), "k must be at least 1.");
        var split = Split(histories, options);
        if (split.Tests.Count == 0)
            throw new InvalidOperationException("No test customer has two or more distinct items: there is nothing to evaluate.");

        var watch = Stopwatch.StartNew();
        var model = OfferModel.Train(split.Training, options.HoldOut, options.Model with { Seed = options.Seed }, cancellationToken, options.Context);
        watch.Stop();
        var stats = model.Stats;

        var owned = split.Tests.Select(t => (IReadOnlySet<string>)t.Owned).ToList();
        var offers = model.RecommendMany(owned, options.K, withReasons: false, split.Tests.Select(t => t.CustomerId).ToList());
        int modelHits = 0, popularityHits = 0, coPurchaseHits = 0, inCandidates = 0;
        for (var i = 0; i < split.Tests.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (_, have, hidden) = split.Tests[i];
            if (offers[i].Any(o => o.Item == hidden)) modelHits++;
            if (OfferBaselines.Popularity(stats, have, options.K).Contains(hidden)) popularityHits++;
            if (OfferBaselines.CoPurchase(stats, have, options.K).Contains(hidden)) coPurchaseHits++;
            if (OfferModel.Candidates(stats, have, options.Model.CandidatesPerSource).Any(c => c.Item == hidden)) inCandidates++;
        }

        double Rate(int hits) => (double)hits / split.Tests.Count;
        var items = histories.SelectMany(h => h.Items).Distinct(StringComparer.Ordinal).Count();
        return new NboEvaluationResult(histories.Count, split.Training.Count, histories.Count - split.Training.Count, split.Tests.Count, items,
            options.K, Rate(modelHits), Rate(popularityHits), Rate(coPurchaseHits), modelHits, popularityHits, coPurchaseHits,
            Rate(inCandidates), model.TrainingPairs, watch.Elapsed);
    }

    internal sealed record EvaluationSplit(IReadOnlyList<PurchaseHistory> Training, IReadOnlyList<(string CustomerId, HashSet<string> Owned, string HeldOut)> Tests);

    /// <summary>The seeded customer split and the held-out item of each evaluable test customer.</summary>
    internal static EvaluationSplit Split(IReadOnlyList<PurchaseHistory> histories, NboEvaluationOptions options)
    {
        var random = new Random(options.Seed);
        var order = Enumerable.Range(0, histories.Count).ToArray();
        random.Shuffle(order);
        var trainCount = (int)Math.Round(histories.Count * Math.Clamp(options.TrainFraction, 0, 1));
        var training = order.Take(trainCount).Order().Select(i => histories[i]).ToList();
        var tests = new List<(string, HashSet<string>, string)>();
        var holdOutRandom = new Random(unchecked(options.Seed * 31 + 7));
        foreach (var i in order.Skip(trainCount).Order())
        {
            var distinct = histories[i].DistinctItems();
            if (distinct.Count < 2) continue;
            var hidden = HoldOut.Choose(distinct, options.HoldOut, holdOutRandom);
            tests.Add((histories[i].CustomerId, distinct.Where(d => !string.Equals(d, hidden, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal), hidden));
        }
        return new EvaluationSplit(training, tests);
    }
}
