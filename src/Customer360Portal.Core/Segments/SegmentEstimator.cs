using System.Diagnostics;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Segments;

public sealed class SegmentOptions
{
    public const string Section = "Segments";

    /// <summary>Up to this many profile ids (the highest id) sizes are exact counts; above, a fixed random sample is counted.</summary>
    public int ExactUpTo { get; set; } = 50_000;
    /// <summary>
    /// About how many profile ids the fixed random sample holds. At 5,000 the 95% interval of a segment of half the
    /// profiles is ±1.4 points (±14,000 of 1,000,000); the cost is a primary-key lookup and the rule subqueries per
    /// sampled id, whatever the store's size.
    /// </summary>
    public int SampleSize { get; set; } = 5_000;
    /// <summary>How often saved segments' memberships are refreshed in the background.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>How often the refresh service looks for on-demand requests.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    public int PreviewSize { get; set; } = 10;
}

/// <summary>A count, with its 95% interval when it was estimated from a sample (equal to the count when exact).</summary>
public sealed record SizeFigure(int Value, int Low, int High)
{
    public static SizeFigure Exact(int value) => new(value, value, value);
}

/// <summary>How many of the segment may be contacted through a channel, and why the others may not (counts only).</summary>
public sealed record ChannelSize(string Channel, ConsentPurpose Purpose, SizeFigure Size, IReadOnlyDictionary<string, int> LeftOutByReason);

/// <summary>One previewed member, with personal values masked for the viewer's roles.</summary>
public sealed record SegmentPreviewRow(long CustomerId, string Name, string? Email, string? City, string? Country, LifecycleStage Stage,
    long LifetimeValueMinor, string? Currency);

/// <summary>
/// A segment's size as of <see cref="ComputedAt"/>, over data last updated at <see cref="DataAsOf"/> (the newest profile
/// change). Sampled sizes say so: <see cref="SampleSize"/> profile ids were counted and scaled to <see cref="IdSpace"/>.
/// </summary>
public sealed record SegmentEstimate(SizeFigure Size, bool Sampled, int SampleSize, long IdSpace, IReadOnlyList<ChannelSize> Channels,
    IReadOnlyList<SegmentPreviewRow> Preview, DateTime ComputedAt, DateTime? DataAsOf, double ElapsedMs);

/// <summary>
/// The live size of a rule tree while a marketer edits it: an exact count on small stores, otherwise a count over a fixed
/// random sample of profile ids (the same ids every time, so a rule change moves the figure only by what it changes),
/// scaled up with a 95% Wilson interval. The same sample gives the sizes after consent per channel (decided exactly as
/// exports decide: <see cref="ConsentCheck"/>, and the contact details the channel needs) and a masked preview.
/// Sampling by id needs no scan of the profile table: ids are drawn from 1..max id, and ids that are no longer (or were
/// never) active profiles simply do not match, which keeps the scaled estimate unbiased.
/// </summary>
public sealed class SegmentEstimator(IDbContextFactory<ProfileStore> stores, ConsentCheck consent, TimeProvider clock, IOptions<SegmentOptions> options)
{
    private const double Z = 1.96;
    private (long MaxId, long[] Ids) sample = (-1, []);
    private readonly Lock sampleLock = new();

    public async Task<SegmentEstimate> EstimateAsync(SegmentRule rule, ProfileMasking masking, CancellationToken cancellationToken = default)
    {
        var problems = SegmentValidation.Validate(rule);
        if (problems.Count > 0) throw new SegmentRuleException(string.Join(" ", problems));
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var maxId = IdSpace(await store.Customers.MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0);
        var dataAsOf = await store.Customers.MaxAsync(c => (DateTime?)c.UpdatedAt, cancellationToken);
        var query = SegmentCompiler.Query(store, rule, now);
        var sampled = maxId > options.Value.ExactUpTo;
        long[] ids = [];
        if (sampled)
        {
            ids = SampleFor(maxId);
            var sampleIds = ids;
            // SQLite drives the query from a literal id list (a rowid lookup per id); from a JSON parameter it would scan
            // the table and probe the list. SQL Server plans OPENJSON well, and a literal list would exceed its limits.
            query = store.Database.IsSqlite()
                ? query.Where(c => EF.Constant(sampleIds).Contains(c.Id))
                : query.Where(c => EF.Parameter(sampleIds).Contains(c.Id));
        }
        var rows = await WithConsent(store, query, now).ToListAsync(cancellationToken);
        var channels = Channels(rows, now, sampled, ids.Length, maxId);
        var preview = await PreviewAsync(store, rows, masking, cancellationToken);
        var size = sampled ? Scale(rows.Count, ids.Length, maxId) : SizeFigure.Exact(rows.Count);
        return new SegmentEstimate(size, sampled, ids.Length, maxId, channels, preview, now, dataAsOf, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>A matched profile's contact details and its current consent state per marketing channel.</summary>
    internal sealed record MatchRow(long Id, string? Email, string? Phone, string? AddressLine, string? Postcode,
        ConsentStatus? EmailStatus, DateTime? EmailExpires, ConsentStatus? SmsStatus, DateTime? SmsExpires,
        ConsentStatus? PhoneStatus, DateTime? PhoneExpires, ConsentStatus? PostStatus, DateTime? PostExpires)
    {
        public ConsentState? State(ConsentPurpose purpose)
        {
            var (status, expires) = purpose switch
            {
                ConsentPurpose.EmailMarketing => (EmailStatus, EmailExpires),
                ConsentPurpose.SmsMarketing => (SmsStatus, SmsExpires),
                ConsentPurpose.PhoneMarketing => (PhoneStatus, PhoneExpires),
                _ => (PostStatus, PostExpires),
            };
            return status is { } s ? new ConsentState { CustomerId = Id, Purpose = purpose, Status = s, ExpiresAt = expires } : null;
        }
    }

    /// <summary>
    /// The members with their consent per channel in the same query: a primary-key lookup per member and purpose, so the
    /// cost follows the members counted, never the size of the consent table.
    /// </summary>
    private static IQueryable<MatchRow> WithConsent(ProfileStore store, IQueryable<Customer> members, DateTime now)
    {
        var states = store.ConsentStates;
        return members.Select(c => new MatchRow(c.Id, c.Email, c.Phone, c.AddressLine, c.Postcode,
            states.Where(s => s.CustomerId == c.Id && s.Purpose == ConsentPurpose.EmailMarketing).Select(s => (ConsentStatus?)s.Status).FirstOrDefault(),
            states.Where(s => s.CustomerId == c.Id && s.Purpose == ConsentPurpose.EmailMarketing).Select(s => s.ExpiresAt).FirstOrDefault(),
            states.Where(s => s.CustomerId == c.Id && s.Purpose == ConsentPurpose.SmsMarketing).Select(s => (ConsentStatus?)s.Status).FirstOrDefault(),
            states.Where(s => s.CustomerId == c.Id && s.Purpose == ConsentPurpose.SmsMarketing).Select(s => s.ExpiresAt).FirstOrDefault(),
            states.Where(s => s.CustomerId == c.Id && s.Purpose == ConsentPurpose.PhoneMarketing).Select(s => (ConsentStatus?)s.Status).FirstOrDefault(),
            states.Where(s => s.CustomerId == c.Id && s.Purpose == ConsentPurpose.PhoneMarketing).Select(s => s.ExpiresAt).FirstOrDefault(),
            states.Where(s => s.CustomerId == c.Id && s.Purpose == ConsentPurpose.PostMarketing).Select(s => (ConsentStatus?)s.Status).FirstOrDefault(),
            states.Where(s => s.CustomerId == c.Id && s.Purpose == ConsentPurpose.PostMarketing).Select(s => s.ExpiresAt).FirstOrDefault()));
    }

    private IReadOnlyList<ChannelSize> Channels(List<MatchRow> rows, DateTime now, bool sampled, int sampleSize, long idSpace)
    {
        var result = new List<ChannelSize>();
        foreach (var (channel, purpose) in SegmentFields.Channels)
        {
            var allowed = 0;
            var leftOut = new Dictionary<string, int>();
            foreach (var row in rows)
            {
                // Members are active by construction; the reason is decided exactly as an export decides it.
                var reason = consent.ReasonFor(CustomerStatus.Active, row.State(purpose), purpose, now);
                if (ConsentCheck.IsAllowed(reason) && !ConsentedExport.Reachable(purpose, row.Email, row.Phone, row.AddressLine, row.Postcode))
                    reason = ConsentedExport.NoContactDetails;
                if (ConsentCheck.IsAllowed(reason)) allowed++;
                else leftOut[reason] = leftOut.GetValueOrDefault(reason) + 1;
            }
            var scaled = sampled ? leftOut.ToDictionary(r => r.Key, r => Scale(r.Value, sampleSize, idSpace).Value) : leftOut;
            result.Add(new ChannelSize(channel, purpose, sampled ? Scale(allowed, sampleSize, idSpace) : SizeFigure.Exact(allowed), scaled));
        }
        return result;
    }

    private async Task<IReadOnlyList<SegmentPreviewRow>> PreviewAsync(ProfileStore store, List<MatchRow> rows, ProfileMasking masking,
        CancellationToken cancellationToken)
    {
        var ids = rows.Select(r => r.Id).Take(options.Value.PreviewSize).ToList();
        if (ids.Count == 0) return [];
        var customers = await store.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.GivenName, c.FamilyName, c.Email, c.City, c.Country, c.LifecycleStage, c.LifetimeValueMinor, c.Currency })
            .ToListAsync(cancellationToken);
        return customers.Select(c => new SegmentPreviewRow(c.Id,
            string.Join(' ', new[] { c.GivenName, c.FamilyName }.Where(n => !string.IsNullOrEmpty(n))) is { Length: > 0 } name ? name : "(no name)",
            masking.Email(c.Email), c.City, c.Country, c.LifecycleStage, c.LifetimeValueMinor, c.Currency)).ToList();
    }

    /// <summary>
    /// <paramref name="matched"/> of <paramref name="sampleSize"/> sampled ids, scaled to <paramref name="idSpace"/> ids, with the
    /// 95% Wilson score interval (sound at 0 and near 100%, where the normal approximation is not).
    /// </summary>
    public static SizeFigure Scale(int matched, int sampleSize, long idSpace)
    {
        if (sampleSize == 0) return SizeFigure.Exact(0);
        double n = sampleSize, p = matched / n, z2 = Z * Z;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = Z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        int Of(double share) => (int)Math.Round(Math.Clamp(share, 0, 1) * idSpace);
        return new SizeFigure(Of(p), Math.Min(Of(p), Of(centre - half)), Math.Max(Of(p), Of(centre + half)));
    }

    /// <summary>
    /// The id space sampled: the highest id rounded up to a round step (1% of its power of ten, at least 1,000), so the
    /// sample and its compiled query stay the same while new profiles arrive; ids beyond the highest match nobody.
    /// </summary>
    public static long IdSpace(long maxId)
    {
        if (maxId <= 0) return 0;
        long power = 1;
        while (power <= maxId / 10) power *= 10;
        var step = Math.Max(1_000, power / 100);
        return (maxId + step - 1) / step * step;
    }

    /// <summary>
    /// The fixed random sample: every id in 1..maxId whose hash falls under the sampling rate. The same ids stay in as the
    /// store grows (only the rate changes), so figures do not jump between estimates.
    /// </summary>
    public long[] SampleFor(long maxId)
    {
        lock (sampleLock)
        {
            if (sample.MaxId == maxId) return sample.Ids;
        }
        var rate = Math.Min(1.0, options.Value.SampleSize / (double)Math.Max(1, maxId));
        var ids = new List<long>((int)Math.Min(int.MaxValue, options.Value.SampleSize * 11L / 10));
        for (long id = 1; id <= maxId; id++)
            if (Unit(id) < rate) ids.Add(id);
        var result = ids.ToArray();
        lock (sampleLock) sample = (maxId, result);
        return result;
    }

    /// <summary>A fixed pseudo-random number in [0, 1) per id (SplitMix64).</summary>
    private static double Unit(long id)
    {
        unchecked
        {
            var z = (ulong)id * 0x9E3779B97F4A7C15UL + 0x5EED5E65UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }
}
