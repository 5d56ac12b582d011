using Customer360Portal.Core.Names;

namespace Customer360Portal.Core.IdentityResolution.Matching;

/// <summary>
/// Blocking keys: only records sharing at least one key are compared, which keeps the work near-linear. The keys are
/// chosen so that a true pair is missed only when several independent fields are all wrong at once (name sound and
/// initial; date of birth with an initial; postcode with house number; national id; email; phone; account id).
/// Keys are 64-bit hashes (stable across processes) so they can be stored and indexed.
/// </summary>
public static class Blocking
{
    /// <summary>The candidate keys of a record (no duplicates).</summary>
    public static List<ulong> KeysOf(PreparedPerson p)
    {
        var keys = new List<ulong>(9);
        var givenSound = TextSimilarity.Soundex(p.Given);
        var familySound = TextSimilarity.Soundex(p.Family);
        if (familySound.Length > 0 && givenSound.Length > 0)
            keys.Add(string.CompareOrdinal(givenSound, familySound) <= 0 ? Hash('S', givenSound, familySound) : Hash('S', familySound, givenSound));
        // Nicknames change a name's sound (Kate, Katherine): the family name's sound with the canonical given name.
        if (familySound.Length > 0 && p.Given.Length > 0)
            foreach (var formal in GivenNameVariants.FormalNamesOf(p.Given).Take(2))
                keys.Add(Hash('V', familySound, TextSimilarity.Clean(formal)));
        if (p.Dob.Length > 0 && p.Given.Length > 0) keys.Add(Hash('D', p.Dob, p.Given[..1]));
        if (p.Dob.Length > 0 && p.Family.Length > 0) keys.Add(Hash('d', p.Dob, p.Family[..1]));
        if (p.Postcode.Length > 0 && p.StreetNumber.Length > 0) keys.Add(Hash('P', p.Postcode, p.StreetNumber));
        if (p.NationalId.Length > 0) keys.Add(Hash('N', p.NationalId, ""));
        if (p.Email.Length > 0) keys.Add(Hash('E', p.Email, ""));
        if (p.Phone.Length > 0) keys.Add(Hash('H', p.Phone, ""));
        if (p.AccountId.Length > 0) keys.Add(Hash('X', p.AccountId, ""));
        return keys;
    }

    /// <summary>
    /// Rules that block the training pairs; each leaves the fields it blocks on out of what it trains. They are chosen
    /// so that pairs sharing the key are often the same person and otherwise agree on little else by chance: a rule
    /// like "same family name" would hand EM a crowd of namesakes from one town (same culture, same city), and EM
    /// would learn that a different birth date and address is normal for one person.
    /// </summary>
    public static readonly TrainingRule[] TrainingRules =
    [
        new("date of birth", [Field.Dob], p => p.Dob.Length > 0 ? Hash('b', p.Dob, "") : 0),
        new("postcode and house number", [Field.Postcode, Field.StreetNumber], p => p.Postcode.Length > 0 && p.StreetNumber.Length > 0 ? Hash('q', p.Postcode, p.StreetNumber) : 0),
        new("email", [Field.Email], p => p.Email.Length > 0 ? Hash('e', p.Email, "") : 0),
        new("phone", [Field.Phone], p => p.Phone.Length > 0 ? Hash('h', p.Phone, "") : 0),
        new("national id", [Field.NationalId], p => p.NationalId.Length > 0 ? Hash('n', p.NationalId, "") : 0),
    ];

    /// <summary>FNV-1a over the kind and the two parts: stable across runs and machines, unlike string.GetHashCode.</summary>
    public static ulong Hash(char kind, string first, string second)
    {
        var hash = 14695981039346656037UL;
        hash = (hash ^ kind) * 1099511628211UL;
        foreach (var c in first) hash = (hash ^ c) * 1099511628211UL;
        hash = (hash ^ 0x1F) * 1099511628211UL;
        foreach (var c in second) hash = (hash ^ c) * 1099511628211UL;
        // The top bit marks keys made of names only, whose blocks get a tighter size limit (see CandidatePairs).
        hash = kind is 'S' or 'V' ? hash | NameKeyBit : hash & ~NameKeyBit;
        return hash == 0 ? 1 : hash;
    }

    private const ulong NameKeyBit = 1UL << 63;

    /// <summary>
    /// Names alone are the weakest keys: a block of two hundred John Smiths is 20,000 comparisons that the birth-date,
    /// address, email and phone keys mostly make anyway. Name blocks larger than this are skipped.
    /// </summary>
    public const int MaxNameBlockSize = 60;

    /// <summary>
    /// Every pair of records sharing a key, once, as (i &lt;&lt; 32 | j) with i &lt; j. Blocks larger than
    /// <paramref name="maxBlockSize"/> are skipped (a key everybody shares says nothing); their count is returned.
    /// </summary>
    public static (ulong[] Pairs, int SkippedBlocks) CandidatePairs(IReadOnlyList<List<ulong>> keysPerRecord, int maxBlockSize)
    {
        var total = 0;
        foreach (var keys in keysPerRecord) total += keys.Count;
        var blockKeys = new ulong[total];
        var members = new int[total];
        var n = 0;
        for (var i = 0; i < keysPerRecord.Count; i++)
            foreach (var key in keysPerRecord[i])
            {
                blockKeys[n] = key;
                members[n++] = i;
            }
        // A primitive-keyed sort (no comparison delegate): blocks become runs of equal keys.
        Array.Sort(blockKeys, members);

        var pairs = new List<ulong>(keysPerRecord.Count * 4);
        var skipped = 0;
        for (var start = 0; start < total;)
        {
            var end = start + 1;
            while (end < total && blockKeys[end] == blockKeys[start]) end++;
            if (end - start > ((blockKeys[start] & NameKeyBit) != 0 ? Math.Min(maxBlockSize, MaxNameBlockSize) : maxBlockSize)) skipped++;
            else
                for (var p = start; p < end; p++)
                    for (var q = p + 1; q < end; q++)
                    {
                        var (a, b) = members[p] < members[q] ? (members[p], members[q]) : (members[q], members[p]);
                        if (a != b) pairs.Add(((ulong)(uint)a << 32) | (uint)b);
                    }
            start = end;
        }
        var array = pairs.ToArray();
        Array.Sort(array);
        var unique = 0;
        for (var k = 0; k < array.Length; k++)
            if (k == 0 || array[k] != array[unique - 1]) array[unique++] = array[k];
        Array.Resize(ref array, unique);
        return (array, skipped);
    }
}

public sealed record TrainingRule(string Name, Field[] BlockedFields, Func<PreparedPerson, ulong> Key);
