using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Consent;

/// <summary>One choice to record: what, which way, on what basis, and what proves it.</summary>
public sealed record ConsentChange(
    ConsentPurpose Purpose,
    ConsentStatus Status,
    LawfulBasis LawfulBasis,
    string SourceKey,
    string? Evidence,
    string? Reason,
    DateTime? EffectiveAt = null,
    DateTime? ExpiresAt = null,
    long? SourceRecordId = null);

/// <summary>A ledger row as screens show it.</summary>
public sealed record ConsentHistoryEntry(
    long Id, long CustomerId, ConsentPurpose Purpose, ConsentStatus Status, LawfulBasis LawfulBasis, string SourceKey, string? Evidence,
    string? Reason, string? RecordedBy, DateTime EffectiveAt, DateTime RecordedAt, DateTime? ExpiresAt, long? SourceRecordId);

/// <summary>
/// The append-only consent ledger. Recording appends an event, moves the current state (<see cref="ConsentState"/>)
/// when the event is not older than it (<see cref="ConsentRules"/>), audits the change without personal data and
/// tells open profile pages. Intake writes its events inside the projection (IdentityResolver); people and
/// integrations go through <see cref="RecordAsync"/>.
/// </summary>
public sealed class ConsentLedger(IDbContextFactory<ProfileStore> stores, TimeProvider clock, ProfileChangeNotifier notifier, ResolutionGate gate)
{
    public const string AuditAction = "consent.changed";
    public const int MaxEvidenceLength = 1000;
    public const int MaxReasonLength = 1000;

    /// <summary>Appends one choice; returns the ledger row's id.</summary>
    /// <exception cref="ArgumentException">A person's change without a reason, or evidence/reason too long.</exception>
    /// <exception cref="InvalidOperationException">The profile is not active (merged, erased or unknown).</exception>
    public async Task<long> RecordAsync(long customerId, ConsentChange change, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var reason = string.IsNullOrWhiteSpace(change.Reason) ? null : change.Reason.Trim();
        if (actor.UserId is not null && reason is null) throw new ArgumentException("A consent change by a person needs a reason.", nameof(change));
        if (reason?.Length > MaxReasonLength) throw new ArgumentException($"The reason holds at most {MaxReasonLength} characters.", nameof(change));
        var evidence = string.IsNullOrWhiteSpace(change.Evidence) ? null : change.Evidence.Trim();
        if (evidence?.Length > MaxEvidenceLength) throw new ArgumentException($"The evidence holds at most {MaxEvidenceLength} characters.", nameof(change));
        if (string.IsNullOrWhiteSpace(change.SourceKey) || change.SourceKey.Length > 64) throw new ArgumentException("The source key must be 1 to 64 characters.", nameof(change));
        if (change.ExpiresAt is { } expiry && change.Status == ConsentStatus.Granted && expiry <= (change.EffectiveAt ?? clock.GetUtcNow().UtcDateTime))
            throw new ArgumentException("The expiry must be after the time the consent takes effect.", nameof(change));

        var now = clock.GetUtcNow().UtcDateTime;
        await gate.Lock.WaitAsync(cancellationToken); // no merge moves the profile while its consent is written
        try
        {
            await using var store = await stores.CreateDbContextAsync(cancellationToken);
            await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
            if (!await store.Customers.AnyAsync(c => c.Id == customerId && c.Status == CustomerStatus.Active, cancellationToken))
                throw new InvalidOperationException("Consent can be recorded only on an active profile.");
            var row = new ConsentEvent
            {
                CustomerId = customerId, OriginCustomerId = customerId, Purpose = change.Purpose, Status = change.Status,
                LawfulBasis = change.LawfulBasis, SourceKey = change.SourceKey, Evidence = evidence, Reason = reason,
                RecordedByUserId = actor.UserId, EffectiveAt = Utc(change.EffectiveAt) ?? now, RecordedAt = now,
                ExpiresAt = Utc(change.ExpiresAt), SourceRecordId = change.SourceRecordId,
            };
            store.ConsentEvents.Add(row);
            await store.SaveChangesAsync(cancellationToken);
            var state = await store.ConsentStates.SingleOrDefaultAsync(s => s.CustomerId == customerId && s.Purpose == change.Purpose, cancellationToken);
            if (state is null) store.ConsentStates.Add(ConsentRules.StateOf(row));
            else if (ConsentRules.Supersedes(state, row.EffectiveAt)) ConsentRules.Apply(state, row);
            store.AuditLog.Add(AuditEntryFor(row, actor.UserId, actor.Name, now));
            await store.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            notifier.PublishProfiles([customerId]);
            return row.Id;
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    /// <summary>The audit entry for a ledger row: ids, purpose, status and source only (reasons and evidence stay in the ledger).</summary>
    public static AuditEntry AuditEntryFor(ConsentEvent row, string? userId, string? userName, DateTime at) => new()
    {
        At = at, UserId = userId, UserName = userName, Action = AuditAction, TargetType = "customer",
        TargetId = row.CustomerId.ToString(CultureInfo.InvariantCulture),
        Details = string.Create(CultureInfo.InvariantCulture,
            $"{row.Purpose}: {row.Status} ({row.LawfulBasis}) via {row.SourceKey}, event {row.Id}{(row.SourceRecordId is { } r ? $", record {r}" : "")}"),
        CorrelationId = System.Diagnostics.Activity.Current?.TraceId.ToString(),
    };

    /// <summary>A person's consent history, newest first (optionally for one purpose).</summary>
    public async Task<IReadOnlyList<ConsentHistoryEntry>> HistoryAsync(long customerId, ConsentPurpose? purpose = null, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var query = store.ConsentEvents.AsNoTracking().Where(e => e.CustomerId == customerId);
        if (purpose is { } p) query = query.Where(e => e.Purpose == p);
        var rows = await query.OrderByDescending(e => e.EffectiveAt).ThenByDescending(e => e.Id).ToListAsync(cancellationToken);
        return await WithNamesAsync(store, rows, cancellationToken);
    }

    /// <summary>The current state per purpose for one person (purposes without a choice are absent).</summary>
    public async Task<IReadOnlyDictionary<ConsentPurpose, ConsentState>> CurrentAsync(long customerId, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.ConsentStates.AsNoTracking().Where(s => s.CustomerId == customerId).ToDictionaryAsync(s => s.Purpose, cancellationToken);
    }

    /// <summary>The ledger across everyone, newest recorded first, for privacy officers.</summary>
    public async Task<IReadOnlyList<ConsentHistoryEntry>> RecentAsync(int take, ConsentPurpose? purpose = null, string? sourceKey = null,
        CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var query = store.ConsentEvents.AsNoTracking();
        if (purpose is { } p) query = query.Where(e => e.Purpose == p);
        if (!string.IsNullOrWhiteSpace(sourceKey)) query = query.Where(e => e.SourceKey == sourceKey);
        var rows = await query.OrderByDescending(e => e.Id).Take(Math.Clamp(take, 1, 1000)).ToListAsync(cancellationToken);
        return await WithNamesAsync(store, rows, cancellationToken);
    }

    /// <summary>The sources that have written consent, for filters.</summary>
    public async Task<IReadOnlyList<string>> SourcesAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.ConsentEvents.AsNoTracking().Select(e => e.SourceKey).Distinct().OrderBy(k => k).ToListAsync(cancellationToken);
    }

    /// <summary>Per purpose: how many active, known profiles granted, denied, withdrew or never chose.</summary>
    public async Task<IReadOnlyList<ConsentRate>> RatesAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var active = store.Customers.Where(c => c.Status == CustomerStatus.Active && !c.Anonymous);
        var total = await active.CountAsync(cancellationToken);
        var counts = await store.ConsentStates.AsNoTracking().Where(s => active.Any(c => c.Id == s.CustomerId))
            .GroupBy(s => new { s.Purpose, s.Status }).Select(g => new { g.Key.Purpose, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return Enum.GetValues<ConsentPurpose>().Select(p =>
        {
            int Of(ConsentStatus status) => counts.Where(c => c.Purpose == p && c.Status == status).Sum(c => c.Count);
            var (granted, denied, withdrawn) = (Of(ConsentStatus.Granted), Of(ConsentStatus.Denied), Of(ConsentStatus.Withdrawn));
            return new ConsentRate(p, granted, denied, withdrawn, Math.Max(0, total - granted - denied - withdrawn));
        }).ToList();
    }

    private static async Task<IReadOnlyList<ConsentHistoryEntry>> WithNamesAsync(ProfileStore store, List<ConsentEvent> rows, CancellationToken cancellationToken)
    {
        var userIds = rows.Where(r => r.RecordedByUserId is not null).Select(r => r.RecordedByUserId!).Distinct().ToList();
        var names = userIds.Count == 0 ? new Dictionary<string, string>()
            : await store.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName.Length > 0 ? u.DisplayName : u.UserName ?? "a user", cancellationToken);
        return rows.Select(r => new ConsentHistoryEntry(r.Id, r.CustomerId, r.Purpose, r.Status, r.LawfulBasis, r.SourceKey, r.Evidence, r.Reason,
            r.RecordedByUserId is null ? null : names.GetValueOrDefault(r.RecordedByUserId, "a former user"), r.EffectiveAt, r.RecordedAt,
            r.ExpiresAt, r.SourceRecordId)).ToList();
    }

    private static DateTime? Utc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } v => v.ToUniversalTime(),
        { } v => DateTime.SpecifyKind(v, DateTimeKind.Utc),
    };
}

public sealed record ConsentRate(ConsentPurpose Purpose, int Granted, int Denied, int Withdrawn, int NoRecord);
