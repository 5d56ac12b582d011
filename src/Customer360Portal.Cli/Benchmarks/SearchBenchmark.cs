using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.IdentityResolution.Evaluation;
using Customer360Portal.Core.IdentityResolution.Matching;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Names;
using Customer360Portal.Core.Search;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Cli.Benchmarks;

/// <summary>
/// <c>c360 bench search --profiles N --queries Q</c>: N generated people (<see cref="SyntheticPeople"/>, no duplicates)
/// through the real intake and <see cref="FullResolution"/> into a fresh SQLite store (setup, timed apart), the search
/// index built from scratch (timed), then Q agent searches of a realistic mix drawn from those people, each timed
/// end to end (audit entry included), and the profile page's data loaded for the top hit. The synthetic contacts carry
/// no orders or account ids, so the mix has no order-number share: 45% full names with a nickname or a one-letter typo,
/// 22% family names, 17% emails, 16% phones written in another format. The last line is one JSON object.
/// </summary>
public static class SearchBenchmark
{
    private static readonly AuditActor Agent = AuditActor.System("bench-search");

    public static async Task<int> RunAsync(int profiles, int queries, int seed, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(profiles, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queries);
        var people = new SyntheticPeople(profiles, seed, duplicateShare: 0);
        output.WriteLine($"Generating {profiles:N0} people, seed {seed}.");
        using var host = await BenchHost.CreateAsync("search");
        var stores = host.Services.GetRequiredService<IDbContextFactory<ProfileStore>>();

        // Setup: ingest and resolve (not part of the figures).
        var clock = Stopwatch.StartNew();
        var contacts = new Dictionary<string, string>(profiles);
        var source = DemoSources.Crm.Key;
        IEnumerable<IncomingRecord> Incoming()
        {
            foreach (var record in people.Generate())
            {
                contacts[record.ExternalId] = record.ContactJson;
                yield return new IncomingRecord(source, RecordKinds.Contact, Encoding.UTF8.GetBytes(record.ContactJson), record.UpdatedAt);
            }
        }
        var intake = await host.Services.GetRequiredService<IntakePipeline>().IngestStreamAsync(source, Incoming(), cancellationToken: cancellationToken);
        var report = await host.Services.GetRequiredService<FullResolution>().RunAsync(null, cancellationToken);
        output.WriteLine($"Setup:       {clock.Elapsed.TotalSeconds,10:N2} s  (stored {intake.Stored:N0} records, {report.Profiles:N0} profiles)");

        // The index from scratch.
        clock.Restart();
        var indexed = await host.Services.GetRequiredService<SearchIndex>().RunOnceAsync(cancellationToken);
        var indexSeconds = clock.Elapsed.TotalSeconds;
        long keys;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            keys = await store.SearchKeys.LongCountAsync(cancellationToken);
        output.WriteLine($"Index:       {indexSeconds,10:N2} s  ({indexed:N0} profiles, {keys:N0} keys, {indexed / Math.Max(indexSeconds, 1e-9):N0} profiles/s)");

        // The queries, and whose profile each one is looking for.
        var rng = new Random(seed);
        var sample = contacts.Keys.OrderBy(_ => rng.Next()).Take(queries).ToList();
        var owners = await OwnersAsync(stores, sample, cancellationToken);
        var mix = sample.Select(id => (Query: QueryFor(contacts[id], rng, out var kind), Kind: kind, Owner: owners.GetValueOrDefault(id), Id: id))
            .Where(q => q.Query.Length > 0).ToList();
        // How ambiguous full names are: other people with exactly the same given and family name (not timed).
        var namesakes = new Dictionary<string, int>();
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            foreach (var q in mix.Where(q => q.Kind == "full name"))
            {
                using var json = JsonDocument.Parse(contacts[q.Id]);
                var (given, family) = (json.RootElement.GetProperty("firstName").GetString(), json.RootElement.GetProperty("lastName").GetString());
                namesakes[q.Id] = await store.Customers.CountAsync(c => c.Status == CustomerStatus.Active && c.GivenName == given && c.FamilyName == family, cancellationToken) - 1;
            }
        var uniqueFound = 0;

        var search = host.Services.GetRequiredService<CustomerSearch>();
        var graph = host.Services.GetRequiredService<IdentityGraph>();
        var searchTimes = new List<double>(mix.Count);
        var profileTimes = new List<double>(mix.Count);
        var found = 0;
        var foundByKind = new Dictionary<string, int>();
        var step = new Stopwatch();
        foreach (var (query, kind, owner, contactId) in mix)
        {
            step.Restart();
            var results = await search.SearchAsync(query, Agent, cancellationToken: cancellationToken);
            searchTimes.Add(step.Elapsed.TotalMilliseconds);
            if (results.Take(10).Any(r => r.CustomerId == owner))
            {
                found++;
                foundByKind[kind] = foundByKind.GetValueOrDefault(kind) + 1;
                if (namesakes.GetValueOrDefault(contactId, -1) == 0) uniqueFound++;
            }
            if (results.Count == 0) continue;
            step.Restart();
            await LoadProfileAsync(stores, graph, results[0].CustomerId, cancellationToken);
            profileTimes.Add(step.Elapsed.TotalMilliseconds);
        }
        searchTimes.Sort();
        profileTimes.Sort();
        var recall = mix.Count == 0 ? 0 : (double)found / mix.Count;
        var (p50, p95, p99) = (Percentile(searchTimes, 0.50), Percentile(searchTimes, 0.95), Percentile(searchTimes, 0.99));
        output.WriteLine($"Mix:         {string.Join(", ", mix.GroupBy(q => q.Kind).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count():N0}"))} (no orders in synthetic contacts)");
        output.WriteLine($"Search:      {searchTimes.Count:N0} queries against {report.Profiles:N0} profiles: p50 {p50:N2} ms, p95 {p95:N2} ms, p99 {p99:N2} ms; recall@10 {recall:F4}");
        // A family name alone is ambiguous by nature: among thousands of Smiths the intended one is rarely in the top 10.
        output.WriteLine($"Recall@10:   {string.Join(", ", mix.GroupBy(q => q.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {(double)foundByKind.GetValueOrDefault(g.Key) / g.Count():F3}"))}");
        var unique = namesakes.Values.Count(n => n == 0);
        var uniqueRecall = unique == 0 ? 0 : (double)uniqueFound / unique;
        var sortedNamesakes = namesakes.Values.Order().ToList();
        var namesakesP50 = sortedNamesakes.Count == 0 ? 0 : sortedNamesakes[sortedNamesakes.Count / 2];
        output.WriteLine($"Full names:  median {namesakesP50:N0} other people with the very same name; recall@10 {uniqueRecall:F3} for the {unique:N0} whose name is unique");
        output.WriteLine($"Profile:     {profileTimes.Count:N0} top hits opened: p50 {Percentile(profileTimes, 0.5):N2} ms, p95 {Percentile(profileTimes, 0.95):N2} ms");

        var result = new
        {
            benchmark = "search",
            records = intake.Stored,
            profiles = report.Profiles,
            search_keys = keys,
            index_seconds = Math.Round(indexSeconds, 3),
            queries = searchTimes.Count,
            search_p50_ms = Math.Round(p50, 3),
            search_p95_ms = Math.Round(p95, 3),
            search_p99_ms = Math.Round(p99, 3),
            profile_p50_ms = Math.Round(Percentile(profileTimes, 0.5), 3),
            profile_p95_ms = Math.Round(Percentile(profileTimes, 0.95), 3),
            recall_at_10 = Math.Round(recall, 4),
            full_name_namesakes_p50 = namesakesP50,
            full_name_unique_recall_at_10 = Math.Round(uniqueRecall, 4),
            recall_at_10_by_kind = mix.GroupBy(q => q.Kind).OrderBy(g => g.Key)
                .ToDictionary(g => g.Key, g => Math.Round((double)foundByKind.GetValueOrDefault(g.Key) / g.Count(), 4)),
        };
        output.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>What the profile page loads: the identity view (audited), the latest 100 interactions, consent and scores.</summary>
    private static async Task LoadProfileAsync(IDbContextFactory<ProfileStore> stores, IdentityGraph graph, long customerId, CancellationToken cancellationToken)
    {
        await graph.GetAsync(customerId, Agent, cancellationToken);
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await store.Interactions.AsNoTracking().Where(i => i.CustomerId == customerId).OrderByDescending(i => i.OccurredAt).Take(100).ToListAsync(cancellationToken);
        await store.ConsentStates.AsNoTracking().Where(c => c.CustomerId == customerId).ToListAsync(cancellationToken);
        await store.Scores.AsNoTracking().Where(s => s.CustomerId == customerId).ToListAsync(cancellationToken);
    }

    /// <summary>The active profile each sampled contact ended up in (following merges).</summary>
    private static async Task<Dictionary<string, long>> OwnersAsync(IDbContextFactory<ProfileStore> stores, List<string> externalIds, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var owners = new Dictionary<string, long>();
        foreach (var chunk in externalIds.Chunk(500))
        {
            var ids = chunk.ToList();
            foreach (var row in await store.SourceRecords.AsNoTracking().Where(r => ids.Contains(r.ExternalId) && r.CustomerId != null)
                .Select(r => new { r.ExternalId, r.CustomerId }).ToListAsync(cancellationToken))
            {
                var id = row.CustomerId!.Value;
                for (var hops = 0; hops < 10; hops++)
                {
                    var next = await store.Customers.Where(c => c.Id == id).Select(c => c.MergedIntoId).SingleOrDefaultAsync(cancellationToken);
                    if (next is null) break;
                    id = next.Value;
                }
                owners[row.ExternalId] = id;
            }
        }
        return owners;
    }

    /// <summary>A query an agent might type for this contact.</summary>
    private static string QueryFor(string contactJson, Random rng, out string kind)
    {
        using var json = JsonDocument.Parse(contactJson);
        string Field(string name) => json.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
        var (first, last, email, phone) = (Field("firstName"), Field("lastName"), Field("email"), Field("phone"));
        // The issue's mix without its 10% of order numbers: 40 full name, 20 family name, 15 email, 15 phone (of 90).
        var roll = rng.NextDouble() * 0.9;
        if (roll >= 0.75 && phone.Length > 0)
        {
            kind = "phone";
            return OtherFormat(phone, rng);
        }
        if (roll >= 0.60 && roll < 0.75 && email.Length > 0)
        {
            kind = "email";
            return rng.Next(2) == 0 ? email.ToUpperInvariant() : email;
        }
        if (roll >= 0.40 && roll < 0.75 || first.Length == 0)
        {
            kind = "family name";
            return last;
        }
        kind = "full name";
        var nicknames = GivenNameVariants.VariantsOf(first).Where(v => !v.Contains(' ')).ToList();
        var given = nicknames.Count > 0 && rng.Next(2) == 0 ? nicknames[rng.Next(nicknames.Count)] : first;
        if (given == first) { if (rng.Next(2) == 0) given = Typo(given, rng); else last = Typo(last, rng); }
        return rng.Next(5) == 0 ? $"{last} {given}".ToLowerInvariant() : $"{given} {last}".ToLowerInvariant();
    }

    /// <summary>One letter replaced, dropped or swapped with its neighbour (never the first: agents get that right).</summary>
    private static string Typo(string name, Random rng)
    {
        if (name.Length < 4) return name;
        var at = 1 + rng.Next(name.Length - 2);
        return rng.Next(3) switch
        {
            0 => name[..at] + (char)('a' + rng.Next(26)) + name[(at + 1)..],
            1 => name.Remove(at, 1),
            _ => name[..at] + name[at + 1] + name[at] + name[(at + 2)..],
        };
    }

    /// <summary>The same number as an agent might write it down: international as 00…, national as bare digit groups.</summary>
    private static string OtherFormat(string phone, Random rng)
    {
        var digits = TextSimilarity.Digits(phone);
        if (phone.TrimStart().StartsWith('+')) return rng.Next(2) == 0 ? "00" + digits : digits;
        var groups = new StringBuilder();
        for (var i = 0; i < digits.Length; i++)
        {
            if (i > 0 && i % 3 == 0) groups.Append(rng.Next(2) == 0 ? ' ' : '-');
            groups.Append(digits[i]);
        }
        return groups.ToString();
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
