using Customer360Portal.Core.IdentityResolution.Matching;
using Customer360Portal.Core.Names;

namespace Customer360Portal.Core.Search;

/// <summary>The kinds of search term; each is hashed with its own prefix so "smith" the name never meets "SMITH" the id.</summary>
public enum SearchTermKind { NameToken, NameSound, FormalGivenName, Email, EmailLocalPart, PhoneLast9, PhoneLast7, Id, NamePair }

/// <summary>A hashed search term and what it is.</summary>
public readonly record struct SearchTerm(long Hash, SearchTermKind Kind);

/// <summary>What the query looked like (for ranking and for the audit trail, which never sees the text).</summary>
public enum SearchQueryKind { Empty, Name, Email, Phone }

/// <summary>
/// Turns profiles and queries into the same hashed terms (see <see cref="Data.Model.CustomerSearchKey"/>): cleaned
/// name tokens, their Soundex, the formal names of given names (Jon → Jonathan), emails and their local part, the last
/// 9 and 7 digits of phones (so any national or international format agrees), account ids, loyalty and order numbers.
/// </summary>
public static class SearchKeys
{
    /// <summary>The terms of one profile.</summary>
    public static HashSet<long> OfProfile(string? givenName, string? familyName, IEnumerable<string> emails, IEnumerable<string> phones, IEnumerable<string> ids)
    {
        var keys = new HashSet<long>();
        foreach (var token in Tokens(givenName).Concat(Tokens(familyName)))
        {
            keys.Add(Hash(SearchTermKind.NameToken, token));
            var sound = TextSimilarity.Soundex(token);
            if (sound.Length > 0) keys.Add(Hash(SearchTermKind.NameSound, sound));
        }
        foreach (var token in Tokens(givenName))
            foreach (var formal in GivenNameVariants.FormalNamesOf(token))
                keys.Add(Hash(SearchTermKind.FormalGivenName, TextSimilarity.Clean(formal)));
        // Given and family name together: few people share both, so full-name queries find them among millions.
        foreach (var given in Tokens(givenName))
            foreach (var family in Tokens(familyName))
                foreach (var pair in Pairs(given, family))
                    keys.Add(Hash(SearchTermKind.NamePair, pair));
        foreach (var email in emails)
        {
            var lower = email.Trim().ToLowerInvariant();
            if (lower.Length == 0) continue;
            keys.Add(Hash(SearchTermKind.Email, lower));
            var at = lower.IndexOf('@');
            if (at > 0) keys.Add(Hash(SearchTermKind.EmailLocalPart, lower[..at]));
        }
        foreach (var phone in phones)
        {
            var digits = TextSimilarity.Digits(phone);
            if (digits.Length >= 7) keys.Add(Hash(SearchTermKind.PhoneLast7, digits[^7..]));
            if (digits.Length >= 9) keys.Add(Hash(SearchTermKind.PhoneLast9, digits[^9..]));
        }
        foreach (var id in ids)
        {
            var normal = NormalId(id);
            if (normal.Length > 0) keys.Add(Hash(SearchTermKind.Id, normal));
        }
        return keys;
    }

    /// <summary>The terms of a query, classified: an email, a phone (or a long number), or names and ids.</summary>
    public static (SearchQueryKind Kind, IReadOnlyList<SearchTerm> Terms, int Words) OfQuery(string? query)
    {
        var text = query?.Trim() ?? "";
        if (text.Length == 0) return (SearchQueryKind.Empty, [], 0);
        var terms = new List<SearchTerm>();
        void Add(SearchTermKind kind, string term)
        {
            var hash = Hash(kind, term);
            if (!terms.Exists(t => t.Hash == hash)) terms.Add(new SearchTerm(hash, kind));
        }
        if (text.Contains('@'))
        {
            var lower = text.ToLowerInvariant();
            Add(SearchTermKind.Email, lower);
            var at = lower.IndexOf('@');
            if (at > 0) Add(SearchTermKind.EmailLocalPart, lower[..at]);
            return (SearchQueryKind.Email, terms, 1);
        }
        var digits = TextSimilarity.Digits(text);
        var stripped = new string(text.Where(c => c is not (' ' or '+' or '-' or '(' or ')' or '.')).ToArray());
        if (digits.Length >= 6 && digits.Length * 2 >= stripped.Length)
        {
            if (digits.Length >= 9) Add(SearchTermKind.PhoneLast9, digits[^9..]);
            if (digits.Length >= 7) Add(SearchTermKind.PhoneLast7, digits[^7..]);
            Add(SearchTermKind.Id, NormalId(text));
            if (stripped != text) Add(SearchTermKind.Id, NormalId(stripped));
            return (SearchQueryKind.Phone, terms, 1);
        }
        var tokens = Tokens(text);
        foreach (var token in tokens)
        {
            Add(SearchTermKind.NameToken, token);
            var sound = TextSimilarity.Soundex(token);
            if (sound.Length > 0) Add(SearchTermKind.NameSound, sound);
            foreach (var formal in GivenNameVariants.FormalNamesOf(token))
                Add(SearchTermKind.FormalGivenName, TextSimilarity.Clean(formal));
        }
        // Full names in either order ("smith jon" as well as "jon smith").
        var named = tokens.Take(4).ToList();
        for (var i = 0; i < named.Count; i++)
            for (var j = 0; j < named.Count; j++)
                if (i != j)
                    foreach (var pair in Pairs(named[i], named[j]))
                        Add(SearchTermKind.NamePair, pair);
        Add(SearchTermKind.Id, NormalId(text));
        foreach (var raw in text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            Add(SearchTermKind.Id, NormalId(raw));
        return (SearchQueryKind.Name, terms, Math.Max(1, tokens.Count));
    }

    /// <summary>
    /// A given and a family name as pairs of keys that survive nicknames and typos: the given name's sound or formal
    /// names, each with the family name's sound (Jon Smyth and Jonathan Smith share "f:jonathan|S530").
    /// </summary>
    private static IEnumerable<string> Pairs(string given, string family)
    {
        var familySound = TextSimilarity.Soundex(family);
        if (familySound.Length == 0) yield break;
        var givenSound = TextSimilarity.Soundex(given);
        if (givenSound.Length > 0) yield return givenSound + "|" + familySound;
        foreach (var formal in GivenNameVariants.FormalNamesOf(given))
            yield return "f:" + TextSimilarity.Clean(formal) + "|" + familySound;
    }

    /// <summary>Cleaned name tokens ("Mary-Jane O'Neil" → mary, jane, oneil).</summary>
    public static List<string> Tokens(string? name) =>
        [.. TextSimilarity.Clean(name).Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>Ids compare upper-case without spaces ("ord-10023 " = "ORD-10023").</summary>
    public static string NormalId(string? id) =>
        string.IsNullOrWhiteSpace(id) ? "" : new string(id.Where(c => !char.IsWhiteSpace(c)).Select(char.ToUpperInvariant).ToArray());

    public static long Hash(SearchTermKind kind, string term) =>
        unchecked((long)Blocking.Hash((char)('a' + (int)kind), term, "search"));
}
