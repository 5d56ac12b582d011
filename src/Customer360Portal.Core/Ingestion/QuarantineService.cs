using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Customer360Portal.Core.Ingestion;

/// <summary>Open (not yet replayed) quarantined records of one source.</summary>
public sealed record QuarantineSourceCount(string SourceKey, int Open);

/// <summary>Open records carrying one reason ("field: problem"); a record with several reasons counts under each.</summary>
public sealed record QuarantineReasonCount(string Reason, string Field, int Open);

/// <summary>Open records of one source carrying one reason.</summary>
public sealed record QuarantineGroupCount(string SourceKey, string Reason, int Open);

public sealed record QuarantineSummary(
    int Open,
    IReadOnlyList<QuarantineSourceCount> BySource,
    IReadOnlyList<QuarantineReasonCount> ByReason,
    IReadOnlyList<QuarantineGroupCount> BySourceAndReason)
{
    public static readonly QuarantineSummary Empty = new(0, [], [], []);
}

/// <summary>Which open records to list: all, or those of one source and/or with one exact reason. Page is 0-based.</summary>
public sealed record QuarantineFilter(string? SourceKey = null, string? Reason = null, int Page = 0, int PageSize = 25);

/// <summary>One open record in the list: ids and reasons only, never the payload.</summary>
public sealed record QuarantineListItem(long Id, string SourceKey, string Kind, string? ExternalId, IReadOnlyList<string> Reasons, DateTime ReceivedAt);

public sealed record QuarantineListing(IReadOnlyList<QuarantineListItem> Items, int Total);

/// <summary>
/// A field a reason names, with its current value for editing. <see cref="Kind"/> is <see cref="JsonValueKind.Undefined"/>
/// when the payload lacks the field; objects and arrays carry their JSON and are edited in the raw payload.
/// </summary>
public sealed record QuarantineField(string Path, JsonValueKind Kind, string? Value, IReadOnlyList<string> Problems)
{
    public bool IsEditable => Kind is not (JsonValueKind.Object or JsonValueKind.Array);

    /// <summary>
    /// The edit an admin means by typing <paramref name="text"/>: empty removes the field; a number stays a number where
    /// the field held one or a reason asks for one; true/false stay booleans; anything else is a string.
    /// </summary>
    public FieldEdit Edit(string? text)
    {
        if (string.IsNullOrEmpty(text)) return FieldEdit.Delete(Path);
        var untyped = Kind is JsonValueKind.Undefined or JsonValueKind.Null;
        if ((untyped || Kind is JsonValueKind.True or JsonValueKind.False) && text is "true" or "false")
            return new FieldEdit(Path, JsonValue.Create(text == "true"));
        var wantsNumber = untyped || Kind == JsonValueKind.Number || Problems.Any(p => p.Contains("number", StringComparison.Ordinal));
        if (wantsNumber && QuarantinePayload.TryParseNumber(text, out var number)) return new FieldEdit(Path, number);
        return FieldEdit.Set(Path, text);
    }
}

/// <summary>One record opened for fixing. Viewing it is audited: the payload holds personal data.</summary>
public sealed record QuarantineRecordDetail(
    long Id,
    string SourceKey,
    string Kind,
    string? ExternalId,
    IReadOnlyList<string> Reasons,
    DateTime ReceivedAt,
    string PayloadJson,
    bool PayloadIsJson,
    IReadOnlyList<QuarantineField> Fields,
    DateTime? ReplayedAt,
    long? ReplayedAsSourceRecordId)
{
    public bool IsOpen => ReplayedAt is null;
}

/// <summary>
/// Sets the value at a path (<c>email</c>, <c>address.postcode</c>, <c>lines[0].quantity</c>) or removes the field.
/// Missing objects on the way are created.
/// </summary>
public sealed record FieldEdit(string Path, JsonNode? Value, bool Remove = false)
{
    public static FieldEdit Set(string path, string value) => new(path, JsonValue.Create(value));

    public static FieldEdit Delete(string path) => new(path, null, Remove: true);
}

/// <summary>What to change before replaying: field edits, or the whole payload; optionally the record kind.</summary>
public sealed record QuarantineEdit
{
    public IReadOnlyList<FieldEdit> Fields { get; init; } = [];

    /// <summary>Replaces the whole payload (the field edits are then ignored). Must be valid JSON.</summary>
    public string? PayloadJson { get; init; }

    /// <summary>For a record refused as an unknown kind: one of <see cref="RecordKinds.All"/>.</summary>
    public string? Kind { get; init; }

    public static QuarantineEdit Field(string path, string value) => new() { Fields = [FieldEdit.Set(path, value)] };

    public static QuarantineEdit Payload(string json) => new() { PayloadJson = json };
}

public enum ReplayOutcome
{
    /// <summary>Valid now: stored as a new source record (status Pending, so profile projection picks it up).</summary>
    Stored,
    /// <summary>Valid now, and the same record was already stored: counted as a duplicate, nothing stored twice.</summary>
    Duplicate,
    /// <summary>Still refused: the quarantine row keeps the new payload and the new reasons.</summary>
    StillInvalid,
    /// <summary>Replayed before (or meanwhile by someone else): nothing done.</summary>
    AlreadyReplayed,
    NotFound,
    /// <summary>The edit itself could not be applied (bad path, invalid JSON...): nothing changed.</summary>
    EditRejected,
}

/// <summary>The result for one record. <see cref="Message"/> explains a rejected edit; it never quotes a value.</summary>
public sealed record ReplayResult(long Id, ReplayOutcome Outcome, IReadOnlyList<string> Reasons, long? SourceRecordId = null, string? Message = null)
{
    public bool BecameValid => Outcome is ReplayOutcome.Stored or ReplayOutcome.Duplicate;
}

public sealed record ReplaySummary(int Requested, int Stored, int Duplicates, int StillInvalid, int Skipped)
{
    public int BecameValid => Stored + Duplicates;
}

/// <summary>For open records of a source refused on <paramref name="Field"/>: replace the exact value From with To.</summary>
/// <param name="Field">A path as reasons name it; <c>[*]</c> matches every array element (<c>lines[*].quantity</c>).</param>
public sealed record BulkMapRequest(string SourceKey, string Field, string From, string To);

/// <param name="Matched">Open records of the source with a reason on the field.</param>
/// <param name="Changed">Of those, the ones that held the value and were replayed.</param>
public sealed record BulkMapResult(int Matched, int Changed, int Stored, int Duplicates, int StillInvalid)
{
    public int BecameValid => Stored + Duplicates;
}

public sealed class QuarantineEditException(string message) : Exception(message);

/// <summary>
/// Browsing, fixing and replaying quarantined records. A replay runs the (edited) payload through the real intake
/// (<see cref="IntakePipeline.Prepare"/>) and writes the outcome in one transaction: a valid record becomes a Pending
/// source record with the same idempotent insert as <see cref="IntakeWriter"/>, the quarantine row is marked replayed,
/// and the source's counters move it from quarantined to stored (or duplicates), so received = stored + duplicates +
/// quarantined still holds. A record still invalid keeps its row with the edited payload and the new reasons.
/// The row keeps the hash of the payload as received, so the source re-sending the original is still recognised.
/// Audit entries carry ids, counts and field names, never values.
/// </summary>
public sealed class QuarantineService(IDbContextFactory<ProfileStore> stores, IntakePipeline pipeline, AuditLog audit, TimeProvider clock)
{
    /// <summary>Records per write transaction in bulk replays: short transactions keep SQLite's single writer moving.</summary>
    private const int ChunkSize = 200;
    /// <summary>As <see cref="IntakePipeline"/>: the largest payload quarantine keeps whole.</summary>
    private const int MaxPayloadBytes = 64 * 1024;
    private const int MaxAuditedIds = 50;

    // ------------------------------------------------------------------ reading

    public async Task<QuarantineSummary> SummaryAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var groups = await store.Quarantine.AsNoTracking()
            .Where(q => q.ReplayedAt == null)
            .GroupBy(q => new { q.SourceKey, q.Reason })
            .Select(g => new { g.Key.SourceKey, g.Key.Reason, Count = g.Count() })
            .ToListAsync(cancellationToken);
        if (groups.Count == 0) return QuarantineSummary.Empty;

        var bySource = groups.GroupBy(g => g.SourceKey)
            .Select(g => new QuarantineSourceCount(g.Key, g.Sum(x => x.Count)))
            .OrderByDescending(s => s.Open).ThenBy(s => s.SourceKey, StringComparer.Ordinal).ToList();
        var cross = groups
            .SelectMany(g => SplitReasons(g.Reason).Distinct().Select(reason => (g.SourceKey, Reason: reason, g.Count)))
            .GroupBy(x => (x.SourceKey, x.Reason))
            .Select(g => new QuarantineGroupCount(g.Key.SourceKey, g.Key.Reason, g.Sum(x => x.Count)))
            .OrderByDescending(g => g.Open).ThenBy(g => g.SourceKey, StringComparer.Ordinal).ThenBy(g => g.Reason, StringComparer.Ordinal).ToList();
        var byReason = cross.GroupBy(g => g.Reason)
            .Select(g => new QuarantineReasonCount(g.Key, FieldOf(g.Key), g.Sum(x => x.Open)))
            .OrderByDescending(r => r.Open).ThenBy(r => r.Reason, StringComparer.Ordinal).ToList();
        return new QuarantineSummary(bySource.Sum(s => s.Open), bySource, byReason, cross);
    }

    public async Task<QuarantineListing> ListAsync(QuarantineFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var query = Open(store, filter.SourceKey, filter.Reason);
        var total = await query.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(filter.PageSize, 1, 500);
        var rows = await query
            .OrderByDescending(q => q.ReceivedAt).ThenByDescending(q => q.Id)
            .Skip(Math.Max(0, filter.Page) * pageSize).Take(pageSize)
            .Select(q => new { q.Id, q.SourceKey, q.Kind, q.ExternalId, q.Reason, q.ReceivedAt })
            .ToListAsync(cancellationToken);
        return new QuarantineListing(
            rows.Select(r => new QuarantineListItem(r.Id, r.SourceKey, r.Kind, r.ExternalId, SplitReasons(r.Reason), r.ReceivedAt)).ToList(), total);
    }

    /// <summary>One record with its payload, for fixing. Audited as "quarantine.viewed" with the record's id only.</summary>
    public async Task<QuarantineRecordDetail?> GetAsync(long id, AuditActor actor, CancellationToken cancellationToken = default)
    {
        QuarantinedRecord? row;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            row = await store.Quarantine.AsNoTracking().SingleOrDefaultAsync(q => q.Id == id, cancellationToken);
        if (row is null) return null;
        await audit.WriteAsync(actor, "quarantine.viewed", "quarantine", Id(id), cancellationToken: cancellationToken);

        var reasons = SplitReasons(row.Reason);
        var payload = QuarantinePayload.TryParse(row.PayloadJson);
        return new QuarantineRecordDetail(row.Id, row.SourceKey, row.Kind, row.ExternalId, reasons, row.ReceivedAt,
            payload is null ? row.PayloadJson : QuarantinePayload.Indented(payload), payload is not null,
            payload is null ? [] : ProblemFields(payload, reasons), row.ReplayedAt, row.ReplayedAsSourceRecordId);
    }

    // ------------------------------------------------------------------ fixing and replaying

    /// <summary>Applies the edit to one open record and replays it. Audited as "quarantine.fixed".</summary>
    public async Task<ReplayResult> FixAndReplayAsync(long id, QuarantineEdit edit, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var row = await FindAsync(id, cancellationToken);
        if (row is null) return new ReplayResult(id, ReplayOutcome.NotFound, []);
        if (row.ReplayedAt is not null) return new ReplayResult(id, ReplayOutcome.AlreadyReplayed, [], row.ReplayedAsSourceRecordId);

        string payload;
        string kind = row.Kind;
        try
        {
            if (edit.Kind is { } newKind)
            {
                if (!RecordKinds.All.Contains(newKind)) throw new QuarantineEditException("The kind must be one of " + string.Join(", ", RecordKinds.All) + ".");
                kind = newKind;
            }
            payload = edit.PayloadJson is { } replaced ? QuarantinePayload.CheckRaw(replaced) : QuarantinePayload.Apply(row.PayloadJson, edit.Fields);
            if (Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
                throw new QuarantineEditException($"The payload would be larger than {MaxPayloadBytes / 1024} KB.");
        }
        catch (QuarantineEditException e)
        {
            return new ReplayResult(id, ReplayOutcome.EditRejected, SplitReasons(row.Reason), Message: e.Message);
        }

        var result = (await ReplayCoreAsync([new Attempt(row, payload, kind)], cancellationToken))[0];
        if (result.Outcome != ReplayOutcome.AlreadyReplayed)
        {
            var what = edit.PayloadJson is not null ? "payload replaced" : Count(edit.Fields.Count, "field") + " edited";
            if (edit.Kind is not null && edit.Kind != row.Kind) what += ", kind changed";
            await audit.WriteAsync(actor, "quarantine.fixed", "quarantine", Id(id), $"{what}; {Describe(result)}", cancellationToken);
        }
        return result;
    }

    /// <summary>Replays one record as it is (for records refused by a rule since relaxed). Audited as "quarantine.replayed".</summary>
    public async Task<ReplayResult> ReplayAsync(long id, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var row = await FindAsync(id, cancellationToken);
        if (row is null) return new ReplayResult(id, ReplayOutcome.NotFound, []);
        if (row.ReplayedAt is not null) return new ReplayResult(id, ReplayOutcome.AlreadyReplayed, [], row.ReplayedAsSourceRecordId);
        var result = (await ReplayCoreAsync([new Attempt(row, row.PayloadJson, row.Kind)], cancellationToken))[0];
        if (result.Outcome != ReplayOutcome.AlreadyReplayed)
            await audit.WriteAsync(actor, "quarantine.replayed", "quarantine", Id(id), Describe(result), cancellationToken);
        return result;
    }

    /// <summary>Replays the given records as they are; ids not open are skipped. One "quarantine.replayed" entry.</summary>
    public async Task<ReplaySummary> ReplayAsync(IReadOnlyCollection<long> ids, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var distinct = ids.Distinct().ToList();
        var results = new List<ReplayResult>(distinct.Count);
        foreach (var chunk in distinct.Chunk(ChunkSize))
        {
            List<QuarantinedRecord> rows;
            await using (var store = await stores.CreateDbContextAsync(cancellationToken))
                rows = await store.Quarantine.AsNoTracking().Where(q => chunk.Contains(q.Id) && q.ReplayedAt == null).ToListAsync(cancellationToken);
            results.AddRange(await ReplayCoreAsync(rows.Select(r => new Attempt(r, r.PayloadJson, r.Kind)).ToList(), cancellationToken));
        }
        var summary = Summarise(distinct.Count, results);
        await AuditManyAsync(actor, results, summary, cancellationToken);
        return summary;
    }

    /// <summary>Replays as they are all open records of a source and/or with a reason (null: any). One audit entry.</summary>
    public async Task<ReplaySummary> ReplayAllAsync(string? sourceKey, string? reason, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var results = new List<ReplayResult>();
        long after = 0;
        while (true)
        {
            List<QuarantinedRecord> rows;
            await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            {
                rows = await Open(store, sourceKey, reason).Where(q => q.Id > after).OrderBy(q => q.Id).Take(ChunkSize)
                    .ToListAsync(cancellationToken);
            }
            if (rows.Count == 0) break;
            after = rows[^1].Id;
            results.AddRange(await ReplayCoreAsync(rows.Select(r => new Attempt(r, r.PayloadJson, r.Kind)).ToList(), cancellationToken));
        }
        var summary = Summarise(results.Count, results);
        await AuditManyAsync(actor, results, summary, cancellationToken);
        return summary;
    }

    /// <summary>
    /// For every open record of the source with a reason on the field, replaces the field's value where it is exactly
    /// <see cref="BulkMapRequest.From"/> with <see cref="BulkMapRequest.To"/> and replays the record. Audited as
    /// "quarantine.bulk-mapped" with the source, the field (when reasons name it) and counts.
    /// </summary>
    /// <exception cref="QuarantineEditException">The field is not a path.</exception>
    public async Task<BulkMapResult> BulkMapAsync(BulkMapRequest request, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var field = request.Field.Trim();
        var path = QuarantinePayload.ParsePath(field, allowWildcard: true);
        // The SQL filter narrows to reasons mentioning the field's first name; the exact field match is done here.
        var prefix = path[0].Name!;
        int matched = 0;
        var results = new List<ReplayResult>();
        long after = 0;
        while (true)
        {
            List<QuarantinedRecord> rows;
            await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            {
                rows = await store.Quarantine.AsNoTracking()
                    .Where(q => q.SourceKey == request.SourceKey && q.ReplayedAt == null && q.Id > after && q.Reason.Contains(prefix))
                    .OrderBy(q => q.Id).Take(ChunkSize).ToListAsync(cancellationToken);
            }
            if (rows.Count == 0) break;
            after = rows[^1].Id;

            var attempts = new List<Attempt>();
            foreach (var row in rows)
            {
                if (!SplitReasons(row.Reason).Any(r => FieldsOf(r).Any(f => QuarantinePayload.PathMatches(path, f)))) continue;
                matched++;
                var mapped = QuarantinePayload.MapValue(row.PayloadJson, path, request.From, request.To);
                if (mapped is not null && Encoding.UTF8.GetByteCount(mapped) <= MaxPayloadBytes)
                    attempts.Add(new Attempt(row, mapped, row.Kind));
            }
            if (attempts.Count > 0) results.AddRange(await ReplayCoreAsync(attempts, cancellationToken));
        }

        var done = results.Where(r => r.Outcome != ReplayOutcome.AlreadyReplayed).ToList();
        var result = new BulkMapResult(matched, done.Count, done.Count(r => r.Outcome == ReplayOutcome.Stored),
            done.Count(r => r.Outcome == ReplayOutcome.Duplicate), done.Count(r => r.Outcome == ReplayOutcome.StillInvalid));
        // The field is named only when reasons named it (reasons never carry values); what an admin typed otherwise may be anything.
        await audit.WriteAsync(actor, "quarantine.bulk-mapped", "source", request.SourceKey,
            (matched > 0 ? $"field {field}: " : "")
            + string.Create(CultureInfo.InvariantCulture,
                $"{result.Matched} matched, {result.Changed} changed, {result.Stored} stored, {result.Duplicates} duplicates, {result.StillInvalid} still invalid"),
            cancellationToken);
        return result;
    }

    // ------------------------------------------------------------------ the replay itself

    private sealed record Attempt(QuarantinedRecord Row, string Payload, string Kind);

    /// <summary>
    /// Runs each attempt through intake and writes all outcomes in one transaction. Each row is claimed with a
    /// conditional update (ReplayedAt IS NULL) before anything else is written, so two admins replaying the same record
    /// store it once and move the counters once.
    /// </summary>
    private async Task<IReadOnlyList<ReplayResult>> ReplayCoreAsync(IReadOnlyList<Attempt> attempts, CancellationToken cancellationToken)
    {
        if (attempts.Count == 0) return [];
        // Validation and normalisation outside the transaction: the write lock is held only for the writes.
        var prepared = attempts
            .Select(a => (Attempt: a, Item: pipeline.Prepare(new IncomingRecord(a.Row.SourceKey, a.Kind, Encoding.UTF8.GetBytes(a.Payload), a.Row.ReceivedAt))))
            .ToList();

        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        var sql = IntakeSql.For(store.Database.ProviderName);
        var now = clock.GetUtcNow().UtcDateTime;
        var results = new List<ReplayResult>(prepared.Count);
        var counters = new Dictionary<string, (int Stored, int Duplicates, DateTime? Newest)>(StringComparer.Ordinal);

        await using var insert = IntakeWriter.RecordInsert(store.Database.GetDbConnection(), transaction.GetDbTransaction(), sql);

        foreach (var (attempt, item) in prepared)
        {
            var row = attempt.Row;
            if (item.Accepted)
            {
                var claimed = await store.Quarantine.Where(q => q.Id == row.Id && q.ReplayedAt == null).ExecuteUpdateAsync(u => u
                    .SetProperty(q => q.ReplayedAt, now)
                    .SetProperty(q => q.PayloadJson, item.PayloadJson)
                    .SetProperty(q => q.Kind, attempt.Kind)
                    .SetProperty(q => q.ExternalId, item.ExternalId), cancellationToken);
                if (claimed == 0)
                {
                    results.Add(new ReplayResult(row.Id, ReplayOutcome.AlreadyReplayed, []));
                    continue;
                }

                IntakeWriter.BindRecord(insert, row.SourceKey, item, row.ReceivedAt);
                var stored = await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
                var recordId = await store.SourceRecords
                    .Where(r => r.SourceKey == row.SourceKey && r.ExternalId == item.ExternalId && r.VersionKey == item.VersionKey)
                    .Select(r => r.Id).SingleAsync(cancellationToken);
                await store.Quarantine.Where(q => q.Id == row.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(q => q.ReplayedAsSourceRecordId, recordId), cancellationToken);

                counters.TryGetValue(row.SourceKey, out var c);
                var newest = c.Newest is null || item.OccurredAt > c.Newest ? item.OccurredAt : c.Newest;
                counters[row.SourceKey] = stored ? (c.Stored + 1, c.Duplicates, newest) : (c.Stored, c.Duplicates + 1, newest);
                results.Add(new ReplayResult(row.Id, stored ? ReplayOutcome.Stored : ReplayOutcome.Duplicate, [], recordId));
            }
            else
            {
                var reason = Truncate(string.Join("; ", item.Reasons), 2000);
                var unchanged = reason == row.Reason && item.PayloadJson == row.PayloadJson && attempt.Kind == row.Kind && item.ExternalId == row.ExternalId;
                var updated = unchanged
                    ? await store.Quarantine.CountAsync(q => q.Id == row.Id && q.ReplayedAt == null, cancellationToken)
                    : await store.Quarantine.Where(q => q.Id == row.Id && q.ReplayedAt == null).ExecuteUpdateAsync(u => u
                        .SetProperty(q => q.Reason, reason)
                        .SetProperty(q => q.PayloadJson, item.PayloadJson)
                        .SetProperty(q => q.Kind, attempt.Kind)
                        .SetProperty(q => q.ExternalId, item.ExternalId), cancellationToken);
                results.Add(updated == 0
                    ? new ReplayResult(row.Id, ReplayOutcome.AlreadyReplayed, [])
                    : new ReplayResult(row.Id, ReplayOutcome.StillInvalid, item.Reasons));
            }
        }

        foreach (var (sourceKey, (stored, duplicates, newest)) in counters)
        {
            var moved = stored + duplicates;
            var changed = await store.DataSources.Where(s => s.Key == sourceKey).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Stored, s => s.Stored + stored)
                .SetProperty(s => s.Duplicates, s => s.Duplicates + duplicates)
                .SetProperty(s => s.Quarantined, s => s.Quarantined - moved)
                .SetProperty(s => s.LastRecordAt, s => s.LastRecordAt == null || s.LastRecordAt < newest ? newest : s.LastRecordAt), cancellationToken);
            if (changed != 1) throw new UnknownSourceException(sourceKey);
        }
        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    // ------------------------------------------------------------------ helpers

    private async Task<QuarantinedRecord?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.Quarantine.AsNoTracking().SingleOrDefaultAsync(q => q.Id == id, cancellationToken);
    }

    private static IQueryable<QuarantinedRecord> Open(ProfileStore store, string? sourceKey, string? reason)
    {
        var query = store.Quarantine.AsNoTracking().Where(q => q.ReplayedAt == null);
        if (!string.IsNullOrEmpty(sourceKey)) query = query.Where(q => q.SourceKey == sourceKey);
        if (!string.IsNullOrEmpty(reason))
        {
            // Exactly this reason among the "; "-separated ones, in SQL on both providers.
            string first = reason + "; ", last = "; " + reason, middle = "; " + reason + "; ";
            query = query.Where(q => q.Reason == reason || q.Reason.StartsWith(first) || q.Reason.EndsWith(last) || q.Reason.Contains(middle));
        }
        return query;
    }

    /// <summary>The fields the reasons name, with their current values: what the admin most likely has to fix.</summary>
    private static List<QuarantineField> ProblemFields(JsonNode payload, IReadOnlyList<string> reasons)
    {
        var problems = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var reason in reasons)
        {
            var problem = ProblemOf(reason);
            foreach (var field in FieldsOf(reason))
            {
                if (field is "payload" or "kind" or "traits") continue;
                if (!problems.TryGetValue(field, out var list)) problems[field] = list = [];
                list.Add(problem);
            }
        }
        var fields = new List<QuarantineField>(problems.Count);
        foreach (var (field, list) in problems)
        {
            IReadOnlyList<QuarantinePayload.Step> path;
            try { path = QuarantinePayload.ParsePath(field, allowWildcard: false); }
            catch (QuarantineEditException) { continue; }
            var (kind, value) = QuarantinePayload.Read(payload, path);
            fields.Add(new QuarantineField(field, kind, value, list));
        }
        return fields;
    }

    /// <summary>"a; b" → ["a", "b"].</summary>
    public static IReadOnlyList<string> SplitReasons(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? [] : reason.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>"address.country: unknown country" → "address.country".</summary>
    public static string FieldOf(string reason)
    {
        var colon = reason.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? reason : reason[..colon];
    }

    private static string ProblemOf(string reason)
    {
        var colon = reason.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? reason : reason[(colon + 2)..];
    }

    /// <summary>"accountId/email/phone: at least one is required" names three fields.</summary>
    private static string[] FieldsOf(string reason) => FieldOf(reason).Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static ReplaySummary Summarise(int requested, IReadOnlyList<ReplayResult> results)
    {
        int stored = 0, duplicates = 0, invalid = 0;
        foreach (var r in results)
        {
            if (r.Outcome == ReplayOutcome.Stored) stored++;
            else if (r.Outcome == ReplayOutcome.Duplicate) duplicates++;
            else if (r.Outcome == ReplayOutcome.StillInvalid) invalid++;
        }
        return new ReplaySummary(requested, stored, duplicates, invalid, requested - stored - duplicates - invalid);
    }

    private async Task AuditManyAsync(AuditActor actor, IReadOnlyList<ReplayResult> results, ReplaySummary summary, CancellationToken cancellationToken)
    {
        var done = results.Where(r => r.Outcome != ReplayOutcome.AlreadyReplayed).Select(r => r.Id).ToList();
        var ids = string.Join(", ", done.Take(MaxAuditedIds)) + (done.Count > MaxAuditedIds ? $" and {done.Count - MaxAuditedIds} more" : "");
        await audit.WriteAsync(actor, "quarantine.replayed", "quarantine", done.Count == 1 ? Id(done[0]) : null,
            string.Create(CultureInfo.InvariantCulture,
                $"{summary.Requested} requested: {summary.Stored} stored, {summary.Duplicates} duplicates, {summary.StillInvalid} still invalid, {summary.Skipped} skipped")
            + (done.Count > 0 ? "; ids " + ids : ""),
            cancellationToken);
    }

    private static string Describe(ReplayResult result) => result.Outcome switch
    {
        ReplayOutcome.Stored => $"stored as source record {result.SourceRecordId}",
        ReplayOutcome.Duplicate => $"duplicate of source record {result.SourceRecordId}",
        ReplayOutcome.StillInvalid => $"still invalid ({Count(result.Reasons.Count, "reason")})",
        _ => result.Outcome.ToString(),
    };

    private static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>Paths into a payload and edits of it, with System.Text.Json nodes. Never puts a value into an error message.</summary>
internal static class QuarantinePayload
{
    /// <summary>One step of a path: a property name, or an array index (<see cref="Wildcard"/> for every element).</summary>
    internal readonly record struct Step(string? Name, int Index);

    internal const int Wildcard = -2;
    private const int MaxDepth = 64;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Pretty = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };
    private static readonly JsonDocumentOptions Document = new() { MaxDepth = MaxDepth };

    public static JsonNode? TryParse(string json)
    {
        try
        {
            var node = JsonNode.Parse(json, documentOptions: Document);
            // Touch every object so repeated property names fail here, not halfway through an edit.
            if (node is not null) _ = node.ToJsonString(Compact);
            return node;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    public static string Indented(JsonNode node) => node.ToJsonString(Pretty);

    /// <summary>A whole payload typed by an admin: kept as typed, but it must be JSON.</summary>
    public static string CheckRaw(string json)
    {
        var trimmed = json.Trim();
        if (trimmed.Length == 0 || TryParse(trimmed) is null)
            throw new QuarantineEditException("The payload is not valid JSON (or repeats a property name).");
        return trimmed;
    }

    public static string Apply(string payloadJson, IReadOnlyList<FieldEdit> edits)
    {
        if (edits.Count == 0) return payloadJson;
        var root = TryParse(payloadJson) as JsonObject
            ?? throw new QuarantineEditException("The stored payload is not a JSON object: edit it as raw JSON instead.");
        foreach (var edit in edits)
            Set(root, ParsePath(edit.Path, allowWildcard: false), edit);
        return root.ToJsonString(Compact);
    }

    /// <summary>The payload with every value at the path equal to <paramref name="from"/> replaced; null when none was.</summary>
    public static string? MapValue(string payloadJson, IReadOnlyList<Step> path, string from, string to)
    {
        if (TryParse(payloadJson) is not JsonObject root) return null;
        int changed = 0;
        foreach (var (parent, step) in Locations(root, path, 0))
        {
            var current = step.Name is not null ? parent.AsObject()[step.Name] : parent.AsArray()[step.Index];
            if (current is not JsonValue value) continue;
            var kind = value.GetValueKind();
            var text = kind == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
            if (!string.Equals(text, from, StringComparison.Ordinal)) continue;
            JsonNode replacement = kind == JsonValueKind.Number && TryParseNumber(to, out var number) ? number
                : kind is JsonValueKind.True or JsonValueKind.False && to is "true" or "false" ? JsonValue.Create(to == "true")
                : JsonValue.Create(to);
            if (step.Name is not null) parent.AsObject()[step.Name] = replacement;
            else parent.AsArray()[step.Index] = replacement;
            changed++;
        }
        return changed == 0 ? null : root.ToJsonString(Compact);
    }

    /// <summary>The kind and display text of the value at a path (Undefined when missing).</summary>
    public static (JsonValueKind Kind, string? Value) Read(JsonNode root, IReadOnlyList<Step> path)
    {
        JsonNode? node = root;
        foreach (var step in path)
        {
            if (step.Name is not null)
            {
                if (node is not JsonObject obj || !obj.TryGetPropertyValue(step.Name, out node)) return (JsonValueKind.Undefined, null);
            }
            else if (node is JsonArray array && step.Index < array.Count) node = array[step.Index];
            else return (JsonValueKind.Undefined, null);
        }
        return node switch
        {
            null => (JsonValueKind.Null, null),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => (JsonValueKind.String, value.GetValue<string>()),
            _ => (node.GetValueKind(), node.ToJsonString(Compact)),
        };
    }

    public static bool TryParseNumber(string text, out JsonNode number)
    {
        number = null!;
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed.Length > 40) return false;
        try
        {
            if (JsonNode.Parse(trimmed) is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
            {
                number = value;
                return true;
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }

    /// <summary>email, address.postcode, lines[0].quantity, lines[*].quantity (wildcard only where allowed).</summary>
    public static IReadOnlyList<Step> ParsePath(string path, bool allowWildcard)
    {
        var steps = new List<Step>();
        if (string.IsNullOrWhiteSpace(path) || path.Length > 300) throw Bad();
        foreach (var segment in path.Trim().Split('.'))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? segment : segment[..bracket];
            if (name.Length == 0 || name.AsSpan().ContainsAny("]\"") || name.Any(char.IsControl)) throw Bad();
            steps.Add(new Step(name, -1));
            var rest = bracket < 0 ? "" : segment[bracket..];
            while (rest.Length > 0)
            {
                var close = rest.IndexOf(']', StringComparison.Ordinal);
                if (rest[0] != '[' || close < 2) throw Bad();
                var index = rest[1..close];
                if (index == "*" && allowWildcard) steps.Add(new Step(null, Wildcard));
                else if (int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < 100_000) steps.Add(new Step(null, i));
                else throw Bad();
                rest = rest[(close + 1)..];
            }
        }
        if (steps.Count > MaxDepth) throw Bad();
        return steps;

        QuarantineEditException Bad() => new(allowWildcard
            ? "A field is a path like email, address.postcode, lines[0].quantity or lines[*].quantity."
            : "A field is a path like email, address.postcode or lines[0].quantity.");
    }

    /// <summary>Whether a concrete path from a reason ("lines[2].quantity") matches a pattern ("lines[*].quantity").</summary>
    public static bool PathMatches(IReadOnlyList<Step> pattern, string reasonField)
    {
        IReadOnlyList<Step> concrete;
        try { concrete = ParsePath(reasonField, allowWildcard: false); }
        catch (QuarantineEditException) { return false; }
        if (concrete.Count != pattern.Count) return false;
        for (var i = 0; i < pattern.Count; i++)
        {
            var (p, c) = (pattern[i], concrete[i]);
            if (p.Name is not null ? p.Name != c.Name : c.Name is not null || (p.Index != Wildcard && p.Index != c.Index)) return false;
        }
        return true;
    }

    /// <summary>Every existing (parent, last step) the path reaches, expanding wildcards.</summary>
    private static IEnumerable<(JsonNode Parent, Step Step)> Locations(JsonNode node, IReadOnlyList<Step> path, int at)
    {
        var step = path[at];
        var last = at == path.Count - 1;
        if (step.Name is not null)
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(step.Name, out var child)) yield break;
            if (last) yield return (node, step);
            else if (child is not null)
                foreach (var location in Locations(child, path, at + 1)) yield return location;
            yield break;
        }
        if (node is not JsonArray array) yield break;
        var indexes = step.Index == Wildcard ? Enumerable.Range(0, array.Count) : step.Index < array.Count ? [step.Index] : [];
        foreach (var i in indexes.ToList())
        {
            if (last) yield return (node, new Step(null, i));
            else if (array[i] is { } child)
                foreach (var location in Locations(child, path, at + 1)) yield return location;
        }
    }

    private static void Set(JsonObject root, IReadOnlyList<Step> path, FieldEdit edit)
    {
        JsonNode parent = root;
        for (var i = 0; i < path.Count - 1; i++)
        {
            var step = path[i];
            JsonNode? next;
            if (step.Name is not null)
            {
                var obj = parent as JsonObject ?? throw NotReachable(edit.Path);
                if (!obj.TryGetPropertyValue(step.Name, out next) || next is null)
                {
                    if (edit.Remove) return; // nothing there to remove
                    if (path[i + 1].Name is null) throw NotReachable(edit.Path);
                    next = new JsonObject();
                    obj[step.Name] = next;
                }
            }
            else
            {
                var array = parent as JsonArray ?? throw NotReachable(edit.Path);
                if (step.Index >= array.Count) throw NotReachable(edit.Path);
                next = array[step.Index] ?? throw NotReachable(edit.Path);
            }
            parent = next;
        }

        var target = path[^1];
        var value = edit.Value?.DeepClone();
        if (target.Name is not null)
        {
            var obj = parent as JsonObject ?? throw NotReachable(edit.Path);
            if (edit.Remove) obj.Remove(target.Name);
            else obj[target.Name] = value;
        }
        else
        {
            var array = parent as JsonArray ?? throw NotReachable(edit.Path);
            if (edit.Remove)
            {
                if (target.Index >= array.Count) throw NotReachable(edit.Path);
                array.RemoveAt(target.Index);
            }
            else if (target.Index < array.Count) array[target.Index] = value;
            else if (target.Index == array.Count) array.Add(value);
            else throw NotReachable(edit.Path);
        }
    }

    private static QuarantineEditException NotReachable(string path) =>
        new($"The payload has no place for {path}: edit it as raw JSON instead.");
}
