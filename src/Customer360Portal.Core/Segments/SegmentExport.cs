using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Segments;

/// <summary>A page of consented members for an activation tool, and how many on that page were left out and why.</summary>
public sealed record SegmentMembersPage(long SegmentId, ConsentPurpose Purpose, IReadOnlyList<IReadOnlyDictionary<string, string?>> Members,
    IReadOnlyDictionary<string, int> SkippedByReason, long? NextAfter, DateTime? RefreshedAt);

/// <summary>
/// Segment exports and the activation API, both through <see cref="ConsentedExport"/> (the consent check every list
/// leaving the portal passes): only consented members with the channel's contact details leave, and each export or page
/// is audited with the segment, the purpose and the counts (never who).
/// The CSV evaluates the rules at export time (what the marketer sees is what leaves); restricted profiles that match
/// the rules are counted as left out ("processing restricted") rather than silently missing.
/// The API pages through the members of the last refresh, so a tool paging for minutes sees one stable list.
/// </summary>
public sealed class SegmentExport(IDbContextFactory<ProfileStore> stores, ConsentedExport export, AuditLog audit, TimeProvider clock)
{
    public const string ExportAction = "segment.exported";
    public const string ApiAction = "segment.members-read";
    public const int MaxPageSize = 1_000;

    public async Task<ExportResult> WriteCsvAsync(long segmentId, ConsentPurpose purpose, Stream output, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var (segment, rule) = await LoadAsync(segmentId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        List<long> ids;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            var matching = store.Customers.AsNoTracking()
                .Where(c => (c.Status == CustomerStatus.Active || c.Status == CustomerStatus.Restricted) && c.MergedIntoId == null)
                .Where(SegmentCompiler.Predicate(store, rule, now));
            ids = await matching.OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(cancellationToken);
        }
        var result = await export.WriteCsvAsync(ids, purpose, output, actor, cancellationToken);
        await audit.WriteAsync(actor, ExportAction, "segment", segmentId.ToString(CultureInfo.InvariantCulture),
            $"\"{segment.Name}\" version {segment.Version.ToString(CultureInfo.InvariantCulture)}, CSV — " + ConsentedExport.Describe(result), cancellationToken);
        return result;
    }

    /// <summary>Members after customer id <paramref name="after"/>, consent-filtered for the purpose; <see cref="SegmentMembersPage.NextAfter"/> continues.</summary>
    public async Task<SegmentMembersPage> PageAsync(long segmentId, ConsentPurpose purpose, long after, int pageSize, AuditActor actor,
        CancellationToken cancellationToken = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var (segment, _) = await LoadAsync(segmentId, cancellationToken);
        List<long> ids;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            ids = await store.SegmentMembers.AsNoTracking().Where(m => m.SegmentId == segmentId && m.CustomerId > after).OrderBy(m => m.CustomerId)
                .Select(m => m.CustomerId).Take(pageSize + 1).ToListAsync(cancellationToken);
        var more = ids.Count > pageSize;
        if (more) ids.RemoveAt(ids.Count - 1);
        var (rows, skipped) = await export.RowsAsync(ids, purpose, cancellationToken);
        var skippedCount = skipped.Values.Sum();
        await audit.WriteAsync(actor, ApiAction, "segment", segmentId.ToString(CultureInfo.InvariantCulture),
            string.Create(CultureInfo.InvariantCulture, $"{purpose}: {rows.Count} returned, {skippedCount} skipped, after {after}"), cancellationToken);
        return new SegmentMembersPage(segmentId, purpose, rows, skipped, more ? ids[^1] : null, segment.RefreshedAt);
    }

    private async Task<(Segment Segment, SegmentRule Rule)> LoadAsync(long segmentId, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var segment = await store.Segments.AsNoTracking().SingleOrDefaultAsync(s => s.Id == segmentId, cancellationToken)
            ?? throw new SegmentNotFoundException(segmentId);
        if (segment.ArchivedAt is not null) throw new SegmentRuleException("The segment is archived: restore it to export it.");
        var rule = SegmentRuleJson.Parse(segment.DefinitionJson);
        var problems = SegmentValidation.Validate(rule);
        if (problems.Count > 0) throw new SegmentRuleException(string.Join(" ", problems));
        return (segment, rule);
    }
}

public sealed class SegmentNotFoundException(long id) : Exception($"Segment {id.ToString(CultureInfo.InvariantCulture)} does not exist.");
