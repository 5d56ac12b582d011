using System.Collections.Concurrent;
using System.Diagnostics;
using Customer360Portal.Core.IdentityResolution.Matching;

namespace Customer360Portal.Core.IdentityResolution;

public enum MatchDecision { Distinct, Review, Merge }

/// <summary>A compared pair of records (indexes into the input list) with its match weight and decision.</summary>
public sealed record LinkedPair(int Left, int Right, double Weight, double Probability, MatchDecision Decision);

public sealed record LinkStatistics(int Records, long CandidatePairs, int Clusters, int ReviewPairs, int EmIterations, TimeSpan Elapsed)
{
    public int SkippedBlocks { get; init; }
    /// <summary>Where the time went (blocking, scoring, clustering), for benchmarks.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Phases { get; init; } = new Dictionary<string, TimeSpan>();
}

/// <summary>
/// The outcome of linking: for each input record the index of its cluster's representative (the lowest input index
/// in the cluster, so ids are stable for a given input order), the merge and review pairs, and the estimated model.
/// </summary>
public sealed record LinkResult(IReadOnlyList<int> ClusterOf, IReadOnlyList<LinkedPair> Pairs, LinkStatistics Statistics)
{
    public MatchModel? Model { get; init; }
}

/// <summary>
/// Deduplicates (or links across sources) a set of person records: prepare, train the model on the records
/// themselves (EM), block, compare, score, then cluster with guards against over-merging.
/// </summary>
public static class PersonLinker
{
    public static LinkResult Link(IReadOnlyList<PersonRecord> records, CancellationToken cancellationToken = default) =>
        Link(records, new MatchThresholds(), null, cancellationToken);

    public static LinkResult Link(IReadOnlyList<PersonRecord> records, MatchThresholds thresholds, MatchModel? model,
        CancellationToken cancellationToken = default)
    {
        var people = new PreparedPerson[records.Count];
        Parallel.For(0, records.Count, i => people[i] = PreparedPerson.From(records[i]));
        return Link(people, thresholds, model, cancellationToken);
    }

    /// <summary>Links records already prepared (the caller trained the model on the same ones).</summary>
    public static LinkResult Link(PreparedPerson[] people, MatchThresholds thresholds, MatchModel? model, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var phases = new Dictionary<string, TimeSpan>();
        var phase = Stopwatch.StartNew();
        void EndPhase(string name) { phases[name] = phase.Elapsed; phase.Restart(); }
        model ??= ModelTrainer.Train(people, cancellationToken: cancellationToken);
        EndPhase("train");

        var keys = new List<ulong>[people.Length];
        Parallel.For(0, people.Length, i => keys[i] = Blocking.KeysOf(people[i]));
        var (candidates, skipped) = Blocking.CandidatePairs(keys, thresholds.MaxBlockSize);
        cancellationToken.ThrowIfCancellationRequested();
        EndPhase("block");

        var frequencies = new double[people.Length][];
        Parallel.For(0, people.Length, i => frequencies[i] = model.FrequenciesOf(people[i]));
        var kept = ScorePairs(people, candidates, frequencies, model, thresholds, cancellationToken);
        EndPhase("score");

        var refused = new List<LinkedPair>();
        var clusterOf = new GuardedClustering(people, model, thresholds).Run(kept.Where(p => p.Decision == MatchDecision.Merge), refused);
        var refusedKeys = refused.Select(p => (p.Left, p.Right)).ToHashSet();
        var pairs = kept.Where(p => !refusedKeys.Contains((p.Left, p.Right))).Concat(refused)
            .OrderBy(p => p.Left).ThenBy(p => p.Right).ToList();
        var clusters = clusterOf.Distinct().Count();
        // A review pair already inside one cluster needs no review.
        var reviews = pairs.Count(p => p.Decision == MatchDecision.Review && clusterOf[p.Left] != clusterOf[p.Right]);
        EndPhase("cluster");
        return new LinkResult(clusterOf, pairs, new LinkStatistics(people.Length, candidates.LongLength, clusters, reviews,
            model.EmIterations, clock.Elapsed) { SkippedBlocks = skipped, Phases = phases }) { Model = model };
    }

    private static ConcurrentBag<LinkedPair> ScorePairs(PreparedPerson[] people, ulong[] candidates, double[][] frequencies,
        MatchModel model, MatchThresholds thresholds, CancellationToken cancellationToken)
    {
        var kept = new ConcurrentBag<LinkedPair>();
        if (candidates.Length == 0) return kept;
        Parallel.ForEach(Partitioner.Create(0, candidates.Length, 4096), new ParallelOptions { CancellationToken = cancellationToken }, range =>
        {
            for (var k = range.Item1; k < range.Item2; k++)
            {
                var i = (int)(candidates[k] >> 32);
                var j = (int)(uint)candidates[k];
                var weight = model.Weight(Comparisons.Compare(people[i], people[j]), frequencies[i]);
                var probability = model.Probability(weight);
                var decision = thresholds.Decide(probability);
                if (decision == MatchDecision.Merge && GuardedClustering.StrongConflict(people[i], people[j]))
                    decision = MatchDecision.Review;
                if (decision != MatchDecision.Distinct) kept.Add(new LinkedPair(i, j, weight, probability, decision));
            }
        });
        return kept;
    }
}
