using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Segments;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Cli.Benchmarks;

/// <summary>
/// <c>c360 bench segments --profiles N</c>: the live size estimate of the segment builder over a realistic rule mix.
/// Set-up (timed apart, not part of the figures): N golden records written in bulk with the fields segments use
/// (stage, lifetime value, orders, purchase and activity dates, city, birth date; about 1% merged away and 0.5%
/// restricted), the timeline, consent and scores of <see cref="SyntheticActivity"/> (about ten interactions per profile,
/// product events and orders carrying a category), a "plan" trait for a third and shop source records for buyers. Then
/// each rule kind of the mix (fields, text, traits, behaviour windows, behaviour counts with a category, consent,
/// predictions, nested groups) is estimated repeatedly with varied values through <see cref="SegmentEstimator"/>, end to end
/// as the builder calls it: the size, the sizes after consent for four channels and the masked preview. Above
/// <c>Segments:ExactUpTo</c> profile ids the estimate is sampled; each kind's last estimate is compared with an exact
/// count (the refresh path, timed apart). The last line is one JSON object.
/// </summary>
public static class SegmentBenchmark
{
    private const int CustomersPerBlock = 50_000;
    private static readonly string[] Cities = ["London", "Leeds", "Manchester", "Bristol", "Paris", "Lyon", "Berlin", "Hamburg", "Madrid", "Dublin"];
    private static readonly string[] Given = ["Ann", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea"];
    private static readonly string[] Family = ["Smith", "Jones", "Martin", "Bernard", "Muller", "Garcia", "Kelly", "Novak", "Rossi", "Silva"];
    private static readonly string[] Plans = ["gold", "silver", "bronze"];
    private static readonly string[] Categories = ["Machines", "Tableware", "Care", "Courses", "Coffee and tea"];

    /// <param name="exactUpTo">Overrides Segments:ExactUpTo (the tiny CI run uses it to exercise the sampled path).</param>
    public static async Task<int> RunAsync(int profiles, int repeats, int seed, TextWriter output, CancellationToken cancellationToken, int? exactUpTo = null, bool explain = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(profiles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        output.WriteLine($"Generating {profiles:N0} profiles, seed {seed}.");
        using var host = await BenchHost.CreateAsync("segments", b =>
        {
            if (exactUpTo is { } limit) b.Configuration[$"{SegmentOptions.Section}:{nameof(SegmentOptions.ExactUpTo)}"] = limit.ToString(CultureInfo.InvariantCulture);
            b.AddSegments(runInBackground: false);
        });
        var stores = host.Services.GetRequiredService<IDbContextFactory<ProfileStore>>();
        var now = DateTime.UtcNow;
        var rng = new Random(seed);

        var clock = Stopwatch.StartNew();
        var active = await SeedProfilesAsync(stores, profiles, now, rng, cancellationToken);
        var profileSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var activity = await SyntheticActivity.AddAsync(stores, active, SearchBenchmark.DefaultInteractionsPerProfile, seed, now, cancellationToken);
        output.WriteLine($"Setup:       {profileSeconds + clock.Elapsed.TotalSeconds,10:N2} s  ({profiles:N0} profiles, {activity.Interactions:N0} interactions, "
            + $"{activity.ConsentEvents:N0} consent events, {activity.Scores:N0} scores)");
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            await store.Database.ExecuteSqlRawAsync("PRAGMA optimize; ANALYZE;", cancellationToken);

        var estimator = host.Services.GetRequiredService<SegmentEstimator>();
        var masking = ProfileMasking.ForRoles([PortalRoles.Marketer]);
        var mix = Mix(rng, repeats);
        // A long-running server: the queries of each shape are compiled once before anything is timed.
        foreach (var (_, rule) in mix.GroupBy(m => m.Kind).Select(g => g.First()))
            await estimator.EstimateAsync(rule, masking, cancellationToken);

        if (explain)
            await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            {
                var sample = estimator.SampleFor(profiles);
                foreach (var (kind, rule) in mix.GroupBy(m => m.Kind).Select(g => g.First()))
                {
                    var sql = SegmentCompiler.Query(store, rule, now).Where(c => EF.Parameter(sample).Contains(c.Id)).Select(c => c.Id).ToQueryString();
                    var connection = store.Database.GetDbConnection();
                    await store.Database.OpenConnectionAsync(cancellationToken);
                    await using var command = connection.CreateCommand();
                    var body = sql[sql.IndexOf("SELECT", StringComparison.Ordinal)..];
                    command.CommandText = "EXPLAIN QUERY PLAN " + body;
                    var p = command.CreateParameter();
                    p.ParameterName = "@sample";
                    p.Value = JsonSerializer.Serialize(sample);
                    command.Parameters.Add(p);
                    foreach (var line in sql.Split('\n').Where(l => l.StartsWith(".param set", StringComparison.Ordinal)))
                    {
                        var parts = line.Split(' ', 4);
                        if (parts[2] == "@sample") continue;
                        var q = command.CreateParameter();
                        q.ParameterName = parts[2];
                        q.Value = parts[3].Trim('\'');
                        command.Parameters.Add(q);
                    }
                    output.WriteLine($"-- {kind}\n{body}");
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken)) output.WriteLine("   " + reader.GetString(3));
                }
            }

        var times = new Dictionary<string, List<double>>();
        var last = new Dictionary<string, (SegmentRule Rule, SegmentEstimate Estimate)>();
        var all = new List<double>();
        foreach (var (kind, rule) in mix)
        {
            var started = Stopwatch.GetTimestamp();
            var estimate = await estimator.EstimateAsync(rule, masking, cancellationToken);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            (times.TryGetValue(kind, out var list) ? list : times[kind] = []).Add(ms);
            all.Add(ms);
            last[kind] = (rule, estimate);
        }
        all.Sort();

        // Each kind's last estimate against the exact count (what a membership refresh computes).
        var within = 0;
        var exactTimes = new List<double>();
        var sampled = false;
        output.WriteLine($"{"Rule kind",-18} {"p50 ms",8} {"p95 ms",8}  estimate (95% interval) vs exact count (ms)");
        foreach (var kind in times.Keys.Order(StringComparer.Ordinal))
        {
            var sorted = times[kind].Order().ToList();
            var (rule, estimate) = last[kind];
            var started = Stopwatch.GetTimestamp();
            int exact;
            await using (var store = await stores.CreateDbContextAsync(cancellationToken))
                exact = await SegmentCompiler.Query(store, rule, now).CountAsync(cancellationToken);
            var exactMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            exactTimes.Add(exactMs);
            sampled |= estimate.Sampled;
            if (exact >= estimate.Size.Low && exact <= estimate.Size.High) within++;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind,-18} {Percentile(sorted, 0.5),8:N1} {Percentile(sorted, 0.95),8:N1}  {estimate.Size.Value:N0} ({estimate.Size.Low:N0}–{estimate.Size.High:N0}) vs {exact:N0} ({exactMs:N0} ms)"));
        }
        exactTimes.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Estimates:   {all.Count:N0} over {profiles:N0} profiles ({(sampled ? "sampled" : "exact")}): p50 {Percentile(all, 0.5):N1} ms, p95 {Percentile(all, 0.95):N1} ms, max {Percentile(all, 1):N1} ms; {within} of {times.Count} exact counts inside the 95% interval"));

        var result = new
        {
            benchmark = "segments",
            profiles,
            interactions = activity.Interactions,
            estimates = all.Count,
            sampled,
            sample_size = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SegmentOptions>>().Value.SampleSize,
            estimate_p50_ms = Math.Round(Percentile(all, 0.5), 3),
            estimate_p95_ms = Math.Round(Percentile(all, 0.95), 3),
            estimate_max_ms = Math.Round(Percentile(all, 1), 3),
            estimate_p95_ms_by_kind = times.OrderBy(t => t.Key, StringComparer.Ordinal)
                .ToDictionary(t => t.Key, t => Math.Round(Percentile(t.Value.Order().ToList(), 0.95), 3)),
            exact_count_p50_ms = Math.Round(Percentile(exactTimes, 0.5), 3),
            exact_count_max_ms = Math.Round(Percentile(exactTimes, 1), 3),
            exact_within_interval = within,
            kinds = times.Count,
        };
        output.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Each kind of rule a marketer writes, with values varied per repeat (same shape, other values).</summary>
    private static List<(string Kind, SegmentRule Rule)> Mix(Random rng, int repeats)
    {
        var mix = new List<(string, SegmentRule)>();
        for (var i = 0; i < repeats; i++)
        {
            var city = Cities[rng.Next(Cities.Length)];
            var days = new[] { 7, 30, 90 }[rng.Next(3)];
            var category = Categories[rng.Next(Categories.Length)];
            var value = 50 + rng.Next(400);
            mix.Add(("fields", Parse($$"""[ { "type": "field", "field": "lifecycleStage", "operator": "in", "values": ["AtRisk", "Lapsed", "Retention"] }, { "type": "field", "field": "lifetimeValue", "operator": "greaterOrEqual", "values": ["{{value}}"] }, { "type": "field", "field": "daysSinceLastPurchase", "operator": "lessOrEqual", "values": ["{{days * 4}}"] } ]""")));
            mix.Add(("text", Parse($$"""[ { "type": "field", "field": "city", "operator": "equals", "values": ["{{city}}"] }, { "type": "field", "field": "age", "operator": "between", "values": ["25", "{{40 + rng.Next(20)}}"] } ]""")));
            mix.Add(("trait", Parse($$"""[ { "type": "trait", "key": "plan", "operator": "equals", "values": ["{{Plans[rng.Next(Plans.Length)]}}"] } ]""")));
            mix.Add(("behaviour", Parse($$"""[ { "type": "behaviour", "event": "email.opened", "did": true, "withinDays": {{days}} } ]""")));
            mix.Add(("behaviour-count", Parse($$"""[ { "type": "behaviour", "event": "track:Product Viewed", "did": true, "minTimes": 2, "withinDays": {{days * 4}}, "category": "{{category}}" }, { "type": "behaviour", "event": "order.placed", "did": false, "withinDays": {{days * 4}}, "category": "{{category}}" } ]""")));
            mix.Add(("consent", Parse($$"""[ { "type": "consent", "purpose": "EmailMarketing", "granted": true }, { "type": "consent", "purpose": "SmsMarketing", "granted": {{(rng.Next(2) == 0 ? "true" : "false")}} } ]""")));
            mix.Add(("prediction", Parse($$"""[ { "type": "prediction", "kind": "ChurnRisk", "band": "{{new[] { "high", "medium" }[rng.Next(2)]}}" } ]""")));
            mix.Add(("nested", Parse($$"""[ { "type": "field", "field": "lifecycleStage", "operator": "notEquals", "values": ["Awareness"] }, { "type": "group", "combinator": "any", "rules": [ { "type": "behaviour", "event": "email.clicked", "did": true, "withinDays": {{days * 2}} }, { "type": "prediction", "kind": "ChurnRisk", "minScore": 0.6 }, { "type": "trait", "key": "plan", "operator": "in", "values": ["gold", "silver"] } ] }, { "type": "group", "combinator": "any", "negate": true, "rules": [ { "type": "consent", "purpose": "EmailMarketing", "granted": false }, { "type": "source", "source": "shop" } ] } ]""")));
        }
        return mix;
    }

    private static SegmentRule Parse(string rules) => SegmentRuleJson.Parse($$"""{ "type": "group", "combinator": "all", "rules": {{rules}} }""");

    /// <summary>Golden records with the fields rules read, a "plan" trait for a third and a shop source record per buyer.</summary>
    private static async Task<List<long>> SeedProfilesAsync(IDbContextFactory<ProfileStore> stores, int profiles, DateTime now, Random rng,
        CancellationToken cancellationToken)
    {
        var active = new List<long>(profiles);
        var stages = Enum.GetValues<LifecycleStage>();
        for (long start = 1; start <= profiles; start += CustomersPerBlock)
        {
            var end = Math.Min(profiles, start + CustomersPerBlock - 1);
            await using var store = await stores.CreateDbContextAsync(cancellationToken);
            await store.Database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
            var db = transaction.GetDbTransaction();
            var traits = new List<CustomerTrait>();
            var records = new List<SourceRecord>();
            await using (var bulk = BulkRows<Customer>.InsertMany(store, db, explicitKeys: true))
                for (var id = start; id <= end; id++)
                {
                    var roll = rng.NextDouble();
                    var status = roll < 0.01 ? CustomerStatus.Merged : roll < 0.015 ? CustomerStatus.Restricted : CustomerStatus.Active;
                    var orders = rng.NextDouble() < 0.4 ? 0 : 1 + (int)(-3 * Math.Log(1 - rng.NextDouble()));
                    var created = now.AddDays(-rng.Next(30, 1_500));
                    DateTime? first = orders == 0 ? null : created.AddDays(rng.Next(0, 20));
                    DateTime? lastPurchase = first is { } f ? f + (now - f) * rng.NextDouble() : null;
                    var given = Given[rng.Next(Given.Length)];
                    var family = Family[rng.Next(Family.Length)];
                    bulk.Write(new Customer
                    {
                        Id = id, Status = status, MergedIntoId = status == CustomerStatus.Merged && id > 1 ? id - 1 : null,
                        GivenName = given, FamilyName = family, NormalizedName = $"{given} {family}".ToLowerInvariant(),
                        Email = rng.NextDouble() < 0.9 ? $"{given}.{family}.{id}@example.com".ToLowerInvariant() : null,
                        Phone = rng.NextDouble() < 0.6 ? $"+4477009{id % 100_000:00000}" : null,
                        DateOfBirth = rng.NextDouble() < 0.7 ? DateOnly.FromDateTime(now.AddDays(-rng.Next(18 * 365, 80 * 365))) : null,
                        AddressLine = rng.NextDouble() < 0.5 ? $"{1 + rng.Next(200)} High Street" : null, City = Cities[rng.Next(Cities.Length)],
                        Postcode = $"AB{rng.Next(10, 99)} {rng.Next(1, 9)}CD", Country = "GB",
                        LifecycleStage = stages[rng.Next(stages.Length)], LifetimeValueMinor = orders * (1_000 + rng.Next(15_000)), Currency = "EUR",
                        OrderCount = orders, FirstPurchaseAt = first, LastPurchaseAt = lastPurchase, LastActivityAt = now.AddDays(-rng.Next(0, 400)),
                        CreatedAt = created, UpdatedAt = now.AddMinutes(-rng.Next(0, 10_000)), Version = 1,
                    });
                    if (status == CustomerStatus.Active) active.Add(id);
                    if (rng.NextDouble() < 0.33)
                        traits.Add(new CustomerTrait { CustomerId = id, Key = "plan", Value = Plans[rng.Next(Plans.Length)], SourceKey = "crm", UpdatedAt = now });
                    if (orders > 0)
                        records.Add(new SourceRecord
                        {
                            SourceKey = "shop", ExternalId = $"ORD-{id}", Kind = "order", PayloadJson = "{}", NormalizedJson = "{}", OccurredAt = lastPurchase!.Value,
                            PayloadHash = id.ToString("x64", CultureInfo.InvariantCulture), VersionKey = id.ToString("x16", CultureInfo.InvariantCulture),
                            ReceivedAt = lastPurchase.Value, Status = SourceRecordStatus.Resolved, CustomerId = id, OriginCustomerId = id,
                        });
                }
            await using (var bulk = BulkRows<CustomerTrait>.InsertMany(store, db))
                foreach (var trait in traits) bulk.Write(trait);
            await using (var bulk = BulkRows<SourceRecord>.InsertMany(store, db))
                foreach (var record in records) bulk.Write(record);
            await transaction.CommitAsync(cancellationToken);
        }
        return active;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
