using System.Diagnostics;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Insights;

/// <summary>What one refresh pass did.</summary>
public sealed record InsightsRefreshResult(bool Rebuilt, int StageMoves, int NewOrders, int NewJourneys, TimeSpan Took);

/// <summary>
/// Computes the dashboard's figures and stores them as snapshots. Built to stay cheap at a million profiles and ten million
/// interactions:
/// <list type="bullet">
/// <item><b>Stage flow</b>: each profile's stage at the last pass is kept in a narrow table (<see cref="StageMark"/>); a pass
/// compares it with the profile's current stage (one join over the profiles) and counts the moves, dated by the profile's
/// latest activity. No per-person history grows and no interaction of a known profile is read. Profiles new since the
/// last pass (everyone on the first pass) get their history by replaying their interactions through the projection's
/// own stage rule, so a first pass or a backfill still yields a dated history.</item>
/// <item><b>Revenue and journeys</b> are incremental: only orders newer than the last pass are read (a primary-key range),
/// and a full rebuild every <see cref="InsightsOptions.FullRebuildInterval"/> corrects for deleted rows (erasure,
/// retention) and late first orders.</item>
/// <item><b>Churn, consent</b>: one grouped read each per pass. <b>Profiles per source</b> needs a full read of the source
/// records, so only the full rebuild computes it; record counters come live from the sync state.</item>
/// </list>
/// </summary>
public sealed class InsightsRefresh(IDbContextFactory<ProfileStore> stores, ConsentLedger consent, TimeProvider clock)
{
    public const int Steps = 6;
    private const int WriteBatch = 5_000;
    private const int JourneyChunk = 500;
    /// <summary>Touchpoints kept per journey path (the last ones before the first order).</summary>
    public const int JourneySteps = 3;
    public const string NoTouchpoint = "Direct";

    public async Task<InsightsRefreshResult> RunAsync(bool rebuild, TimeSpan fullRebuildInterval, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.StartNew();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        store.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));

        var lastRevenue = await SnapshotStore.ReadAsync<RevenuePayload>(store, SnapshotKinds.Revenue, cancellationToken);
        var lastSources = await SnapshotStore.ReadAsync<SourcesPayload>(store, SnapshotKinds.Sources, cancellationToken);
        // The sources snapshot is only written by full passes: its age is the age of the last rebuild. One taken before
        // any source had data (a new store) is no rebuild worth waiting a day after.
        rebuild |= lastRevenue is null || lastSources is null || now - lastSources.ComputedAt >= fullRebuildInterval
            || (lastSources.Data.Sources.Count == 0 && await store.SourceRecords.AnyAsync(cancellationToken));

        await LifecycleAging.AgeAsync(store, now, cancellationToken);
        int moves = await StagesAsync(store, now, cancellationToken);
        progress?.Report(1);
        // One upper bound for revenue and journeys, so an order committed meanwhile is counted by both on the next pass.
        long maxId = await store.Interactions.MaxAsync(i => (long?)i.Id, cancellationToken) ?? 0;
        int orders = await RevenueAsync(store, now, rebuild ? null : lastRevenue, maxId, cancellationToken);
        progress?.Report(2);
        int journeys = await JourneysAsync(store, now, rebuild, maxId, cancellationToken);
        progress?.Report(3);
        await ChurnAsync(store, now, cancellationToken);
        progress?.Report(4);
        await ConsentAsync(store, now, cancellationToken);
        progress?.Report(5);
        if (rebuild) await SourcesAsync(store, now, cancellationToken);
        progress?.Report(6);
        return new InsightsRefreshResult(rebuild, moves, orders, journeys, started.Elapsed);
    }

    // ---------------------------------------------------------------- lifecycle stages and their flow

    private static async Task<int> StagesAsync(ProfileStore store, DateTime now, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var last = await SnapshotStore.ReadAsync<StageFlowPayload>(store, SnapshotKinds.StageFlow, cancellationToken);
        var moves = (last?.Data.Moves ?? []).ToDictionary(m => (m.Day, m.From, m.To), m => m.Customers);
        int counted = 0;
        void Count(DateTime at, LifecycleStage from, LifecycleStage to)
        {
            // A stage only changes with a record, so a move is dated by the profile's latest activity (never in the future).
            var key = (DateOnly.FromDateTime(at > now ? now : at), from, to);
            moves[key] = moves.GetValueOrDefault(key) + 1;
            counted++;
        }

        var changed = await (
            from c in store.Customers
            where c.Status == CustomerStatus.Active
            join m in store.StageMarks on c.Id equals m.CustomerId
            where c.LifecycleStage != m.Stage
            select new { c.Id, From = m.Stage, To = c.LifecycleStage }).ToListAsync(cancellationToken);
        var added = await store.Customers.Where(c => c.Status == CustomerStatus.Active && !store.StageMarks.Any(m => m.CustomerId == c.Id))
            .Select(c => new { c.Id, c.LifecycleStage }).ToListAsync(cancellationToken);
        var gone = await store.StageMarks.Where(m => !store.Customers.Any(c => c.Id == m.CustomerId && c.Status == CustomerStatus.Active))
            .Select(m => m.CustomerId).ToListAsync(cancellationToken);

        foreach (var chunk in changed.Chunk(JourneyChunk))
        {
            var at = await ActivityAtAsync(store, chunk.Select(m => m.Id).ToList(), cancellationToken);
            foreach (var move in chunk) Count(at[move.Id], move.From, move.To);
        }
        // New profiles (all of them on the first pass, and a backfill's): their history is replayed from their interactions.
        foreach (var chunk in added.Chunk(JourneyChunk))
        {
            var ids = chunk.Select(a => a.Id).ToList();
            var replayed = await ReplayAsync(store, ids, Count, cancellationToken);
            var at = await ActivityAtAsync(store, ids, cancellationToken);
            // Records projected out of time order can leave the stored stage elsewhere than the replay: one move settles it.
            foreach (var profile in chunk)
            {
                var end = replayed.GetValueOrDefault(profile.Id, LifecycleStage.Unknown);
                if (end != profile.LifecycleStage) Count(at[profile.Id], end, profile.LifecycleStage);
            }
        }

        // Short write transactions: SQLite has one writer, and intake must not wait long on us.
        foreach (var chunk in gone.Chunk(WriteBatch))
            await store.StageMarks.Where(m => chunk.Contains(m.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        foreach (var group in changed.GroupBy(m => m.To))
            foreach (var chunk in group.Select(m => m.Id).Chunk(WriteBatch))
                await store.StageMarks.Where(m => chunk.Contains(m.CustomerId))
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.Stage, group.Key).SetProperty(m => m.RecordedAt, now), cancellationToken);
        foreach (var chunk in added.Chunk(WriteBatch))
        {
            store.StageMarks.AddRange(chunk.Select(a => new StageMark { CustomerId = a.Id, Stage = a.LifecycleStage, RecordedAt = now }));
            await store.SaveChangesAsync(cancellationToken);
            store.ChangeTracker.Clear();
        }

        var counts = await store.StageMarks.GroupBy(m => m.Stage).Select(g => new { Stage = g.Key, Customers = g.Count() }).ToListAsync(cancellationToken);
        var through = await store.Customers.MaxAsync(c => (DateTime?)c.UpdatedAt, cancellationToken);
        var stages = new StagesPayload(Enum.GetValues<LifecycleStage>()
            .Select(s => new StageCount(s, counts.Where(c => c.Stage == s).Sum(c => c.Customers))).ToList());
        await SnapshotStore.WriteAsync(store, SnapshotKinds.Stages, stages, now, through, watch.ElapsedMilliseconds, cancellationToken);

        var flow = new StageFlowPayload(
            moves.Where(m => m.Value > 0).Select(m => new StageMove(m.Key.Day, m.Key.From, m.Key.To, m.Value))
                .OrderBy(m => m.Day).ThenBy(m => m.From).ThenBy(m => m.To).ToList(),
            last?.Data.TrackingSince ?? now);
        await SnapshotStore.WriteAsync(store, SnapshotKinds.StageFlow, flow, now, through, watch.ElapsedMilliseconds, cancellationToken);
        return counted;
    }

    /// <summary>
    /// When these profiles last changed: their latest activity (or last update). Read for the few that moved only, so the
    /// comparison above stays an index scan (Status, LifecycleStage) instead of reading every profile row.
    /// </summary>
    private static Task<Dictionary<long, DateTime>> ActivityAtAsync(ProfileStore store, List<long> ids, CancellationToken cancellationToken) =>
        store.Customers.Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, At = c.LastActivityAt ?? c.UpdatedAt })
            .ToDictionaryAsync(c => c.Id, c => c.At, cancellationToken);

    /// <summary>
    /// Replays these profiles' interactions in time order through the projection's own stage rule
    /// (<see cref="Metrics.NextStage"/>), counting every move when it happened; returns where each profile ended.
    /// </summary>
    private static async Task<Dictionary<long, LifecycleStage>> ReplayAsync(ProfileStore store, List<long> ids, Action<DateTime, LifecycleStage, LifecycleStage> count,
        CancellationToken cancellationToken)
    {
        var ended = new Dictionary<long, LifecycleStage>();
        long current = -1;
        var stage = LifecycleStage.Unknown;
        int orders = 0;
        var rows = store.Interactions.AsNoTracking().Where(i => ids.Contains(i.CustomerId))
            .OrderBy(i => i.CustomerId).ThenBy(i => i.OccurredAt).ThenBy(i => i.Id)
            .Select(i => new { i.CustomerId, i.Type, i.OccurredAt }).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (row.CustomerId != current) (current, stage, orders) = (row.CustomerId, LifecycleStage.Unknown, 0);
            if (row.Type == "order.placed") orders++;
            var next = Metrics.NextStage(stage, orders, row.Type);
            if (next != stage)
            {
                count(row.OccurredAt, stage, next);
                stage = next;
            }
            ended[current] = stage;
        }
        return ended;
    }

    // ---------------------------------------------------------------- revenue and orders per channel

    private static async Task<int> RevenueAsync(ProfileStore store, DateTime now, Figure<RevenuePayload>? last, long maxId, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        long afterId = last?.Data.LastInteractionId ?? 0;
        var days = (last?.Data.Days ?? []).ToDictionary(d => (d.Day, d.Channel, d.Currency), d => (d.Orders, d.RevenueMinor));
        var through = last?.DataThrough;
        int read = 0;
        var orders = store.Interactions.AsNoTracking()
            .Where(i => i.Id > afterId && i.Id <= maxId && i.Type == "order.placed" && i.Currency != null)
            .Select(i => new { i.OccurredAt, i.Channel, i.Currency, i.AmountMinor }).AsAsyncEnumerable();
        await foreach (var order in orders.WithCancellation(cancellationToken))
        {
            var key = (DateOnly.FromDateTime(order.OccurredAt), order.Channel, order.Currency!);
            var (count, revenue) = days.GetValueOrDefault(key);
            days[key] = (count + 1, revenue + (order.AmountMinor ?? 0));
            if (through is null || order.OccurredAt > through) through = order.OccurredAt;
            read++;
        }
        var payload = new RevenuePayload(days.Select(d => new ChannelDay(d.Key.Day, d.Key.Channel, d.Key.Currency, d.Value.Orders, d.Value.RevenueMinor))
            .OrderBy(d => d.Day).ThenBy(d => d.Channel).ThenBy(d => d.Currency, StringComparer.Ordinal).ToList(), Math.Max(afterId, maxId));
        await SnapshotStore.WriteAsync(store, SnapshotKinds.Revenue, payload, now, through, watch.ElapsedMilliseconds, cancellationToken);
        return read;
    }

    // ---------------------------------------------------------------- top journeys before a first purchase

    private static async Task<int> JourneysAsync(ProfileStore store, DateTime now, bool rebuild, long maxId, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var last = rebuild ? null : await SnapshotStore.ReadAsync<JourneysPayload>(store, SnapshotKinds.Journeys, cancellationToken);
        long afterId = last?.Data.LastInteractionId ?? 0;
        var days = (last?.Data.Days ?? []).ToDictionary(d => (d.Day, d.Path, d.OrderChannel), d => d.Customers);
        var through = last?.DataThrough;

        // Customers whose first order is among the new orders. (A late order dated before an already counted first order
        // would count that customer again; the periodic rebuild sets it right.)
        var firsts = await (
            from i in store.Interactions
            where i.Id > afterId && i.Id <= maxId && i.Type == "order.placed"
            join c in store.Customers on i.CustomerId equals c.Id
            where c.Status == CustomerStatus.Active && c.FirstPurchaseAt == i.OccurredAt
            select new { i.CustomerId, i.OccurredAt, i.Channel, i.Id }).ToListAsync(cancellationToken);
        var firstOrders = firsts.GroupBy(f => f.CustomerId).Select(g => g.OrderBy(f => f.Id).First()).ToList();

        foreach (var chunk in firstOrders.Chunk(JourneyChunk))
        {
            var ids = chunk.Select(f => f.CustomerId).ToList();
            var touchpoints = await (
                from i in store.Interactions
                join c in store.Customers on i.CustomerId equals c.Id
                where ids.Contains(c.Id) && i.OccurredAt < c.FirstPurchaseAt
                orderby i.CustomerId, i.OccurredAt, i.Id
                select new { i.CustomerId, i.Channel, i.Type }).ToListAsync(cancellationToken);
            var byCustomer = touchpoints.GroupBy(t => t.CustomerId).ToDictionary(g => g.Key, g => g.Select(t => t.Channel).ToList());
            foreach (var first in chunk)
            {
                var path = PathOf(byCustomer.GetValueOrDefault(first.CustomerId) ?? []);
                var key = (DateOnly.FromDateTime(first.OccurredAt), path, first.Channel);
                days[key] = days.GetValueOrDefault(key) + 1;
                if (through is null || first.OccurredAt > through) through = first.OccurredAt;
            }
        }
        var payload = new JourneysPayload(days.Select(d => new JourneyDay(d.Key.Day, d.Key.Path, d.Key.OrderChannel, d.Value))
            .OrderBy(d => d.Day).ThenBy(d => d.Path, StringComparer.Ordinal).ThenBy(d => d.OrderChannel).ToList(), Math.Max(afterId, maxId));
        await SnapshotStore.WriteAsync(store, SnapshotKinds.Journeys, payload, now, through, watch.ElapsedMilliseconds, cancellationToken);
        return firstOrders.Count;
    }

    /// <summary>
    /// The channels of the last <see cref="JourneySteps"/> touchpoints before the first order, repeats collapsed
    /// ("Email → Web"); <see cref="NoTouchpoint"/> when the first order was the first thing we saw.
    /// </summary>
    public static string PathOf(IReadOnlyList<InteractionChannel> channelsInTimeOrder)
    {
        var steps = new List<InteractionChannel>();
        foreach (var channel in channelsInTimeOrder)
            if (steps.Count == 0 || steps[^1] != channel) steps.Add(channel);
        if (steps.Count == 0) return NoTouchpoint;
        return string.Join(" → ", steps.TakeLast(JourneySteps).Select(InsightsWording.Channel));
    }

    // ---------------------------------------------------------------- churn risk and revenue at risk

    private static async Task ChurnAsync(ProfileStore store, DateTime now, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var perCurrency = new Dictionary<(string Currency, string Band), (int Customers, long Ltv, double Yearly, double AtRisk)>();
        var customersPerCurrency = new Dictionary<string, int>();
        DateTime? through = null;
        string? model = null;
        var rows = (
            from s in store.Scores.AsNoTracking()
            where s.Kind == ScoreKind.ChurnRisk
            join c in store.Customers on s.CustomerId equals c.Id
            where c.Status == CustomerStatus.Active
            select new { s.Label, s.Value, s.ModelVersion, s.ScoredAt, c.LifetimeValueMinor, c.Currency, c.FirstPurchaseAt }).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (through is null || row.ScoredAt > through) (through, model) = (row.ScoredAt, row.ModelVersion);
            var currency = row.Currency ?? "";
            var band = row.Label ?? Predictions.Scoring.ChurnScoring.Band(row.Value);
            // Yearly spend: lifetime value spread over the tenure, a year at least so a new customer's first order is not inflated.
            var tenureDays = row.FirstPurchaseAt is { } first ? Math.Max(365.0, (now - first).TotalDays) : 365.0;
            var yearly = row.LifetimeValueMinor * 365.0 / tenureDays;
            var (count, ltv, spend, atRisk) = perCurrency.GetValueOrDefault((currency, band));
            perCurrency[(currency, band)] = (count + 1, ltv + row.LifetimeValueMinor, spend + yearly, atRisk + yearly * row.Value);
            customersPerCurrency[currency] = customersPerCurrency.GetValueOrDefault(currency) + 1;
        }
        var main = customersPerCurrency.Where(c => c.Key.Length > 0).OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Key).FirstOrDefault();
        var bands = ChurnFigures.BandOrder.Select(band =>
        {
            // Customers without a purchase currency (no priced order) count in the main currency with no money.
            var (count, ltv, yearly, atRisk) = perCurrency.GetValueOrDefault((main ?? "", band));
            var (noCurrency, _, _, _) = main is null ? default : perCurrency.GetValueOrDefault(("", band));
            return new ChurnBand(band, count + noCurrency, ltv, (long)Math.Round(yearly), (long)Math.Round(atRisk));
        }).ToList();
        int other = customersPerCurrency.Where(c => c.Key.Length > 0 && c.Key != main).Sum(c => c.Value);
        var figures = new ChurnFigures(main, bands, other, model);
        await SnapshotStore.WriteAsync(store, SnapshotKinds.Churn, figures, now, through, watch.ElapsedMilliseconds, cancellationToken);
    }

    // ---------------------------------------------------------------- consent

    private async Task ConsentAsync(ProfileStore store, DateTime now, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var rates = await consent.RatesAsync(cancellationToken);
        int profiles = rates.Count == 0 ? 0 : rates[0].Granted + rates[0].Denied + rates[0].Withdrawn + rates[0].NoRecord;
        var through = await store.ConsentStates.MaxAsync(s => (DateTime?)s.UpdatedAt, cancellationToken);
        await SnapshotStore.WriteAsync(store, SnapshotKinds.Consent, new ConsentFigures(profiles, rates), now, through, watch.ElapsedMilliseconds, cancellationToken);
    }

    // ---------------------------------------------------------------- data sources

    private static async Task SourcesAsync(ProfileStore store, DateTime now, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var profiles = await store.SourceRecords.Where(r => r.CustomerId != null).GroupBy(r => r.SourceKey)
            .Select(g => new { Key = g.Key, Profiles = g.Select(r => r.CustomerId).Distinct().Count() }).ToListAsync(cancellationToken);
        var identifiers = await store.Identifiers.GroupBy(i => i.SourceKey).Select(g => new { Key = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var keys = profiles.Select(p => p.Key).Union(identifiers.Select(i => i.Key)).Order(StringComparer.Ordinal);
        var payload = new SourcesPayload(keys.Select(k => new SourceProfiles(k,
            profiles.Where(p => p.Key == k).Sum(p => (long)p.Profiles), identifiers.Where(i => i.Key == k).Sum(i => (long)i.Count))).ToList());
        var through = await store.SourceRecords.OrderByDescending(r => r.Id).Select(r => (DateTime?)r.ReceivedAt).FirstOrDefaultAsync(cancellationToken);
        await SnapshotStore.WriteAsync(store, SnapshotKinds.Sources, payload, now, through, watch.ElapsedMilliseconds, cancellationToken);
    }
}
