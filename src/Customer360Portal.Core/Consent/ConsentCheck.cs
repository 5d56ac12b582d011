using Customer360Portal.Core.Audit;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Predictions.Scoring;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Consent;

public sealed class ConsentOptions
{
    public const string Section = "Consent";

    /// <summary>
    /// Lawful basis for analytics when a person has made no choice: LegitimateInterest allows it until they object,
    /// Consent denies it until they grant it.
    /// </summary>
    public LawfulBasis AnalyticsDefaultBasis { get; set; } = LawfulBasis.LegitimateInterest;

    /// <summary>
    /// Tracking-plan consent categories (Segment's <c>context.consent.categoryPreferences</c>) → purposes, comma-separated.
    /// Keys ignore case; a category named like a purpose ("SmsMarketing") maps to it without an entry; others are ignored.
    /// </summary>
    public Dictionary<string, string> Categories { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Advertising"] = nameof(ConsentPurpose.SaleOrSharing),
        ["Marketing"] = nameof(ConsentPurpose.EmailMarketing),
        ["Email"] = nameof(ConsentPurpose.EmailMarketing),
        ["Sms"] = nameof(ConsentPurpose.SmsMarketing),
        ["Analytics"] = nameof(ConsentPurpose.Analytics),
        ["Performance"] = nameof(ConsentPurpose.Analytics),
        ["Personalization"] = nameof(ConsentPurpose.Personalisation),
        ["DataSharing"] = nameof(ConsentPurpose.PartnerSharing),
        ["DoNotSell"] = nameof(ConsentPurpose.SaleOrSharing),
    };

    /// <summary>The purposes a category stands for (none when unknown).</summary>
    public IReadOnlyList<ConsentPurpose> PurposesOf(string category)
    {
        if (Categories.TryGetValue(category, out var purposes))
            return ParsePurposes(purposes) ?? [];
        return Enum.TryParse<ConsentPurpose>(category, ignoreCase: true, out var purpose) && Enum.IsDefined(purpose) && !char.IsDigit(category[0])
            ? [purpose] : [];
    }

    /// <summary>Whether every category maps to known purpose names.</summary>
    public bool CategoriesAreValid() => Categories.Values.All(v => ParsePurposes(v) is not null);

    private static List<ConsentPurpose>? ParsePurposes(string? text)
    {
        var result = new List<ConsentPurpose>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<ConsentPurpose>(part, ignoreCase: true, out var purpose) || !Enum.IsDefined(purpose) || char.IsDigit(part[0])) return null;
            result.Add(purpose);
        }
        return result;
    }
}

public sealed record ConsentDecision(long CustomerId, bool Allowed, string Reason);

/// <summary>
/// Decisions for a whole store (<see cref="ConsentCheck.DecideEveryoneAsync"/>), kept as each profile's reason (a
/// shared string): a million decision objects made up front cost more than making the few asked for one by one.
/// </summary>
public sealed class ConsentDecisions
{
    private readonly IReadOnlyDictionary<long, string> reasons;

    internal ConsentDecisions(IReadOnlyDictionary<long, string> reasonById) => reasons = reasonById;

    public ConsentDecision Of(long customerId)
    {
        var reason = ReasonOf(customerId);
        return new ConsentDecision(customerId, ConsentCheck.IsAllowed(reason), reason);
    }

    /// <summary>As <see cref="ConsentCheck.FilterAsync"/> answers for these people.</summary>
    public ConsentFilterResult Filter(IEnumerable<long> customerIds)
    {
        var allowed = new List<long>();
        var skipped = new Dictionary<string, int>();
        foreach (var id in customerIds.Distinct())
        {
            var reason = ReasonOf(id);
            if (ConsentCheck.IsAllowed(reason)) allowed.Add(id);
            else skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
        }
        return new ConsentFilterResult(allowed, skipped);
    }

    private string ReasonOf(long customerId) => reasons.TryGetValue(customerId, out var reason) ? reason : ConsentCheck.Reasons.Unknown;
}

/// <summary>Who may receive data for a purpose, and how many were left out for which reason.</summary>
public sealed record ConsentFilterResult(IReadOnlyList<long> Allowed, IReadOnlyDictionary<string, int> SkippedByReason)
{
    public int SkippedCount => SkippedByReason.Values.Sum();
}

/// <summary>
/// The one consent check every outbound path calls (exports, offers, activation). Without a record, marketing,
/// personalisation and sharing are denied; analytics follows the configured lawful basis. Restricted, erased and
/// merged-away profiles never leave.
/// </summary>
public sealed class ConsentCheck(IDbContextFactory<ProfileStore> stores, TimeProvider clock, IOptions<ConsentOptions> options)
{
    public static class Reasons
    {
        public const string Granted = "consent granted";
        public const string LegitimateInterest = "legitimate interest, no objection";
        public const string NoRecord = "no consent on record";
        public const string Denied = "consent denied";
        public const string Withdrawn = "consent withdrawn";
        public const string Expired = "consent expired";
        public const string Restricted = "processing restricted";
        public const string NotActive = "profile not active";
        public const string Unknown = "unknown profile";
    }

    public async Task<ConsentDecision> CheckAsync(long customerId, ConsentPurpose purpose, CancellationToken cancellationToken = default)
    {
        var result = await DecideAsync([customerId], purpose, cancellationToken);
        return result[0];
    }

    public async Task<ConsentFilterResult> FilterAsync(IReadOnlyCollection<long> customerIds, ConsentPurpose purpose, CancellationToken cancellationToken = default)
    {
        var decisions = await DecideAsync(customerIds, purpose, cancellationToken);
        return new ConsentFilterResult(
            decisions.Where(d => d.Allowed).Select(d => d.CustomerId).ToList(),
            decisions.Where(d => !d.Allowed).GroupBy(d => d.Reason).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>From this many people on, one pass over all profiles and all states of the purpose beats lookups by id.</summary>
    private const int SetBasedFrom = 20_000;

    private async Task<IReadOnlyList<ConsentDecision>> DecideAsync(IReadOnlyCollection<long> customerIds, ConsentPurpose purpose, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var decisions = new List<ConsentDecision>(customerIds.Count);
        if (customerIds.Count >= SetBasedFrom)
        {
            // Many people: two streaming reads of the whole store instead of thousands of chunked lookups.
            var everyone = await DecideEveryoneAsync(purpose, cancellationToken);
            decisions.AddRange(customerIds.Distinct().Select(everyone.Of));
            return decisions;
        }
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        // Chunked so SQL Server's 2,100-parameter limit and SQLite's variable limit are never hit.
        foreach (var chunk in customerIds.Distinct().Chunk(1000))
        {
            var statuses = await store.Customers.AsNoTracking().Where(c => chunk.Contains(c.Id))
                .Select(c => new { c.Id, c.Status }).ToDictionaryAsync(c => c.Id, c => c.Status, cancellationToken);
            var states = await store.ConsentStates.AsNoTracking().Where(s => chunk.Contains(s.CustomerId) && s.Purpose == purpose)
                .ToDictionaryAsync(s => s.CustomerId, cancellationToken);
            foreach (var id in chunk) decisions.Add(Decide(id, statuses, states, purpose, now));
        }
        return decisions;
    }

    /// <summary>
    /// Every profile's decision for a purpose, from one pass over the profiles and one over the purpose's states. For
    /// whole-store jobs (churn and offer scoring decide everyone while they read their features); any other id is an
    /// unknown profile. On SQLite both passes' rows are read straight from SQLite.
    /// </summary>
    public Task<ConsentDecisions> DecideEveryoneAsync(ConsentPurpose purpose, CancellationToken cancellationToken = default) =>
        DecideEveryoneAsync(purpose, direct: true, cancellationToken);

    /// <param name="direct">On SQLite, read through SQLitePCL; false reads through EF as SQL Server does (tests).</param>
    internal async Task<ConsentDecisions> DecideEveryoneAsync(ConsentPurpose purpose, bool direct, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        // Only what a decision reads: a million states' other columns (times above all) cost more to read than the rest.
        var states = store.ConsentStates.AsNoTracking().Where(s => s.Purpose == purpose).Select(s => new { s.CustomerId, s.Status, s.ExpiresAt });
        var customers = store.Customers.AsNoTracking().Select(c => new { c.Id, c.Status });
        var stateReasons = new Dictionary<long, string>();
        var reasons = new Dictionary<long, string>();
        if (direct && store.Database.IsSqlite())
        {
            // The same queries, their rows read straight from SQLite (EF materialised an object and parsed a date per
            // row: most of the pass): statuses read once per distinct text, expiry times as EF Core writes them parsed
            // without the general date parser; an expiry stored in another shape is read through EF, as before.
            var texts = new RepeatedTexts();
            List<long>? otherShapes = null;
            DirectSqliteStatement.ForEachRow(store, states, row =>
            {
                var id = row.Int64(0);
                DateTime? expires = null;
                if (!row.IsNull(2))
                {
                    if (ChurnPurchases.SqliteTicks(row.Utf8(2)) is not { } ticks)
                    {
                        (otherShapes ??= []).Add(id);
                        return;
                    }
                    expires = new DateTime(ticks, DateTimeKind.Utc);
                }
                stateReasons[id] = ReasonFromState(texts.Enum<ConsentStatus>(row, 1), expires, now);
            }, cancellationToken);
            foreach (var chunk in (otherShapes ?? []).Chunk(1000))
                foreach (var s in states.Where(s => chunk.Contains(s.CustomerId)))
                    stateReasons[s.CustomerId] = ReasonFromState(s.Status, s.ExpiresAt, now);
            DirectSqliteStatement.ForEachRow(store, customers,
                row => reasons[row.Int64(0)] = ReasonFor(texts.Enum<CustomerStatus>(row, 1), stateReasons.GetValueOrDefault(row.Int64(0)), purpose), cancellationToken);
            return new ConsentDecisions(reasons);
        }
        await foreach (var s in states.AsAsyncEnumerable().WithCancellation(cancellationToken))
            stateReasons[s.CustomerId] = ReasonFromState(s.Status, s.ExpiresAt, now);
        await foreach (var c in customers.AsAsyncEnumerable().WithCancellation(cancellationToken))
            reasons[c.Id] = ReasonFor(c.Status, stateReasons.GetValueOrDefault(c.Id), purpose);
        return new ConsentDecisions(reasons);
    }

    private ConsentDecision Decide(long id, Dictionary<long, CustomerStatus> statuses, Dictionary<long, ConsentState> states, ConsentPurpose purpose, DateTime now)
    {
        var reason = !statuses.TryGetValue(id, out var status) ? Reasons.Unknown : ReasonFor(status, states.GetValueOrDefault(id), purpose, now);
        return new ConsentDecision(id, IsAllowed(reason), reason);
    }

    /// <summary>
    /// The decision for one profile from its status and current state row, for callers that load many rows in one query
    /// (segment sizes per channel) and must decide exactly as exports do. Allowed when the reason is
    /// <see cref="Reasons.Granted"/> or <see cref="Reasons.LegitimateInterest"/> (see <see cref="IsAllowed"/>).
    /// </summary>
    public string ReasonFor(CustomerStatus status, ConsentState? state, ConsentPurpose purpose, DateTime now) =>
        status == CustomerStatus.Restricted ? Reasons.Restricted
        : status != CustomerStatus.Active ? Reasons.NotActive
        : ReasonFromState(state, purpose, now);

    public static bool IsAllowed(string reason) => reason is Reasons.Granted or Reasons.LegitimateInterest;

    private string ReasonFromState(ConsentState? state, ConsentPurpose purpose, DateTime now) =>
        state is null ? ReasonWithoutState(purpose) : ReasonFromState(state.Status, state.ExpiresAt, now);

    /// <summary>The reason of an active profile: its state's, or the one for no record of the purpose.</summary>
    private string ReasonFor(CustomerStatus status, string? stateReason, ConsentPurpose purpose) =>
        status == CustomerStatus.Restricted ? Reasons.Restricted
        : status != CustomerStatus.Active ? Reasons.NotActive
        : stateReason ?? ReasonWithoutState(purpose);

    private string ReasonWithoutState(ConsentPurpose purpose) =>
        purpose == ConsentPurpose.Analytics && options.Value.AnalyticsDefaultBasis == LawfulBasis.LegitimateInterest ? Reasons.LegitimateInterest : Reasons.NoRecord;

    private static string ReasonFromState(ConsentStatus status, DateTime? expiresAt, DateTime now) => status switch
    {
        ConsentStatus.Denied => Reasons.Denied,
        ConsentStatus.Withdrawn => Reasons.Withdrawn,
        _ when expiresAt is { } expires && expires <= now => Reasons.Expired,
        _ => Reasons.Granted,
    };
}

public static class ConsentSetup
{
    public static IHostApplicationBuilder AddConsent(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsentOptions>().BindConfiguration(ConsentOptions.Section)
            .Validate(o => o.CategoriesAreValid(), "Consent:Categories maps a category to an unknown purpose.").ValidateOnStart();
        builder.Services.AddSingleton<ConsentCheck>();
        builder.Services.AddSingleton<ConsentLedger>();
        builder.Services.AddSingleton<ConsentedExport>();
        builder.Services.AddSingleton<OfferGate>();
        builder.Services.TryAddSingleton<ProfileChangeNotifier>();
        builder.Services.TryAddSingleton<ResolutionGate>();
        builder.Services.TryAddSingleton<AuditLog>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }
}
