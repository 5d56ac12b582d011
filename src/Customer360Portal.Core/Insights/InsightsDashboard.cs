using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Insights;

/// <summary>An inclusive range of UTC days chosen on the dashboard.</summary>
public readonly record struct DayRange(DateOnly From, DateOnly To)
{
    public bool Contains(DateOnly day) => day >= From && day <= To;
    public int Days => To.DayNumber - From.DayNumber + 1;
}

public enum BucketSize { Day, Week, Month }

/// <summary>Orders and revenue of one channel per bucket (arrays aligned with <see cref="RevenueSeries.Buckets"/>).</summary>
public sealed record ChannelSeries(InteractionChannel Channel, int[] Orders, long[] RevenueMinor)
{
    public int TotalOrders => Orders.Sum();
    public long TotalRevenueMinor => RevenueMinor.Sum();
}

/// <summary>
/// Revenue and orders per channel in a range, bucketed by day, week (from Monday) or month. Money is in
/// <see cref="Currency"/> (the range's most common); orders in other currencies are listed apart.
/// </summary>
public sealed record RevenueSeries(BucketSize Size, string? Currency, IReadOnlyList<DateOnly> Buckets, IReadOnlyList<ChannelSeries> Channels,
    IReadOnlyDictionary<string, int> OtherCurrencyOrders);

/// <summary>Moves from one stage to another in a range.</summary>
public sealed record StageFlow(LifecycleStage From, LifecycleStage To, int Customers);

/// <summary>Everything the insights page shows: the snapshots and the live source counters.</summary>
public sealed record InsightsDashboard(
    Figure<StagesPayload>? Stages,
    Figure<StageFlowPayload>? StageFlow,
    Figure<RevenuePayload>? Revenue,
    Figure<ChurnFigures>? Churn,
    Figure<ConsentFigures>? Consent,
    Figure<SourcesPayload>? SourceProfiles,
    IReadOnlyList<SourceContribution> Sources,
    DateTime? SourcesThrough,
    Figure<JourneysPayload>? Journeys,
    BackgroundJob? LastRefresh)
{
    /// <summary>Nothing computed yet (a new store before the first pass).</summary>
    public bool NeverComputed => Stages is null && Revenue is null && Churn is null && Consent is null && Journeys is null;

    // Ranges up to two months show days, up to a year weeks, beyond that months: each chart keeps a readable number of bars.
    public static BucketSize SizeFor(DayRange range) => range.Days <= 62 ? BucketSize.Day : range.Days <= 366 ? BucketSize.Week : BucketSize.Month;

    public static DateOnly BucketOf(DateOnly day, BucketSize size) => size switch
    {
        BucketSize.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        BucketSize.Month => new DateOnly(day.Year, day.Month, 1),
        _ => day,
    };

    public static RevenueSeries RevenueIn(RevenuePayload payload, DayRange range)
    {
        var size = SizeFor(range);
        var inRange = payload.Days.Where(d => range.Contains(d.Day)).ToList();
        var currency = inRange.GroupBy(d => d.Currency).OrderByDescending(g => g.Sum(d => d.Orders)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).FirstOrDefault();
        var buckets = new List<DateOnly>();
        for (var bucket = BucketOf(range.From, size); bucket <= range.To; bucket = Next(bucket, size)) buckets.Add(bucket);
        var index = buckets.Select((b, i) => (b, i)).ToDictionary(x => x.b, x => x.i);
        var channels = inRange.Where(d => d.Currency == currency).GroupBy(d => d.Channel).OrderBy(g => g.Key).Select(g =>
        {
            var orders = new int[buckets.Count];
            var revenue = new long[buckets.Count];
            foreach (var day in g)
            {
                var i = index[BucketOf(day.Day, size)];
                orders[i] += day.Orders;
                revenue[i] += day.RevenueMinor;
            }
            return new ChannelSeries(g.Key, orders, revenue);
        }).ToList();
        var others = inRange.Where(d => d.Currency != currency).GroupBy(d => d.Currency)
            .ToDictionary(g => g.Key, g => g.Sum(d => d.Orders), StringComparer.Ordinal);
        return new RevenueSeries(size, currency, buckets, channels, others);
    }

    private static DateOnly Next(DateOnly bucket, BucketSize size) => size switch
    {
        BucketSize.Week => bucket.AddDays(7),
        BucketSize.Month => bucket.AddMonths(1),
        _ => bucket.AddDays(1),
    };

    /// <summary>Moves between stages in the range, largest first.</summary>
    public static IReadOnlyList<StageFlow> FlowsIn(StageFlowPayload payload, DayRange range) =>
        payload.Moves.Where(m => range.Contains(m.Day)).GroupBy(m => (m.From, m.To))
            .Select(g => new StageFlow(g.Key.From, g.Key.To, g.Sum(m => m.Customers)))
            .OrderByDescending(f => f.Customers).ThenBy(f => f.From).ThenBy(f => f.To).ToList();

    /// <summary>The most common paths to a first order in the range, most common first.</summary>
    public static IReadOnlyList<JourneyPath> TopJourneys(JourneysPayload payload, DayRange range, int take) =>
        payload.Days.Where(d => range.Contains(d.Day)).GroupBy(d => (d.Path, d.OrderChannel))
            .Select(g => new JourneyPath(g.Key.Path, g.Key.OrderChannel, g.Sum(d => d.Customers)))
            .OrderByDescending(j => j.Customers).ThenBy(j => j.Path, StringComparer.Ordinal).ThenBy(j => j.OrderChannel).Take(take).ToList();
}

/// <summary>Loads the dashboard: the snapshot rows (a few small reads) and the sources' live counters.</summary>
public sealed class InsightsReader(IDbContextFactory<ProfileStore> stores)
{
    public async Task<InsightsDashboard> LoadAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var rows = await store.InsightsSnapshots.AsNoTracking().ToDictionaryAsync(s => s.Kind, cancellationToken);
        Figure<T>? Of<T>(string kind) => SnapshotStore.ToFigure<T>(rows.GetValueOrDefault(kind));

        var sourceProfiles = Of<SourcesPayload>(SnapshotKinds.Sources);
        var dataSources = await store.DataSources.AsNoTracking().OrderBy(s => s.Key).ToListAsync(cancellationToken);
        var sources = dataSources.Select(s =>
        {
            var contributed = sourceProfiles?.Data.Sources.FirstOrDefault(p => p.Key == s.Key);
            return new SourceContribution(s.Key, s.DisplayName, s.Received, s.Stored, s.Duplicates, s.Quarantined, contributed?.Profiles, contributed?.Identifiers);
        }).ToList();
        var lastJob = await store.Jobs.AsNoTracking().Where(j => j.Kind == InsightsJob.Kind).OrderByDescending(j => j.Id).FirstOrDefaultAsync(cancellationToken);
        return new InsightsDashboard(Of<StagesPayload>(SnapshotKinds.Stages), Of<StageFlowPayload>(SnapshotKinds.StageFlow),
            Of<RevenuePayload>(SnapshotKinds.Revenue), Of<ChurnFigures>(SnapshotKinds.Churn), Of<ConsentFigures>(SnapshotKinds.Consent),
            sourceProfiles, sources, dataSources.Max(s => s.LastRecordAt), Of<JourneysPayload>(SnapshotKinds.Journeys), lastJob);
    }
}
