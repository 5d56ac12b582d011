using System.Runtime.InteropServices;

namespace Customer360Portal.Core.Predictions.Offers;

/// <summary>
/// Item popularity and pair co-occurrence over a set of purchase histories, counted per customer (an item bought
/// twice by one customer counts once). Confidence(X → Y) = P(Y | X); lift(X → Y) = confidence / P(Y).
/// Build it from training histories only: whatever is held out for evaluation must not be counted here.
/// </summary>
public sealed class CoPurchaseStats
{
    private readonly Dictionary<string, int> index;
    private readonly string[] items;
    private readonly int[] counts;
    private readonly Dictionary<int, int>[] pairs;
    private readonly int[] byPopularity;
    private readonly int[] popularityRank;

    private CoPurchaseStats(Dictionary<string, int> index, string[] items, int[] counts, Dictionary<int, int>[] pairs, int customers)
    {
        this.index = index;
        this.items = items;
        this.counts = counts;
        this.pairs = pairs;
        Customers = customers;
        byPopularity = Enumerable.Range(0, items.Length)
            .OrderByDescending(i => counts[i]).ThenBy(i => items[i], StringComparer.Ordinal).ToArray();
        popularityRank = new int[items.Length];
        for (var rank = 0; rank < byPopularity.Length; rank++) popularityRank[byPopularity[rank]] = rank;
        var byOrdinal = Enumerable.Range(0, items.Length).OrderBy(i => items[i], StringComparer.Ordinal).ToArray();
        ordinalRank = new int[items.Length];
        for (var rank = 0; rank < byOrdinal.Length; rank++) ordinalRank[byOrdinal[rank]] = rank;
        if (items.Length <= DenseUpTo)
        {
            densePairs = new int[items.Length * items.Length];
            for (var a = 0; a < pairs.Length; a++)
                foreach (var (b, n) in pairs[a]) densePairs[a * items.Length + b] = n;
        }
    }

    /// <summary>
    /// Catalogues up to this many items also keep every pair count in one array (16 MB at most): ranking offers for a
    /// million customers asks for about 400 million pair counts, and an array read is far cheaper than a dictionary's.
    /// </summary>
    private const int DenseUpTo = 2048;
    private readonly int[]? densePairs;

    // By item index, for passes over many customers (scoring a whole store) that look items up once and then work on ints.
    private readonly int[] ordinalRank;

    /// <summary>The item's index (0 to <see cref="ItemCount"/> - 1), or -1 for an unknown item.</summary>
    internal int IndexOf(string item) => index.TryGetValue(item, out var id) ? id : -1;

    internal int CountAt(int id) => counts[id];

    internal string ItemAt(int id) => items[id];

    internal int PopularityRankAt(int id) => popularityRank[id];

    /// <summary>The item's place among all items in ordinal order of their names (the tie-break rankings use).</summary>
    internal int OrdinalRankAt(int id) => ordinalRank[id];

    internal int PairCountAt(int a, int b) => densePairs is not null ? densePairs[a * items.Length + b] : pairs[a].TryGetValue(b, out var n) ? n : 0;

    /// <summary>
    /// With a small catalogue (see <see cref="DenseUpTo"/>), the pair counts of item <paramref name="id"/> with every
    /// item by index (0 for items never bought with it, and for itself); otherwise empty: use <see cref="CoBoughtAt"/>.
    /// </summary>
    internal ReadOnlySpan<int> DenseRowAt(int id) => densePairs is null ? [] : densePairs.AsSpan(id * items.Length, items.Length);

    /// <summary>The items bought with item <paramref name="id"/> (indexes) and by how many customers, in the order <see cref="CoBought"/> gives them.</summary>
    internal Dictionary<int, int> CoBoughtAt(int id) => pairs[id];

    /// <summary>0 for the most popular item; <see cref="ItemCount"/> for an unknown one.</summary>
    public int PopularityRank(string item) => index.TryGetValue(item, out var id) ? popularityRank[id] : items.Length;

    /// <summary>How many customers (histories) were counted.</summary>
    public int Customers { get; }

    /// <summary>Every item seen, most popular first.</summary>
    public IEnumerable<string> ByPopularity => byPopularity.Select(i => items[i]);

    public int ItemCount => items.Length;

    public static CoPurchaseStats Build(IEnumerable<IEnumerable<string>> histories)
    {
        // One pass gives every item its index (in order of first appearance) and each history's distinct items (in
        // order of first purchase), kept flat; then the pairs are counted: in one array for a small catalogue (a
        // million histories in well under a second, against about 2 s through dictionaries), else in dictionaries.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var counts = new List<int>();
        var flat = new List<int>();
        var starts = new List<int>();
        var seenIn = new List<int>(); // per item, the last history it was seen in (a distinct check without a set)
        foreach (var history in histories)
        {
            var customer = starts.Count;
            starts.Add(flat.Count);
            foreach (var item in history)
            {
                if (!index.TryGetValue(item, out var id))
                {
                    id = index.Count;
                    index.Add(item, id);
                    counts.Add(0);
                    seenIn.Add(-1);
                }
                if (seenIn[id] == customer) continue;
                seenIn[id] = customer;
                counts[id]++;
                flat.Add(id);
            }
        }
        starts.Add(flat.Count);
        var itemCount = index.Count;
        var pairs = new Dictionary<int, int>[itemCount];
        var ids = CollectionsMarshal.AsSpan(flat);
        if (itemCount <= DenseUpTo)
        {
            var dense = new int[itemCount * itemCount];
            for (var h = 0; h + 1 < starts.Count; h++)
            {
                var distinct = ids[starts[h]..starts[h + 1]];
                for (var a = 0; a < distinct.Length; a++)
                    for (var b = a + 1; b < distinct.Length; b++)
                    {
                        dense[distinct[a] * itemCount + distinct[b]]++;
                        dense[distinct[b] * itemCount + distinct[a]]++;
                    }
            }
            for (var a = 0; a < itemCount; a++)
            {
                var row = pairs[a] = [];
                for (var b = 0; b < itemCount; b++)
                    if (dense[a * itemCount + b] > 0) row[b] = dense[a * itemCount + b];
            }
        }
        else
        {
            for (var a = 0; a < itemCount; a++) pairs[a] = [];
            for (var h = 0; h + 1 < starts.Count; h++)
            {
                var distinct = ids[starts[h]..starts[h + 1]];
                for (var a = 0; a < distinct.Length; a++)
                    for (var b = a + 1; b < distinct.Length; b++)
                    {
                        Increment(pairs[distinct[a]], distinct[b]);
                        Increment(pairs[distinct[b]], distinct[a]);
                    }
            }
        }
        return new CoPurchaseStats(index, index.OrderBy(p => p.Value).Select(p => p.Key).ToArray(), counts.ToArray(), pairs, starts.Count - 1);

        static void Increment(Dictionary<int, int> row, int other) =>
            row[other] = row.TryGetValue(other, out var n) ? n + 1 : 1;
    }

    public bool Contains(string item) => index.ContainsKey(item);

    /// <summary>How many customers bought the item.</summary>
    public int CountOf(string item) => index.TryGetValue(item, out var id) ? counts[id] : 0;

    /// <summary>Share of customers who bought the item, P(item).</summary>
    public double Support(string item) => Customers == 0 ? 0 : (double)CountOf(item) / Customers;

    /// <summary>How many customers bought both items.</summary>
    public int PairCount(string a, string b) =>
        index.TryGetValue(a, out var x) && index.TryGetValue(b, out var y) && pairs[x].TryGetValue(y, out var n) ? n : 0;

    /// <summary>P(to | from): the share of customers who bought <paramref name="from"/> that also bought <paramref name="to"/>.</summary>
    public double Confidence(string from, string to)
    {
        var count = CountOf(from);
        return count == 0 ? 0 : (double)PairCount(from, to) / count;
    }

    /// <summary>Confidence(from → to) / P(to): above 1 when buying one makes the other more likely than usual.</summary>
    public double Lift(string from, string to)
    {
        var support = Support(to);
        return support == 0 ? 0 : Confidence(from, to) / support;
    }

    /// <summary>The items bought together with <paramref name="item"/>, and by how many customers.</summary>
    public IEnumerable<(string Item, int Count)> CoBought(string item) =>
        index.TryGetValue(item, out var id) ? pairs[id].Select(p => (items[p.Key], p.Value)) : [];
}
