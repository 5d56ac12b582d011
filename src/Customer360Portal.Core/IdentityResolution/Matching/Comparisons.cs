using Customer360Portal.Core.Names;

namespace Customer360Portal.Core.IdentityResolution.Matching;

/// <summary>The fields the engine compares, in pattern order.</summary>
public enum Field { Given, Family, Dob, StreetNumber, Street, Locality, City, Postcode, State, NationalId, Email, Phone, Gender, Country }

/// <summary>
/// How two records agree on each field, as a level per field: 0 is the strongest agreement, the last level is
/// disagreement, <see cref="Null"/> means a side is missing (it then says nothing either way). A comparison vector
/// packs into one <c>ulong</c> (4 bits a field), so the model can be trained on distinct patterns with counts.
/// </summary>
public static class Comparisons
{
    public const int Null = 15;
    public static readonly int FieldCount = Enum.GetValues<Field>().Length;

    /// <summary>Level names per field, strongest first; the last is always "different".</summary>
    public static readonly IReadOnlyList<string>[] Levels =
    [
        ["exact", "nickname or variant", "very similar", "similar or initial", "different"], // Given
        ["exact", "very similar or part", "similar", "different"],                           // Family
        ["exact", "day and month swapped or one typo", "two typos", "different"],            // Dob
        ["exact", "one typo", "different"],                                                  // StreetNumber
        ["exact", "very similar", "similar", "different"],                                   // Street
        ["exact", "similar", "different"],                                                   // Locality
        ["exact", "similar", "different"],                                                   // City
        ["exact", "one typo", "different"],                                                  // Postcode
        ["exact", "different"],                                                              // State
        ["exact", "one typo", "two typos", "different"],                                     // NationalId
        ["exact", "same mailbox name or one typo", "different"],                             // Email
        ["exact", "one typo", "different"],                                                  // Phone
        ["same", "different"],                                                               // Gender
        ["same", "different"],                                                               // Country
    ];

    /// <summary>Fields whose exact agreement is weighed by how common the value is (Smith counts less than Featherstonehaugh).</summary>
    public static readonly Field[] FrequencyWeighted = [Field.Given, Field.Family, Field.Street, Field.Locality, Field.City, Field.Postcode];

    public static int LevelCount(Field field) => Levels[(int)field].Count;

    public static int LevelOf(ulong pattern, Field field) => (int)((pattern >> (4 * (int)field)) & 0xF);

    public static ulong WithLevel(ulong pattern, Field field, int level) =>
        (pattern & ~(0xFUL << (4 * (int)field))) | ((ulong)level << (4 * (int)field));

    /// <summary>The comparison vector of two records.</summary>
    public static ulong Compare(PreparedPerson a, PreparedPerson b)
    {
        var (given, family) = CompareNames(a, b);
        ulong pattern = 0;
        pattern |= (uint)given;
        pattern |= (ulong)(uint)(family) << 4;
        pattern |= (ulong)(uint)(CompareDob(a.Dob, b.Dob)) << 8;
        pattern |= (ulong)(uint)(CompareTypo(a.StreetNumber, b.StreetNumber, 1)) << 12;
        pattern |= (ulong)(uint)(CompareSimilar(a.Street, b.Street, 0.92, 0.8)) << 16;
        pattern |= (ulong)(uint)(CompareSimilar(a.Locality, b.Locality, 0.88)) << 20;
        pattern |= (ulong)(uint)(CompareSimilar(a.City, b.City, 0.88)) << 24;
        pattern |= (ulong)(uint)(CompareTypo(a.Postcode, b.Postcode, 1)) << 28;
        pattern |= (ulong)(uint)(CompareExact(a.State, b.State)) << 32;
        pattern |= (ulong)(uint)(CompareTypo(a.NationalId, b.NationalId, 2)) << 36;
        pattern |= (ulong)(uint)(CompareEmail(a, b)) << 40;
        pattern |= (ulong)(uint)(CompareTypo(a.Phone, b.Phone, 1)) << 44;
        pattern |= (ulong)(uint)(CompareExact(a.Gender, b.Gender)) << 48;
        pattern |= (ulong)(uint)(CompareExact(a.Country, b.Country)) << 52;
        return pattern;
    }

    /// <summary>
    /// Given and family names, also tried crosswise (records that swapped the two fields); a crosswise agreement
    /// never counts as exact.
    /// </summary>
    internal static (int Given, int Family) CompareNames(PreparedPerson a, PreparedPerson b)
    {
        var given = CompareGiven(a, b);
        var family = CompareFamily(a.Family, b.Family);
        if (given + family <= 1 || a.Given.Length == 0 || a.Family.Length == 0 || b.Given.Length == 0 || b.Family.Length == 0)
            return (given, family);
        var crossGiven = Math.Max(1, CompareGiven(a.Given, b.Family));
        var crossFamily = Math.Max(1, CompareFamily(a.Family, b.Given));
        return crossGiven + crossFamily < given + family ? (crossGiven, crossFamily) : (given, family);
    }

    /// <summary>As <see cref="CompareGiven(string, string)"/>, with the nickname families the records already looked up.</summary>
    internal static int CompareGiven(PreparedPerson x, PreparedPerson y)
    {
        var (a, b) = (x.Given, y.Given);
        if (a.Length == 0 || b.Length == 0) return Null;
        if (a == b) return 0;
        if (SharesFamily(x.GivenFamilies, y.GivenFamilies) || FirstWordsAgree(a, b)) return 1;
        var similarity = TextSimilarity.JaroWinkler(a, b);
        if (similarity >= 0.92) return 2;
        if (similarity >= 0.8 || IsInitialOf(a, b) || IsInitialOf(b, a)) return 3;
        return 4;
    }

    private static bool SharesFamily(int[] x, int[] y)
    {
        foreach (var f in x)
            if (Array.IndexOf(y, f) >= 0) return true;
        return false;
    }

    internal static int CompareGiven(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0) return Null;
        if (a == b) return 0;
        if (GivenNameVariants.AreVariants(a, b) || FirstWordsAgree(a, b)) return 1;
        var similarity = TextSimilarity.JaroWinkler(a, b);
        if (similarity >= 0.92) return 2;
        if (similarity >= 0.8 || IsInitialOf(a, b) || IsInitialOf(b, a)) return 3;
        return 4;
    }

    internal static int CompareFamily(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0) return Null;
        if (a == b) return 0;
        var similarity = TextSimilarity.JaroWinkler(a, b);
        if (similarity >= 0.92 || SharesWord(a, b) || a.Replace(" ", "") == b.Replace(" ", "")) return 1;
        return similarity >= 0.8 ? 2 : 3;
    }

    /// <summary>Exact, day and month swapped or one typo, two typos, different (dates as yyyymmdd).</summary>
    internal static int CompareDob(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0) return Null;
        if (a == b) return 0;
        if (a.Length == 8 && b.Length == 8 && a[..4] == b[..4] && a[4..6] == b[6..8] && a[6..8] == b[4..6]) return 1;
        var distance = TextSimilarity.EditDistance(a, b, 2);
        return distance switch { 1 => 1, 2 => 2, _ => 3 };
    }

    private static int CompareEmail(PreparedPerson a, PreparedPerson b)
    {
        if (a.Email.Length == 0 || b.Email.Length == 0) return Null;
        if (a.Email == b.Email) return 0;
        if (a.EmailLocal.Length >= 4 && a.EmailLocal == b.EmailLocal) return 1;
        return TextSimilarity.EditDistance(a.Email, b.Email, 1) <= 1 ? 1 : 2;
    }

    private static int CompareExact(string a, string b) =>
        a.Length == 0 || b.Length == 0 ? Null : a == b ? 0 : 1;

    /// <summary>Levels 0..maxTypos by edit distance, then different.</summary>
    private static int CompareTypo(string a, string b, int maxTypos)
    {
        if (a.Length == 0 || b.Length == 0) return Null;
        if (a == b) return 0;
        var distance = TextSimilarity.EditDistance(a, b, maxTypos);
        return distance <= maxTypos ? distance : maxTypos + 1;
    }

    private static int CompareSimilar(string a, string b, double high, double low = -1)
    {
        if (a.Length == 0 || b.Length == 0) return Null;
        if (a == b) return 0;
        var similarity = TextSimilarity.JaroWinkler(a, b);
        if (similarity >= high) return 1;
        if (low < 0) return 2;
        return similarity >= low ? 2 : 3;
    }

    private static bool IsInitialOf(string initial, string name) => initial.Length == 1 && name[0] == initial[0];

    private static bool FirstWordsAgree(string a, string b)
    {
        // "mary ann" and "mary": the first given name is the one people use.
        var spaceA = a.IndexOf(' ');
        var spaceB = b.IndexOf(' ');
        if (spaceA < 0 && spaceB < 0) return false;
        var firstA = spaceA < 0 ? a : a[..spaceA];
        var firstB = spaceB < 0 ? b : b[..spaceB];
        return firstA == firstB;
    }

    private static bool SharesWord(string a, string b)
    {
        // Double-barrelled and married names: "smith jones" and "jones".
        if (!a.Contains(' ') && !b.Contains(' ')) return false;
        foreach (var word in a.Split(' '))
            if (word.Length > 2 && (" " + b + " ").Contains(" " + word + " ", StringComparison.Ordinal)) return true;
        return false;
    }
}
