using System.Data.Common;
using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.IdentityResolution.Matching;
using Customer360Portal.Core.Names;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Search;

/// <summary>One hit, with just enough context to pick the right person (contact details masked).</summary>
public sealed record CustomerSearchResult(long CustomerId, string DisplayName, string? MaskedEmail, string? MaskedPhone,
    string? City, DateTime? LastActivityAt, string MatchedOn, double Score);

/// <summary>
/// The agents' global search: names (typo-, sound- and nickname-tolerant), emails, phones in any format, order numbers
/// and account ids. Query terms are hashed like <see cref="SearchKeys"/>; the store counts weighted key hits per
/// profile, the best 200 are ranked in memory (exact ids first, then names by Jaro-Winkler and nicknames). Each search
/// is audited by the query's kind and size only, never its text.
/// </summary>
public sealed class CustomerSearch(IDbContextFactory<ProfileStore> stores, AuditLog audit)
{
    private const int Candidates = 200;

    public async Task<IReadOnlyList<CustomerSearchResult>> SearchAsync(string query, AuditActor actor, int take = 20, CancellationToken cancellationToken = default)
    {
        var (kind, terms, words) = SearchKeys.OfQuery(query);
        if (kind == SearchQueryKind.Empty) return [];
        var results = await FindAsync(query, kind, terms, take, cancellationToken);
        var described = kind switch
        {
            SearchQueryKind.Name => $"name query, {words} {(words == 1 ? "word" : "words")}",
            SearchQueryKind.Email => "email query",
            _ => "phone or number query",
        };
        await audit.WriteAsync(actor, "customer.searched", details: $"{described}, {results.Count} results", cancellationToken: cancellationToken);
        return results;
    }

    private async Task<IReadOnlyList<CustomerSearchResult>> FindAsync(string query, SearchQueryKind kind, IReadOnlyList<SearchTerm> terms, int take, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await store.Database.OpenConnectionAsync(cancellationToken);
        var kindOf = terms.ToDictionary(t => t.Hash, t => t.Kind);

        // 1. Weighted hit counts per profile, in the store.
        var sql = CandidatesSql(store, terms);
        var candidates = new List<long>();
        await using (var command = Command(store, sql, terms.Select(t => t.Hash)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) candidates.Add(reader.GetInt64(0));
        if (candidates.Count == 0) return [];

        // 2. Which terms each candidate matched.
        var matched = candidates.ToDictionary(c => c, _ => new HashSet<SearchTermKind>());
        await using (var command = Command(store, MatchedTermsSql(store, terms, candidates),
            terms.Select(t => t.Hash)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                if (kindOf.TryGetValue(reader.GetInt64(1), out var termKind)) matched[reader.GetInt64(0)].Add(termKind);

        // 3. The profiles themselves (only active ones: merged profiles redirect to their survivor, which has the keys).
        var customers = await store.Customers.AsNoTracking()
            .Where(c => candidates.Contains(c.Id) && c.Status == CustomerStatus.Active)
            .Select(c => new { c.Id, c.GivenName, c.FamilyName, c.Email, c.Phone, c.City, c.LastActivityAt })
            .ToListAsync(cancellationToken);

        var tokens = kind == SearchQueryKind.Name ? SearchKeys.Tokens(query) : [];
        return customers
            .Select(c =>
            {
                var hits = matched[c.Id];
                var (idScore, on) = IdScore(hits);
                var nameScore = tokens.Count > 0 ? NameScore(tokens, TextSimilarity.Clean(c.GivenName), TextSimilarity.Clean(c.FamilyName)) : 0;
                var score = idScore + 50 * nameScore;
                if (on is null && nameScore > 0) on = "name";
                return new CustomerSearchResult(c.Id, DisplayName(c.GivenName, c.FamilyName, c.Id), MaskEmail(c.Email), MaskPhone(c.Phone),
                    c.City, c.LastActivityAt, on ?? "name", Math.Round(score, 2));
            })
            .Where(r => r.Score > 0)
            .OrderByDescending(r => r.Score).ThenByDescending(r => r.LastActivityAt).ThenBy(r => r.CustomerId)
            .Take(take)
            .ToList();
    }

    /// <summary>The best profiles by weighted key hits (parameters @h0.. carry the term hashes).</summary>
    internal static string CandidatesSql(ProfileStore store, IReadOnlyList<SearchTerm> terms)
    {
        var (_, table, quote) = BulkRows<CustomerSearchKey>.Describe(store);
        var values = string.Join(", ", terms.Select((t, i) => $"(@h{i}, {Weight(t.Kind).ToString(CultureInfo.InvariantCulture)})"));
        return store.Database.IsSqlServer()
            ? $"SELECT TOP ({Candidates}) k.{quote("CustomerId")}, SUM(q.w) AS s FROM (VALUES {values}) AS q(h, w) JOIN {table} k ON k.{quote("KeyHash")} = q.h GROUP BY k.{quote("CustomerId")} ORDER BY s DESC"
            : $"WITH q(h, w) AS (VALUES {values}) SELECT k.{quote("CustomerId")}, SUM(q.w) AS s FROM q JOIN {table} k ON k.{quote("KeyHash")} = q.h GROUP BY k.{quote("CustomerId")} ORDER BY s DESC LIMIT {Candidates}";
    }

    /// <summary>Which of the query's terms each candidate holds.</summary>
    internal static string MatchedTermsSql(ProfileStore store, IReadOnlyList<SearchTerm> terms, IReadOnlyList<long> candidates)
    {
        var (_, table, quote) = BulkRows<CustomerSearchKey>.Describe(store);
        var inHashes = string.Join(", ", terms.Select((_, i) => "@h" + i));
        var inIds = string.Join(", ", candidates.Select(c => c.ToString(CultureInfo.InvariantCulture)));
        return $"SELECT {quote("CustomerId")}, {quote("KeyHash")} FROM {table} WHERE {quote("KeyHash")} IN ({inHashes}) AND {quote("CustomerId")} IN ({inIds})";
    }

    private static DbCommand Command(ProfileStore store, string sql, IEnumerable<long> hashes)
    {
        var command = store.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        var i = 0;
        foreach (var hash in hashes)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@h" + i++;
            parameter.Value = hash;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>How much a hit counts while choosing candidates: identifiers far more than a shared sound.</summary>
    private static int Weight(SearchTermKind kind) => kind switch
    {
        SearchTermKind.Email or SearchTermKind.Id or SearchTermKind.PhoneLast9 => 100,
        SearchTermKind.PhoneLast7 => 40,
        SearchTermKind.NamePair => 40,
        SearchTermKind.EmailLocalPart => 30,
        SearchTermKind.NameToken => 10,
        SearchTermKind.FormalGivenName => 8,
        _ => 5,
    };

    private static (double Score, string? On) IdScore(HashSet<SearchTermKind> hits)
    {
        if (hits.Contains(SearchTermKind.Email)) return (100, "email");
        if (hits.Contains(SearchTermKind.PhoneLast9)) return (95, "phone");
        if (hits.Contains(SearchTermKind.Id)) return (100, "order number or account id");
        if (hits.Contains(SearchTermKind.PhoneLast7)) return (60, "phone");
        if (hits.Contains(SearchTermKind.EmailLocalPart)) return (40, "email");
        return (0, null);
    }

    /// <summary>
    /// How well query tokens fit the given and family names, in [0, 1]: the first token against the given name and the
    /// last against the family name (or the other way round), each by Jaro-Winkler, nicknames counting as near-equal;
    /// one token fits either name.
    /// </summary>
    internal static double NameScore(IReadOnlyList<string> tokens, string given, string family)
    {
        static double Given(string q, string g) => g.Length == 0 ? 0
            : q == g ? 1 : GivenNameVariants.AreVariants(q, g) ? 0.95 : Similar(q, g);
        static double Family(string q, string f) => f.Length == 0 ? 0 : q == f ? 1 : Similar(q, f);
        static double Similar(string q, string n)
        {
            var best = TextSimilarity.JaroWinkler(q, n);
            foreach (var word in n.Split(' ')) best = Math.Max(best, TextSimilarity.JaroWinkler(q, word));
            return best >= 0.8 ? best : 0;
        }
        if (tokens.Count == 1) return Math.Max(Family(tokens[0], family), 0.9 * Given(tokens[0], given));
        var (first, last) = (tokens[0], tokens[^1]);
        var inOrder = (Given(first, given) + Family(last, family)) / 2;
        var swapped = (Given(last, given) + Family(first, family)) / 2 * 0.95;
        return Math.Max(inOrder, swapped);
    }

    private static string DisplayName(string? given, string? family, long id)
    {
        var name = $"{given} {family}".Trim();
        return name.Length > 0 ? name : $"Profile {id}";
    }

    /// <summary>jonathan.smith@example.com → j***@example.com.</summary>
    public static string? MaskEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return null;
        var at = email.IndexOf('@');
        return at <= 0 ? "***" : $"{email[0]}***{email[at..]}";
    }

    /// <summary>+447700900123 → +*********123: only the last three digits show.</summary>
    public static string? MaskPhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone)) return null;
        var digits = TextSimilarity.Digits(phone);
        if (digits.Length <= 3) return "***";
        return (phone.StartsWith('+') ? "+" : "") + new string('*', digits.Length - 3) + digits[^3..];
    }
}
