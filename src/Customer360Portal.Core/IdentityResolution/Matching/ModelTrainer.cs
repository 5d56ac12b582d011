namespace Customer360Portal.Core.IdentityResolution.Matching;

/// <summary>
/// Estimates a <see cref="MatchModel"/> from unlabelled records, the way Splink does: u from random pairs (nearly all
/// are different people), m by expectation-maximisation on pairs blocked by several rules, each rule training only
/// the fields it does not block on (a field that all pairs agree on by construction says nothing about m). The prior
/// comes from how many matches the date-of-birth and postcode rules find. Weak pseudo-counts towards typical values
/// keep small data sets stable.
/// </summary>
public static class ModelTrainer
{
    public sealed record Options
    {
        public int RandomPairs { get; init; } = 1_000_000;
        public int MaxTrainingPairsPerRule { get; init; } = 2_000_000;
        public int MaxIterations { get; init; } = 100;
        /// <summary>Pseudo-count pulling m towards <see cref="TypicalM"/>; matters only with little data.</summary>
        public double PriorStrength { get; init; } = 5;
        public int Seed { get; init; } = 20261130;
    }

    /// <summary>Typical m per field and level, strongest level first (the EM starting point and its weak prior).</summary>
    public static readonly double[][] TypicalM =
    [
        [0.80, 0.07, 0.05, 0.04, 0.04], // Given
        [0.85, 0.06, 0.04, 0.05],       // Family
        [0.85, 0.07, 0.03, 0.05],       // Dob
        [0.85, 0.05, 0.10],             // StreetNumber
        [0.80, 0.08, 0.04, 0.08],       // Street
        [0.80, 0.08, 0.12],             // Locality
        [0.85, 0.05, 0.10],             // City
        [0.85, 0.05, 0.10],             // Postcode
        [0.90, 0.10],                   // State
        [0.85, 0.07, 0.03, 0.05],       // NationalId
        [0.80, 0.05, 0.15],             // Email
        [0.80, 0.05, 0.15],             // Phone
        [0.97, 0.03],                   // Gender
        [0.97, 0.03],                   // Country
    ];

    /// <summary>Typical u per field and level: only for a store too small to train on yet (replaced by the first training).</summary>
    public static readonly double[][] TypicalU =
    [
        [0.01, 0.002, 0.005, 0.03, 0.953],
        [0.002, 0.002, 0.01, 0.986],
        [0.00005, 0.001, 0.01, 0.98895],
        [0.02, 0.1, 0.88],
        [0.001, 0.001, 0.02, 0.978],
        [0.002, 0.002, 0.996],
        [0.02, 0.005, 0.975],
        [0.002, 0.02, 0.978],
        [0.2, 0.8],
        [0.000001, 0.00001, 0.0002, 0.999789],
        [0.000001, 0.0001, 0.999899],
        [0.000001, 0.0001, 0.999899],
        [0.5, 0.5],
        [0.4, 0.6],
    ];

    /// <summary>The model a new, nearly empty store starts with, until there are enough records to train one.</summary>
    public static MatchModel Bootstrap() => new()
    {
        M = TypicalM.Select(l => l.ToArray()).ToArray(),
        U = TypicalU.Select(l => l.ToArray()).ToArray(),
        PriorMatchProbability = 1e-5,
        Frequencies = Comparisons.FrequencyWeighted.Select(_ => new Dictionary<string, double>()).ToArray(),
        MinimumFrequency = 1e-5,
    };

    public static MatchModel Train(IReadOnlyList<PreparedPerson> people, Options? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new Options();
        var random = new Random(options.Seed);
        var frequencies = EstimateFrequencies(people, out var minimumFrequency);
        var randomPatterns = RandomPairPatterns(people, options.RandomPairs, random);
        var u = EstimateU(randomPatterns, weights: null);

        // m: EM per training rule, then for each field the mean over the rules that leave it free.
        var sums = TypicalM.Select(levels => new double[levels.Length]).ToArray();
        var counts = new int[Comparisons.FieldCount];
        var priorEstimates = new List<double>();
        var iterations = 0;
        foreach (var rule in Blocking.TrainingRules)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (patterns, pairsInBlocks) = TrainingPatterns(people, rule, options.MaxTrainingPairsPerRule, random);
            var totalPairs = patterns.Values.Sum();
            if (totalPairs < 20) continue;
            var (m, lambda, used) = Expectation(patterns, u, rule.BlockedFields, options);
            iterations = Math.Max(iterations, used);
            for (var f = 0; f < Comparisons.FieldCount; f++)
            {
                if (rule.BlockedFields.Contains((Field)f) || m[f] is null) continue;
                for (var l = 0; l < m[f]!.Length; l++) sums[f][l] += m[f]![l];
                counts[f]++;
            }
            if (rule.BlockedFields is [Field.Dob])
                priorEstimates.Add(lambda * pairsInBlocks / Math.Max(1, BlockedFieldCoverage(people, rule.BlockedFields[0])));
        }
        var mFinal = new double[Comparisons.FieldCount][];
        for (var f = 0; f < Comparisons.FieldCount; f++)
            mFinal[f] = counts[f] == 0 ? (double[])TypicalM[f].Clone() : sums[f].Select(s => s / counts[f]).ToArray();
        // The dob and postcode rules' match counts were found only where both records agree exactly on that field.
        var allPairs = (double)people.Count * (people.Count - 1) / 2;
        var matches = priorEstimates.Count == 0 ? people.Count * 0.1 : priorEstimates.Average();
        var exactShare = priorEstimates.Count == 0 ? 1 : mFinal[(int)Field.Dob][0];
        var prior = Math.Clamp(matches / exactShare / Math.Max(1, allPairs), 1e-12, 0.5);

        var model = new MatchModel
        {
            M = mFinal, U = u, PriorMatchProbability = prior, Frequencies = frequencies, MinimumFrequency = minimumFrequency,
            TrainedOnRecords = people.Count, EmIterations = iterations, TrainedAt = DateTime.UtcNow,
        };
        // Random pairs include a few true matches, which inflate u for exact agreement (most visible on ids);
        // re-estimate u with each random pair weighted by how likely it is to be two different people.
        var nonMatch = randomPatterns.Select(p => 1 - model.Probability(model.Weight(p, ReadOnlySpan<double>.Empty))).ToArray();
        return new MatchModel
        {
            M = mFinal, U = EstimateU(randomPatterns, nonMatch), PriorMatchProbability = prior, Frequencies = frequencies,
            MinimumFrequency = minimumFrequency, TrainedOnRecords = people.Count, EmIterations = iterations, TrainedAt = model.TrainedAt,
        };
    }

    /// <summary>Share of records that have the field (matches need it on both sides to be found by its rule).</summary>
    private static double BlockedFieldCoverage(IReadOnlyList<PreparedPerson> people, Field field)
    {
        var have = people.Count(p => field switch { Field.Dob => p.Dob.Length > 0, _ => true });
        var share = have / (double)Math.Max(1, people.Count);
        return share * share;
    }

    private static Dictionary<string, double>[] EstimateFrequencies(IReadOnlyList<PreparedPerson> people, out double minimum)
    {
        var result = new Dictionary<string, double>[Comparisons.FrequencyWeighted.Length];
        minimum = 1.0 / Math.Max(2, people.Count);
        for (var k = 0; k < result.Length; k++)
        {
            var field = Comparisons.FrequencyWeighted[k];
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var total = 0;
            foreach (var person in people)
            {
                var value = MatchModel.ValueOf(person, field);
                if (value.Length == 0) continue;
                total++;
                counts[value] = counts.GetValueOrDefault(value) + 1;
            }
            // Values seen once fall back to the minimum, which keeps a stored model small.
            result[k] = counts.Where(c => c.Value > 1)
                .OrderByDescending(c => c.Value).Take(200_000)
                .ToDictionary(c => c.Key, c => c.Value / (double)Math.Max(1, total), StringComparer.Ordinal);
        }
        return result;
    }

    private static ulong[] RandomPairPatterns(IReadOnlyList<PreparedPerson> people, int wanted, Random random)
    {
        var n = people.Count;
        if (n < 2) return [];
        var all = (long)n * (n - 1) / 2;
        var result = new List<ulong>((int)Math.Min(all, wanted));
        if (all <= wanted)
        {
            for (var i = 0; i < n; i++)
                for (var j = i + 1; j < n; j++)
                    result.Add(Comparisons.Compare(people[i], people[j]));
            return [.. result];
        }
        var patterns = new ulong[wanted];
        var seeds = Enumerable.Range(0, wanted).Select(_ => (random.Next(n), random.Next(n - 1))).ToArray();
        Parallel.For(0, wanted, k =>
        {
            var (i, j) = seeds[k];
            if (j >= i) j++;
            patterns[k] = Comparisons.Compare(people[i], people[j]);
        });
        return patterns;
    }

    private static double[][] EstimateU(ulong[] patterns, double[]? weights)
    {
        var u = new double[Comparisons.FieldCount][];
        for (var f = 0; f < Comparisons.FieldCount; f++)
        {
            var levels = Comparisons.LevelCount((Field)f);
            var counts = new double[levels];
            double total = 0;
            for (var k = 0; k < patterns.Length; k++)
            {
                var level = Comparisons.LevelOf(patterns[k], (Field)f);
                if (level == Comparisons.Null) continue;
                var w = weights?[k] ?? 1;
                counts[level] += w;
                total += w;
            }
            // Half a pair per level keeps never-seen agreements finite (they then weigh about log2(total) bits).
            u[f] = counts.Select(c => (c + 0.5) / (total + 0.5 * levels)).ToArray();
        }
        return u;
    }

    private static (Dictionary<ulong, long> Patterns, double PairsInBlocks) TrainingPatterns(
        IReadOnlyList<PreparedPerson> people, TrainingRule rule, int maxPairs, Random random)
    {
        var entries = new List<(ulong Key, int Record)>(people.Count);
        for (var i = 0; i < people.Count; i++)
            if (rule.Key(people[i]) is var key and not 0) entries.Add((key, i));
        entries.Sort((x, y) => x.Key.CompareTo(y.Key));
        var blocks = new List<(int Start, int End)>();
        double pairsInBlocks = 0;
        for (var start = 0; start < entries.Count;)
        {
            var end = start + 1;
            while (end < entries.Count && entries[end].Key == entries[start].Key) end++;
            if (end - start > 1)
            {
                blocks.Add((start, end));
                pairsInBlocks += (double)(end - start) * (end - start - 1) / 2;
            }
            start = end;
        }
        var rate = Math.Min(1.0, maxPairs / Math.Max(1, pairsInBlocks));
        var pairs = new List<(int, int)>();
        foreach (var (start, end) in blocks)
        {
            var size = end - start;
            var blockPairs = (double)size * (size - 1) / 2;
            if (rate >= 1)
            {
                for (var p = start; p < end; p++)
                    for (var q = p + 1; q < end; q++)
                        pairs.Add((entries[p].Record, entries[q].Record));
                continue;
            }
            // Sample without enumerating: a big block would otherwise cost its full square.
            var take = (int)Math.Round(blockPairs * rate);
            if (take == 0 && random.NextDouble() < blockPairs * rate) take = 1;
            for (var t = 0; t < take; t++)
            {
                var p = random.Next(size);
                var q = random.Next(size - 1);
                if (q >= p) q++;
                pairs.Add((entries[start + p].Record, entries[start + q].Record));
            }
        }
        var patterns = new ulong[pairs.Count];
        Parallel.For(0, pairs.Count, k =>
        {
            var pattern = Comparisons.Compare(people[pairs[k].Item1], people[pairs[k].Item2]);
            foreach (var field in rule.BlockedFields) pattern = Comparisons.WithLevel(pattern, field, Comparisons.Null);
            patterns[k] = pattern;
        });
        var grouped = new Dictionary<ulong, long>();
        foreach (var pattern in patterns) grouped[pattern] = grouped.GetValueOrDefault(pattern) + 1;
        return (grouped, pairsInBlocks);
    }

    /// <summary>EM over distinct patterns with counts; u stays fixed, m and the share of matches (lambda) move.</summary>
    private static (double[]?[] M, double Lambda, int Iterations) Expectation(
        Dictionary<ulong, long> patterns, double[][] u, Field[] blocked, Options options)
    {
        var m = TypicalM.Select(levels => (double[]?)levels.ToArray()).ToArray();
        var lambda = 0.1;
        var items = patterns.ToArray();
        var iteration = 0;
        for (; iteration < options.MaxIterations; iteration++)
        {
            var matchCounts = TypicalM.Select(levels => new double[levels.Length]).ToArray();
            var fieldTotals = new double[Comparisons.FieldCount];
            double matchTotal = 0, total = 0;
            foreach (var (pattern, count) in items)
            {
                double logMatch = Math.Log(lambda), logNonMatch = Math.Log(1 - lambda);
                for (var f = 0; f < Comparisons.FieldCount; f++)
                {
                    var level = Comparisons.LevelOf(pattern, (Field)f);
                    if (level == Comparisons.Null) continue;
                    logMatch += Math.Log(m[f]![level]);
                    logNonMatch += Math.Log(u[f][level]);
                }
                var g = 1 / (1 + Math.Exp(logNonMatch - logMatch));
                var weight = g * count;
                matchTotal += weight;
                total += count;
                for (var f = 0; f < Comparisons.FieldCount; f++)
                {
                    var level = Comparisons.LevelOf(pattern, (Field)f);
                    if (level == Comparisons.Null) continue;
                    matchCounts[f][level] += weight;
                    fieldTotals[f] += weight;
                }
            }
            var change = Math.Abs(matchTotal / total - lambda);
            lambda = Math.Clamp(matchTotal / total, 1e-9, 1 - 1e-9);
            for (var f = 0; f < Comparisons.FieldCount; f++)
            {
                if (blocked.Contains((Field)f)) continue;
                for (var l = 0; l < matchCounts[f].Length; l++)
                {
                    var updated = (matchCounts[f][l] + options.PriorStrength * TypicalM[f][l]) / (fieldTotals[f] + options.PriorStrength);
                    change = Math.Max(change, Math.Abs(updated - m[f]![l]));
                    m[f]![l] = updated;
                }
            }
            if (change < 1e-6) break;
        }
        return (m, lambda, iteration + 1);
    }
}
