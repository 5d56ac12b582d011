using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.CustomerView;
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
/// through the real intake and <see cref="FullResolution"/> into a fresh SQLite store (setup, timed apart), then about
/// <c>interactionsPerProfile</c> timeline entries per profile with consent, scores and a few notes written in bulk
/// (<see cref="SyntheticActivity"/>, skewed so about one profile in a thousand has 1,000 to 3,000 entries; timed apart),
/// the search index built from scratch (timed), then Q agent searches of a realistic mix drawn from those people, each
/// timed end to end (audit entry included), and for the top hit what the profile page loads, through the page's own
/// services: the identity view (audited), the header summary, the first 100 timeline entries and the filter chip
/// counts (the profile figures), then the journey chart (loaded after first paint) and a filtered timeline page, each
/// timed apart. Heavy-timeline profiles are opened as well and reported on their own. The synthetic contacts carry no
/// order numbers, so the mix has no order-number share: 45% full names with a nickname or a one-letter typo, 22%
/// family names, 17% emails, 16% phones written in another format. The last line is one JSON object.
/// </summary>
public static class SearchBenchmark
{
    private static readonly AuditActor Agent = AuditActor.System("bench-search");
    public const int DefaultInteractionsPerProfile = 10;
    private const int TimelinePageSize = 100;

    public static Task<int> RunAsync(int profiles, int queries, int seed, TextWriter output, CancellationToken cancellationToken) =>
        RunAsync(profiles, queries, seed, DefaultInteractionsPerProfile, output, cancellationToken);

    public static async Task<int> RunAsync(int profiles, int queries, int seed, int interactionsPerProfile, TextWriter output,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(profiles, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queries);
        ArgumentOutOfRangeException.ThrowIfNegative(interactionsPerProfile);
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

        // What the profile page shows beyond the golden record: the contacts bring none of it (not part of the figures).
        clock.Restart();
        List<long> active;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            active = await store.Customers.AsNoTracking().Where(c => c.Status == CustomerStatus.Active).Select(c => c.Id).ToListAsync(cancellationToken);
        var now = DateTime.UtcNow;
        var activity = await SyntheticActivity.AddAsync(stores, active, interactionsPerProfile, seed, now, cancellationToken);
        var activitySeconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"Activity:    {activitySeconds,10:N2} s  ({activity.Interactions:N0} interactions, {activity.Interactions / Math.Max(activitySeconds, 1e-9):N0}/s; "
            + $"{activity.ConsentEvents:N0} consent events, {activity.Scores:N0} scores, {activity.Notes:N0} notes; "
            + $"{activity.Heavy.Count:N0} profiles with {SyntheticActivity.HeavyMinimum:N0}+ entries, longest {activity.MaxPerProfile:N0})");

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
        var page = new ProfilePage(host.Services);
        var searchTimes = new List<double>(mix.Count);
        var typical = new ProfileTimes();
        // The portal is a long-running server: the page's queries are compiled once before anything is timed.
        foreach (var id in active.Take(2).Concat(activity.Heavy.Take(1)))
            await page.OpenAsync(id, now, new ProfileTimes(), cancellationToken);
        // Pauses of the collector while timing, with the generated people and contacts still in memory (they explain outliers).
        var (pauseBefore, gen2Before) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
        var found = 0;
        ProfileTimes.Since.Restart();
        output.WriteLine($"Timing:      starts with {DirtyPages()} still to write back");
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
            await page.OpenAsync(results[0].CustomerId, now, typical, cancellationToken);
        }
        // The longest timelines, opened as often as a tenth of the searches (at least 20 when there are that many).
        var heavy = new ProfileTimes();
        foreach (var id in activity.Heavy.OrderBy(_ => rng.Next()).Take(Math.Max(20, mix.Count / 10)))
            await page.OpenAsync(id, now, heavy, cancellationToken);
        var all = ProfileTimes.Both(typical, heavy);
        var (gcPauseMs, gen2) = ((GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds, GC.CollectionCount(2) - gen2Before);
        searchTimes.Sort();
        var peakMemoryMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
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
        output.WriteLine($"Profile:     {typical.Page.Count:N0} top hits and {heavy.Page.Count:N0} heavy timelines opened: p50 {Percentile(all.Page, 0.5):N2} ms, "
            + $"p95 {Percentile(all.Page, 0.95):N2} ms, p99 {Percentile(all.Page, 0.99):N2} ms, max {Percentile(all.Page, 1):N2} ms "
            + $"(header {Percentile(all.Header, 0.95):N2}, summary {Percentile(all.Summary, 0.95):N2}, first {TimelinePageSize} entries {Percentile(all.Timeline, 0.95):N2}, "
            + $"facets {Percentile(all.Facets, 0.95):N2} ms at p95; slowest header {Percentile(all.Header, 1):N2}, summary {Percentile(all.Summary, 1):N2}, "
            + $"entries {Percentile(all.Timeline, 1):N2}, facets {Percentile(all.Facets, 1):N2} ms)");
        output.WriteLine($"Slowest:     profile {all.Slowest.CustomerId} with {all.Slowest.Entries:N0} timeline entries, {all.Slowest.Ms:N2} ms "
            + $"(header, summary, entries, facets: {all.Slowest.Steps} ms), {all.Slowest.At:N1} s into the timing; at the end {DirtyPages()}");
        output.WriteLine($"Collector:   {gcPauseMs:N0} ms paused in {gen2:N0} full collections while timing");
        output.WriteLine($"Top hits:    p95 {Percentile(typical.Page, 0.95):N2} ms; journey p95 {Percentile(typical.Journey, 0.95):N2} ms; "
            + $"filtered timeline p95 {Percentile(typical.Filtered, 0.95):N2} ms");
        output.WriteLine($"Heavy:       p95 {Percentile(heavy.Page, 0.95):N2} ms (header {Percentile(heavy.Header, 0.95):N2}, summary {Percentile(heavy.Summary, 0.95):N2}, "
            + $"timeline {Percentile(heavy.Timeline, 0.95):N2}, facets {Percentile(heavy.Facets, 0.95):N2}); journey p95 {Percentile(heavy.Journey, 0.95):N2} ms; "
            + $"filtered timeline p95 {Percentile(heavy.Filtered, 0.95):N2} ms");

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
            interactions_per_profile = interactionsPerProfile,
            interactions = activity.Interactions,
            interactions_max_per_profile = activity.MaxPerProfile,
            consent_events = activity.ConsentEvents,
            scores = activity.Scores,
            notes = activity.Notes,
            activity_seconds = Math.Round(activitySeconds, 3),
            profile_samples = all.Page.Count,
            profile_p50_ms = Math.Round(Percentile(all.Page, 0.5), 3),
            profile_p95_ms = Math.Round(Percentile(all.Page, 0.95), 3),
            profile_p99_ms = Math.Round(Percentile(all.Page, 0.99), 3),
            profile_max_ms = Math.Round(Percentile(all.Page, 1), 3),
            profile_p95_ms_top_hits = Math.Round(Percentile(typical.Page, 0.95), 3),
            profile_heavy_samples = heavy.Page.Count,
            profile_p95_ms_heavy = Math.Round(Percentile(heavy.Page, 0.95), 3),
            profile_steps_p95_ms = new
            {
                header = Math.Round(Percentile(all.Header, 0.95), 3),
                summary = Math.Round(Percentile(all.Summary, 0.95), 3),
                timeline = Math.Round(Percentile(all.Timeline, 0.95), 3),
                facets = Math.Round(Percentile(all.Facets, 0.95), 3),
            },
            profile_steps_max_ms = new
            {
                header = Math.Round(Percentile(all.Header, 1), 3),
                summary = Math.Round(Percentile(all.Summary, 1), 3),
                timeline = Math.Round(Percentile(all.Timeline, 1), 3),
                facets = Math.Round(Percentile(all.Facets, 1), 3),
            },
            journey_p95_ms = Math.Round(Percentile(all.Journey, 0.95), 3),
            journey_p95_ms_heavy = Math.Round(Percentile(heavy.Journey, 0.95), 3),
            timeline_filtered_p95_ms = Math.Round(Percentile(all.Filtered, 0.95), 3),
            timeline_filtered_p95_ms_heavy = Math.Round(Percentile(heavy.Filtered, 0.95), 3),
            recall_at_10 = Math.Round(recall, 4),
            full_name_namesakes_p50 = namesakesP50,
            full_name_unique_recall_at_10 = Math.Round(uniqueRecall, 4),
            recall_at_10_by_kind = mix.GroupBy(q => q.Kind).OrderBy(g => g.Key)
                .ToDictionary(g => g.Key, g => Math.Round((double)foundByKind.GetValueOrDefault(g.Key) / g.Count(), 4)),
            gc_pause_ms_while_timing = Math.Round(gcPauseMs, 1),
            gen2_collections_while_timing = gen2,
            peak_memory_mb = Math.Round(peakMemoryMb),
        };
        output.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Milliseconds per opened profile, sorted on read.</summary>
    private sealed class ProfileTimes
    {
        public List<double> Page { get; } = [];
        public List<double> Header { get; } = [];
        public List<double> Summary { get; } = [];
        public List<double> Timeline { get; } = [];
        public List<double> Facets { get; } = [];
        public List<double> Journey { get; } = [];
        public List<double> Filtered { get; } = [];
        /// <summary>The slowest first paint: which profile, how long its timeline is, and the milliseconds of each step.</summary>
        public (long CustomerId, int Entries, double Ms, string Steps, double At) Slowest { get; set; }
        /// <summary>When timing started, for where the slowest open fell.</summary>
        public static readonly Stopwatch Since = new();

        public static ProfileTimes Both(ProfileTimes a, ProfileTimes b)
        {
            var both = new ProfileTimes { Slowest = a.Slowest.Ms >= b.Slowest.Ms ? a.Slowest : b.Slowest };
            foreach (var (to, x, y) in new[] { (both.Page, a.Page, b.Page), (both.Header, a.Header, b.Header), (both.Summary, a.Summary, b.Summary),
                (both.Timeline, a.Timeline, b.Timeline), (both.Facets, a.Facets, b.Facets), (both.Journey, a.Journey, b.Journey), (both.Filtered, a.Filtered, b.Filtered) })
            {
                to.AddRange(x);
                to.AddRange(y);
            }
            foreach (var list in new[] { a.Page, a.Header, a.Summary, a.Timeline, a.Facets, a.Journey, a.Filtered,
                b.Page, b.Header, b.Summary, b.Timeline, b.Facets, b.Journey, b.Filtered,
                both.Page, both.Header, both.Summary, both.Timeline, both.Facets, both.Journey, both.Filtered })
                list.Sort();
            return both;
        }
    }

    /// <summary>What the profile page loads, through its own services, one timed call after the other as the page makes them.</summary>
    private sealed class ProfilePage(IServiceProvider services)
    {
        private readonly IdentityGraph graph = services.GetRequiredService<IdentityGraph>();
        private readonly ProfileSummaries summaries = services.GetRequiredService<ProfileSummaries>();
        private readonly CustomerTimeline timeline = services.GetRequiredService<CustomerTimeline>();
        private readonly Stopwatch clock = new();
        private int opened;

        // What agents narrow the timeline to, taken in turn: one category, and a word.
        private static readonly TimelineFilter[] Filters =
        [
            new() { Categories = new HashSet<TimelineCategory> { TimelineCategory.Orders } },
            new() { Text = "coffee" },
        ];

        public async Task OpenAsync(long customerId, DateTime now, ProfileTimes times, CancellationToken cancellationToken)
        {
            // First paint: header, summary, the first page of the timeline and its filter chips.
            var started = Stopwatch.GetTimestamp();
            var view = await Timed(() => graph.GetAsync(customerId, Agent, cancellationToken), times.Header);
            var id = view?.CustomerId ?? customerId;
            await Timed(() => summaries.LoadAsync(id, cancellationToken), times.Summary);
            var first = await Timed(() => timeline.PageAsync(id, TimelineFilter.All, 0, TimelinePageSize, cancellationToken), times.Timeline);
            await Timed(() => timeline.FacetsAsync(id, cancellationToken), times.Facets);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            times.Page.Add(ms);
            if (ms > times.Slowest.Ms)
                times.Slowest = (id, first.Total, ms, string.Join(", ", new[] { times.Header, times.Summary, times.Timeline, times.Facets }.Select(t => $"{t[^1]:N1}")),
                    ProfileTimes.Since.Elapsed.TotalSeconds);
            // After first paint: the journey chart; then the agent filters.
            await Timed(() => timeline.JourneyAsync(id, now, cancellationToken), times.Journey);
            await Timed(() => timeline.PageAsync(id, Filters[opened++ % Filters.Length], 0, TimelinePageSize, cancellationToken), times.Filtered);
        }

        private async Task<T> Timed<T>(Func<Task<T>> call, List<double> into)
        {
            clock.Restart();
            var result = await call();
            into.Add(clock.Elapsed.TotalMilliseconds);
            return result;
        }
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

    /// <summary>What the kernel still has to write back (Linux only): a read can wait behind it.</summary>
    private static string DirtyPages()
    {
        try
        {
            return string.Join(", ", File.ReadLines("/proc/meminfo").Where(l => l.StartsWith("Dirty:") || l.StartsWith("Writeback:"))
                .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
        }
        catch (IOException) { return "no /proc/meminfo"; }
        catch (UnauthorizedAccessException) { return "no /proc/meminfo"; }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
