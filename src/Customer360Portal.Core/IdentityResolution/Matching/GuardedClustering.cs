namespace Customer360Portal.Core.IdentityResolution.Matching;

/// <summary>
/// Turns scored pairs into clusters without blind transitive closure: links are taken strongest first, and two
/// clusters join only if no two members carry different strong identifiers (account id, verified national id), the
/// result stays within the size limit, and the members agree as groups (every cross pair compared: none may be a
/// clear non-match and their mean probability must reach the review threshold). A refused link becomes a review.
/// </summary>
public sealed class GuardedClustering(IReadOnlyList<PreparedPerson> people, MatchModel model, MatchThresholds thresholds)
{
    private readonly int[] parent = Enumerable.Range(0, people.Count).ToArray();
    private readonly List<int>[] members = new List<int>[people.Count];

    public int[] Run(IEnumerable<LinkedPair> merges, List<LinkedPair> refused)
    {
        foreach (var pair in merges.OrderByDescending(p => p.Weight).ThenBy(p => p.Left).ThenBy(p => p.Right))
        {
            var a = Find(pair.Left);
            var b = Find(pair.Right);
            if (a == b) continue;
            if (CanJoin(a, b)) Join(a, b);
            else refused.Add(pair with { Decision = MatchDecision.Review });
        }
        // Representative: the lowest input index in the cluster, so ids depend only on input order.
        var representative = new int[people.Count];
        Array.Fill(representative, int.MaxValue);
        for (var i = 0; i < people.Count; i++)
        {
            var root = Find(i);
            representative[root] = Math.Min(representative[root], i);
        }
        var clusterOf = new int[people.Count];
        for (var i = 0; i < people.Count; i++) clusterOf[i] = representative[Find(i)];
        return clusterOf;
    }

    private List<int> MembersOf(int root) => members[root] ??= [root];

    private bool CanJoin(int a, int b)
    {
        var left = MembersOf(a);
        var right = MembersOf(b);
        if (left.Count + right.Count > thresholds.MaxClusterSize) return false;
        if (left.Count == 1 && right.Count == 1)
            return !StrongConflict(people[left[0]], people[right[0]]);
        double sum = 0;
        foreach (var i in left)
            foreach (var j in right)
            {
                if (StrongConflict(people[i], people[j])) return false;
                var probability = model.Probability(model.Weight(Comparisons.Compare(people[i], people[j]), model.FrequenciesOf(people[i])));
                if (probability < thresholds.ClearNonMatchProbability) return false;
                sum += probability;
            }
        return sum / (left.Count * right.Count) >= thresholds.ReviewProbability;
    }

    /// <summary>Different account ids, or different verified national ids, are two people whatever else agrees.</summary>
    public static bool StrongConflict(PreparedPerson a, PreparedPerson b) =>
        (a.AccountId.Length > 0 && b.AccountId.Length > 0 && a.AccountId != b.AccountId)
        || (a.NationalIdVerified && b.NationalIdVerified && a.NationalId.Length > 0 && b.NationalId.Length > 0 && a.NationalId != b.NationalId);

    private void Join(int a, int b)
    {
        var left = MembersOf(a);
        var right = MembersOf(b);
        if (left.Count < right.Count) (a, b, left, right) = (b, a, right, left);
        parent[b] = a;
        left.AddRange(right);
        members[b] = null!;
    }

    private int Find(int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}

/// <summary>Where a pair's match probability sends it: auto-merge, review, or distinct.</summary>
public sealed record MatchThresholds
{
    /// <summary>At or above: merged automatically.</summary>
    public double MergeProbability { get; init; } = 0.95;
    /// <summary>At or above (and below merge): a person reviews it.</summary>
    public double ReviewProbability { get; init; } = 0.5;
    /// <summary>Below: two clusters containing such a pair are never joined by transitivity.</summary>
    public double ClearNonMatchProbability { get; init; } = 0.01;
    public int MaxClusterSize { get; init; } = 50;
    /// <summary>Blocks larger than this are skipped: a key hundreds of records share does not discriminate.</summary>
    public int MaxBlockSize { get; init; } = 200;

    public MatchDecision Decide(double probability) =>
        probability >= MergeProbability ? MatchDecision.Merge
        : probability >= ReviewProbability ? MatchDecision.Review
        : MatchDecision.Distinct;
}
