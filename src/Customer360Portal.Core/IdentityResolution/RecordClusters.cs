using Customer360Portal.Core.IdentityResolution.Matching;
using Customer360Portal.Core.Ingestion;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>
/// Union-find over source records for the full re-resolution, with the incremental resolver's guards applied to
/// whole clusters, so chains are checked rather than blindly unioned: two account ids never join; a link through a
/// shared identifier or a probabilistic pair never joins two different given names (households) or, through a shared
/// identifier, two birth dates; and no join may bring together two profiles a person kept apart.
/// </summary>
public sealed class RecordClusters(int count, HashSet<(long, long)> rejected)
{
    private readonly int[] parent = Enumerable.Range(0, count).ToArray();
    private readonly string?[] account = new string?[count];
    private readonly string?[] given = new string?[count];
    private readonly string?[] family = new string?[count];
    private readonly string?[] dob = new string?[count];
    private readonly List<long>?[] profiles = new List<long>?[count];

    public void Describe(int i, NormalisedRecord record, long? currentProfile)
    {
        account[i] = string.IsNullOrEmpty(record.AccountId) ? null : record.AccountId;
        given[i] = TextSimilarity.Clean(record.GivenName) is { Length: > 0 } g ? g : null;
        family[i] = TextSimilarity.Clean(record.FamilyName);
        dob[i] = record.DateOfBirth?.ToString("yyyyMMdd");
        if (currentProfile is { } p) profiles[i] = [p];
    }

    public bool TryJoin(int a, int b, bool weakLink, bool probabilistic = false)
    {
        var (ra, rb) = (Find(a), Find(b));
        if (ra == rb) return true;
        if (account[ra] is { } x && account[rb] is { } y && x != y) return false;
        if ((weakLink || probabilistic) && given[ra] is { } ga && given[rb] is { } gb
            && Comparisons.CompareNames(new PreparedPerson { Given = ga, Family = family[ra] ?? "" }, new PreparedPerson { Given = gb, Family = family[rb] ?? "" }).Given
               == Comparisons.LevelCount(Field.Given) - 1) return false;
        if (weakLink && dob[ra] is { } da && dob[rb] is { } db && Comparisons.CompareDob(da, db) == Comparisons.LevelCount(Field.Dob) - 1) return false;
        if (profiles[ra] is { } pa && profiles[rb] is { } pb && rejected.Count > 0)
            foreach (var p in pa)
                foreach (var q in pb)
                    if (rejected.Contains((Math.Min(p, q), Math.Max(p, q)))) return false;

        parent[rb] = ra;
        account[ra] ??= account[rb];
        if (given[ra] is null) (given[ra], family[ra]) = (given[rb], family[rb]);
        dob[ra] ??= dob[rb];
        if (profiles[rb] is { } moved)
        {
            var into = profiles[ra] ??= [];
            foreach (var p in moved) if (!into.Contains(p)) into.Add(p);
        }
        return true;
    }

    /// <summary>Each cluster's record indexes, ascending; clusters in order of their first record.</summary>
    public List<List<int>> Members()
    {
        var byRoot = new Dictionary<int, List<int>>();
        var result = new List<List<int>>();
        for (var i = 0; i < parent.Length; i++)
        {
            var root = Find(i);
            if (!byRoot.TryGetValue(root, out var list))
            {
                byRoot[root] = list = [];
                result.Add(list);
            }
            list.Add(i);
        }
        return result;
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
