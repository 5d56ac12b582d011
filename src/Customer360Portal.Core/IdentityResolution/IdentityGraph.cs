using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.IdentityResolution;

public sealed record GoldenField(string Field, string? Value, string SourceKey, long? SourceRecordId, string Rule, DateTime ObservedAt, string? Reason = null);
public sealed record GraphIdentifier(IdentifierType Type, string Value, string SourceKey, long? SourceRecordId, DateTime FirstSeenAt, DateTime LastSeenAt, bool SharedWithOthers);
public sealed record GraphRecord(long Id, string SourceKey, string Kind, string ExternalId, DateTime OccurredAt, long? OriginCustomerId);
public sealed record GraphMerge(long Id, long SurvivorId, long MergedId, DateTime MergedAt, string Rule, double? Weight,
    IReadOnlyList<ReviewEvidence> Evidence, string? MergedBy, DateTime? UndoneAt, string? UndoneBy);

/// <summary>Everything that explains who a profile is: golden fields with lineage, identifiers, records, merges.</summary>
public sealed record IdentityView(long CustomerId, long RequestedId, Customer Profile, IReadOnlyList<GoldenField> Golden,
    IReadOnlyList<GraphIdentifier> Identifiers, IReadOnlyList<GraphRecord> Records, int RecordCount, IReadOnlyList<GraphMerge> Merges, int OpenReviews);

/// <summary>
/// Reads a profile's identity graph for the profile page, following merge redirects (an old id lands on the profile
/// it was merged into), and unmerges on request. Views and unmerges are audited.
/// </summary>
public sealed class IdentityGraph(IDbContextFactory<ProfileStore> stores, ProfileMerger merger, TimeProvider clock)
{
    private const int RecordsShown = 200;

    /// <summary>
    /// The profile an id leads to: merged profiles redirect to the one they became part of (at most 20 hops; a longer
    /// chain returns the merged profile reached). Null for an unknown id. Read untracked.
    /// </summary>
    public static async Task<Customer?> FollowRedirectsAsync(ProfileStore store, long customerId, CancellationToken cancellationToken = default)
    {
        var id = customerId;
        for (var hops = 0; ; hops++)
        {
            var profile = await store.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
            if (profile is not { Status: CustomerStatus.Merged, MergedIntoId: { } next } || hops >= 20) return profile;
            id = next;
        }
    }

    /// <summary>The status of the profile an id leads to (following merges), without auditing a view.</summary>
    public async Task<CustomerStatus?> StatusAsync(long customerId, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return (await FollowRedirectsAsync(store, customerId, cancellationToken))?.Status;
    }

    public async Task<IdentityView?> GetAsync(long customerId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var profile = await FollowRedirectsAsync(store, customerId, cancellationToken);
        if (profile is null || profile.Status == CustomerStatus.Erased) return null;
        var id = profile.Id;

        var identifiers = await store.Identifiers.AsNoTracking().Where(i => i.CustomerId == id).OrderBy(i => i.Type).ThenBy(i => i.Value).ToListAsync(cancellationToken);
        var values = identifiers.Select(i => i.Value).ToList();
        // By type and value, so the (Type, Value) index serves it: by value alone it scanned every identifier.
        var types = identifiers.Select(i => i.Type).Distinct().ToList();
        var shared = await store.Identifiers.AsNoTracking().Where(o => types.Contains(o.Type) && values.Contains(o.Value) && o.CustomerId != id)
            .Select(o => new { o.Type, o.Value }).ToListAsync(cancellationToken);
        var records = await store.SourceRecords.AsNoTracking().Where(r => r.CustomerId == id).OrderByDescending(r => r.OccurredAt).Take(RecordsShown)
            .Select(r => new GraphRecord(r.Id, r.SourceKey, r.Kind, r.ExternalId, r.OccurredAt, r.OriginCustomerId)).ToListAsync(cancellationToken);
        var recordCount = await store.SourceRecords.CountAsync(r => r.CustomerId == id, cancellationToken);
        // One indexed lookup per side: with an OR, SQLite may instead walk every open review or merge in the store.
        var merges = (await store.Merges.AsNoTracking().Where(m => m.SurvivorId == id).ToListAsync(cancellationToken))
            .Concat(await store.Merges.AsNoTracking().Where(m => m.MergedId == id).ToListAsync(cancellationToken))
            .OrderByDescending(m => m.MergedAt).ToList();
        var openReviews = await store.MatchReviews.CountAsync(r => r.LeftCustomerId == id && r.Status == ReviewStatus.Open, cancellationToken)
            + await store.MatchReviews.CountAsync(r => r.RightCustomerId == id && r.Status == ReviewStatus.Open, cancellationToken);

        store.AuditLog.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, UserId = actor.UserId, UserName = actor.Name, Action = "profile.viewed",
            TargetType = "customer", TargetId = id.ToString(System.Globalization.CultureInfo.InvariantCulture), Details = "identity graph",
        });
        await store.SaveChangesAsync(cancellationToken);

        return new IdentityView(id, customerId, profile,
            profile.Lineage.OrderBy(l => Array.IndexOf(Profiles.GoldenRecord.Fields, l.Field))
                .Select(l => new GoldenField(l.Field, l.Value, l.SourceKey, l.SourceRecordId, l.Rule, l.ObservedAt, l.Reason)).ToList(),
            identifiers.Select(i => new GraphIdentifier(i.Type, i.Value, i.SourceKey, i.SourceRecordId, i.FirstSeenAt, i.LastSeenAt,
                shared.Any(o => o.Type == i.Type && o.Value == i.Value))).ToList(),
            records, recordCount,
            merges.Select(m => new GraphMerge(m.Id, m.SurvivorId, m.MergedId, m.MergedAt, m.Rule, m.MatchWeight, Evidence(m.EvidenceJson),
                m.MergedByUserId, m.UndoneAt, m.UndoneByUserId)).ToList(),
            openReviews);
    }

    /// <summary>Splits a merge (see <see cref="ProfileMerger.UnmergeAsync"/>), in one transaction.</summary>
    public async Task UnmergeAsync(long mergeId, AuditActor actor, string reason, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new ArgumentException("Give a reason for the unmerge.", nameof(reason));
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        await merger.UnmergeAsync(store, mergeId, actor.UserId ?? actor.Name, reason.Trim(), clock.GetUtcNow().UtcDateTime, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static IReadOnlyList<ReviewEvidence> Evidence(string? json) => string.IsNullOrEmpty(json) ? [] :
        JsonSerializer.Deserialize<List<JsonElement>>(json)!.Select(e => new ReviewEvidence(
            e.GetProperty("field").GetString()!, e.GetProperty("level").GetString()!, e.GetProperty("weight").GetDouble())).ToList();
}
