using System.Globalization;
using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Sync;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Privacy;

/// <summary>What an erasure removed, for the request's file and the person: counts and ids, never a personal value.</summary>
public sealed record ErasureReceipt(string ReceiptId, long? RequestId, DateTime ErasedAt, long ProfileId, IReadOnlyList<long> ProfileIds,
    IReadOnlyDictionary<string, int> Removed, int SuppressedIdentifiers, int FilesRewritten, bool StorageCompacted)
{
    public string ToJson() => JsonSerializer.Serialize(this);
}

public sealed record ErasureProgress(string Step, int Done, int Total);

/// <summary>
/// Erases a person everywhere the product keeps them: the profile and every profile merged or stitched into it, their
/// source records, identifiers, interactions, notes, scores, consent rows, traits, match and search keys, review and
/// merge entries, quarantined records and processed drop-file lines that mention them, and personal values in audit
/// entries and privacy requests. What stays: a tombstone row per profile id (status Erased, no values) so old links say
/// "erased", an audit entry with counts, and the keyed hashes of their identifiers on the suppression list so the next
/// sync does not bring them back. On SQLite every connection runs with <c>secure_delete</c> (freed bytes are zeroed, see
/// <c>SqlitePragmas</c>) and the WAL is checkpointed and truncated afterwards, so the values are gone from the files too.
/// </summary>
public sealed class PersonErasure(IDbContextFactory<ProfileStore> stores, SuppressionList suppressions, TimeProvider clock, ResolutionGate gate,
    IOptions<ResolutionOptions> resolution, IOptions<SyncOptions> sync, IHostEnvironment environment)
{
    private const string Redacted = "[erased]";

    /// <summary>
    /// Every entity that can hold a person or point at one, and how erasure treats it. A test walks the EF model and
    /// fails when a customer-linked entity is missing here, so a later feature cannot forget to erase its rows.
    /// </summary>
    public static readonly IReadOnlyDictionary<Type, string> Coverage = new Dictionary<Type, string>
    {
        [typeof(Customer)] = "kept as a tombstone: status Erased, every value cleared",
        [typeof(Identifier)] = "deleted",
        [typeof(SourceRecord)] = "deleted (by profile and by the profile it was first written for)",
        [typeof(Interaction)] = "deleted",
        [typeof(CustomerNote)] = "deleted",
        [typeof(ConsentEvent)] = "deleted: the erasure's audit entry is the record that the person was here",
        [typeof(ConsentState)] = "deleted",
        [typeof(CustomerTrait)] = "deleted",
        [typeof(CustomerScore)] = "deleted",
        [typeof(PurchasedItem)] = "deleted",
        [typeof(OfferFeedback)] = "deleted",
        [typeof(ProfileMatchKey)] = "deleted",
        [typeof(CustomerSearchKey)] = "deleted",
        [typeof(ProfileChange)] = "deleted (the search index's notes of changed profiles; erasure removes the keys itself)",
        [typeof(StageMark)] = "deleted (the insights job's last-seen lifecycle stage; its dashboards hold aggregates only)",
        [typeof(MatchReview)] = "deleted (either side)",
        [typeof(MergeRecord)] = "deleted (either side): its evidence quotes values",
        [typeof(QuarantinedRecord)] = "deleted when its payload mentions one of the person's identifiers",
        [typeof(AuditEntry)] = "kept (who did what, when); any personal value in its details is redacted",
        [typeof(PrivacyRequest)] = "kept for the file; the subject's contact and words are redacted",
        [typeof(SegmentMember)] = "deleted (a projection of segment rules; snapshots keep counts only)",
    };

    public async Task<ErasureReceipt> EraseAsync(long customerId, long? requestId, AuditActor actor, IProgress<ErasureProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        // The projection waits meanwhile: it must neither merge into the person mid-erasure nor project their pending records afterwards.
        await gate.Lock.WaitAsync(cancellationToken);
        try
        {
            return await EraseUnderGateAsync(customerId, requestId, actor, progress, cancellationToken);
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    private async Task<ErasureReceipt> EraseUnderGateAsync(long customerId, long? requestId, AuditActor actor, IProgress<ErasureProgress>? progress,
        CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var survivor = await SurvivorAsync(store, customerId, cancellationToken);
        var family = await FamilyAsync(store, survivor, cancellationToken);
        progress?.Report(new ErasureProgress("Finding everything held about the person", 1, 5));

        var person = await PersonAsync(store, family, cancellationToken);
        var suppressed = await SuppressionHashesAsync(store, family, person.Identifiers, cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var removed = new Dictionary<string, int>();
        var sqlite = store.Database.ProviderName?.Contains("Sqlite", StringComparison.Ordinal) == true;
        progress?.Report(new ErasureProgress("Removing the person's rows", 2, 5));
        await using (var transaction = await store.Database.BeginTransactionAsync(cancellationToken))
        {
            await DeleteRowsAsync(store, family, person, removed, cancellationToken);
            var hashes = suppressed.Select(s => s.Hash).ToList();
            removed["pending source records"] = await DeletePendingAsync(store, hashes.ToHashSet(StringComparer.Ordinal), cancellationToken);
            var known = (await store.Suppressions.Where(s => hashes.Contains(s.KeyedHash)).Select(s => s.KeyedHash).ToListAsync(cancellationToken)).ToHashSet();
            foreach (var (type, hash) in suppressed.Where(s => !known.Contains(s.Hash)))
                store.Suppressions.Add(new SuppressionEntry { IdentifierType = type, KeyedHash = hash, CreatedAt = now, PrivacyRequestId = requestId });
            store.AuditLog.Add(new AuditEntry
            {
                At = now, UserId = actor.UserId, UserName = actor.Name, Action = "person.erased", TargetType = "customer",
                TargetId = survivor.ToString(CultureInfo.InvariantCulture),
                Details = $"{family.Count} profile(s); {removed.GetValueOrDefault("source records")} source records; " +
                          $"{suppressed.Count} identifier(s) suppressed{(requestId is { } r ? $"; request {r}" : "")}",
            });
            await store.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        progress?.Report(new ErasureProgress("Removing the person from processed files", 3, 5));
        var files = RewriteDropFiles(person.Values);
        progress?.Report(new ErasureProgress("Clearing the database's logs", 4, 5));
        var compacted = !sqlite || await CheckpointAsync(cancellationToken);
        progress?.Report(new ErasureProgress("Done", 5, 5));
        return new ErasureReceipt(Guid.NewGuid().ToString("N"), requestId, now, survivor, family.Order().ToList(), removed, suppressed.Count, files, compacted);
    }

    private static async Task<long> SurvivorAsync(ProfileStore store, long customerId, CancellationToken cancellationToken)
    {
        var profile = await IdentityGraph.FollowRedirectsAsync(store, customerId, cancellationToken)
            ?? throw new InvalidOperationException($"There is no profile {customerId}.");
        return profile.Status switch
        {
            CustomerStatus.Erased => throw new InvalidOperationException($"Profile {customerId} is already erased."),
            CustomerStatus.Merged => throw new InvalidOperationException($"Profile {customerId} redirects in a loop."),
            _ => profile.Id,
        };
    }

    /// <summary>The profile and every profile merged (or stitched, for anonymous histories) into it, transitively.</summary>
    private static async Task<HashSet<long>> FamilyAsync(ProfileStore store, long survivor, CancellationToken cancellationToken)
    {
        var family = new HashSet<long> { survivor };
        var frontier = new List<long> { survivor };
        while (frontier.Count > 0)
        {
            var next = await store.Customers.Where(c => c.MergedIntoId != null && frontier.Contains(c.MergedIntoId.Value)).Select(c => c.Id).ToListAsync(cancellationToken);
            next.AddRange(await store.Merges.Where(m => m.UndoneAt == null && frontier.Contains(m.SurvivorId)).Select(m => m.MergedId).ToListAsync(cancellationToken));
            frontier = next.Where(family.Add).ToList();
        }
        return family;
    }

    /// <summary>The person's identifiers and personal values, from the profiles and from every source record.</summary>
    private sealed record Person(HashSet<(IdentifierType Type, string Value)> Identifiers, HashSet<string> Values);

    private static async Task<Person> PersonAsync(ProfileStore store, HashSet<long> family, CancellationToken cancellationToken)
    {
        var ids = family.ToList();
        var identifiers = (await store.Identifiers.AsNoTracking().Where(i => ids.Contains(i.CustomerId)).Select(i => new { i.Type, i.Value }).ToListAsync(cancellationToken))
            .Select(i => (i.Type, i.Value)).ToHashSet();
        var values = new HashSet<string>(StringComparer.Ordinal);
        void Add(string? value)
        {
            // Short values (a two-letter given name, a country code) would redact unrelated text everywhere.
            if (!string.IsNullOrWhiteSpace(value) && value.Trim().Length >= 4) values.Add(value.Trim());
        }
        foreach (var profile in await store.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken))
        {
            Add(profile.Email); Add(profile.Phone); Add(profile.AddressLine); Add(profile.Postcode);
            if ($"{profile.GivenName} {profile.FamilyName}".Trim() is { Length: > 0 } name) Add(name);
            Add(profile.FamilyName);
        }
        var records = store.SourceRecords.AsNoTracking()
            .Where(r => (r.CustomerId != null && ids.Contains(r.CustomerId.Value)) || (r.OriginCustomerId != null && ids.Contains(r.OriginCustomerId.Value)))
            .Select(r => r.NormalizedJson).AsAsyncEnumerable();
        await foreach (var json in records.WithCancellation(cancellationToken))
        {
            if (JsonSerializer.Deserialize(json, IntakeJson.Storage.NormalisedRecord) is not { } record) continue;
            foreach (var identifier in ProfileDerivation.IdentifiersOf(record)) identifiers.Add(identifier);
            Add(record.Email); Add(record.Phone); Add(record.AddressLine); Add(record.Postcode); Add(record.FamilyName);
            if ($"{record.GivenName} {record.FamilyName}".Trim() is { Length: > 0 } name) Add(name);
        }
        foreach (var (_, value) in identifiers) Add(value);
        return new Person(identifiers, values);
    }

    /// <summary>
    /// Hashes of the identifiers that name this person alone: junk values and values another live profile holds too (a
    /// household email, a shared phone) are left off, or the list would silence other people.
    /// </summary>
    private async Task<List<(IdentifierType Type, string Hash)>> SuppressionHashesAsync(ProfileStore store, HashSet<long> family,
        HashSet<(IdentifierType Type, string Value)> identifiers, CancellationToken cancellationToken)
    {
        var junk = new JunkIdentifiers(resolution.Value.Blocklist);
        var candidates = identifiers.Where(i => SuppressionList.SuppressedTypes.Contains(i.Type) && !junk.IsJunk(i.Type, i.Value)).ToList();
        var hashes = new List<(IdentifierType, string)>();
        foreach (var group in candidates.GroupBy(c => c.Type))
        {
            var values = group.Select(g => g.Value).ToList();
            var type = group.Key;
            var shared = (await store.Identifiers.AsNoTracking().Where(i => i.Type == type && values.Contains(i.Value) && !family.Contains(i.CustomerId))
                .Select(i => i.Value).ToListAsync(cancellationToken)).ToHashSet();
            hashes.AddRange(values.Where(v => !shared.Contains(v)).Select(v => (type, suppressions.Hash(type, v))));
        }
        return hashes.Distinct().ToList();
    }

    private static async Task DeleteRowsAsync(ProfileStore store, HashSet<long> family, Person person, Dictionary<string, int> removed, CancellationToken cancellationToken)
    {
        var ids = family.ToList();
        removed["interactions"] = await store.Interactions.Where(i => ids.Contains(i.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["notes"] = await store.Notes.Where(n => ids.Contains(n.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["scores"] = await store.Scores.Where(s => ids.Contains(s.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["purchased items"] = await store.PurchasedItems.Where(i => ids.Contains(i.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["offer feedback"] = await store.OfferFeedback.Where(f => ids.Contains(f.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["consent events"] = await store.ConsentEvents.Where(c => ids.Contains(c.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["consent states"] = await store.ConsentStates.Where(c => ids.Contains(c.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["traits"] = await store.Traits.Where(t => ids.Contains(t.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["identifiers"] = await store.Identifiers.Where(i => ids.Contains(i.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["match keys"] = await store.MatchKeys.Where(k => ids.Contains(k.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["search keys"] = await store.SearchKeys.Where(k => ids.Contains(k.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        await store.ProfileChanges.Where(c => ids.Contains(c.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["stage marks"] = await store.StageMarks.Where(m => ids.Contains(m.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["segment memberships"] = await store.SegmentMembers.Where(m => ids.Contains(m.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["match reviews"] = await store.MatchReviews.Where(r => ids.Contains(r.LeftCustomerId)).ExecuteDeleteAsync(cancellationToken)
            + await store.MatchReviews.Where(r => ids.Contains(r.RightCustomerId)).ExecuteDeleteAsync(cancellationToken);
        removed["merges"] = await store.Merges.Where(m => ids.Contains(m.SurvivorId)).ExecuteDeleteAsync(cancellationToken)
            + await store.Merges.Where(m => ids.Contains(m.MergedId)).ExecuteDeleteAsync(cancellationToken);
        removed["source records"] = await store.SourceRecords.Where(r => r.CustomerId != null && ids.Contains(r.CustomerId.Value)).ExecuteDeleteAsync(cancellationToken)
            + await store.SourceRecords.Where(r => r.OriginCustomerId != null && ids.Contains(r.OriginCustomerId.Value)).ExecuteDeleteAsync(cancellationToken);

        var quarantined = 0;
        var redactedAudit = 0;
        foreach (var value in person.Identifiers.Select(i => i.Value).Where(v => v.Length >= 4).Distinct())
        {
            var pattern = Like.Containing(value);
            quarantined += await store.Quarantine.Where(q => EF.Functions.Like(q.PayloadJson, pattern, Like.EscapeCharacter)).ExecuteDeleteAsync(cancellationToken);
        }
        foreach (var value in person.Values)
        {
            var pattern = Like.Containing(value);
            redactedAudit += await store.AuditLog.Where(a => a.Details != null && EF.Functions.Like(a.Details, pattern, Like.EscapeCharacter))
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.Details, a => a.Details!.Replace(value, Redacted)), cancellationToken);
            await store.PrivacyRequests.Where(r => r.SubjectContact != null && EF.Functions.Like(r.SubjectContact, pattern, Like.EscapeCharacter))
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.SubjectContact, Redacted).SetProperty(r => r.Details, Redacted), cancellationToken);
        }
        removed["quarantined records"] = quarantined;
        removed["audit entries redacted"] = redactedAudit;
        removed["privacy requests redacted"] = await store.PrivacyRequests.Where(r => r.CustomerId != null && ids.Contains(r.CustomerId.Value))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.SubjectContact, Redacted).SetProperty(r => r.Details, Redacted), cancellationToken);

        // Tombstones: the ids stay (links, audit entries and requests point at them), nothing about the person does.
        removed["profiles"] = await store.Customers.Where(c => ids.Contains(c.Id)).ExecuteUpdateAsync(u => u
            .SetProperty(c => c.Status, CustomerStatus.Erased).SetProperty(c => c.MergedIntoId, (long?)null)
            .SetProperty(c => c.GivenName, (string?)null).SetProperty(c => c.FamilyName, (string?)null).SetProperty(c => c.NormalizedName, (string?)null)
            .SetProperty(c => c.Email, (string?)null).SetProperty(c => c.Phone, (string?)null).SetProperty(c => c.DateOfBirth, (DateOnly?)null)
            .SetProperty(c => c.AddressLine, (string?)null).SetProperty(c => c.City, (string?)null).SetProperty(c => c.Postcode, (string?)null)
            .SetProperty(c => c.Country, (string?)null).SetProperty(c => c.Lineage, new List<CustomerFieldLineage>())
            .SetProperty(c => c.LifetimeValueMinor, 0L).SetProperty(c => c.OrderCount, 0).SetProperty(c => c.Currency, (string?)null)
            .SetProperty(c => c.FirstPurchaseAt, (DateTime?)null).SetProperty(c => c.LastPurchaseAt, (DateTime?)null)
            .SetProperty(c => c.LastActivityAt, (DateTime?)null).SetProperty(c => c.LifecycleStage, LifecycleStage.Unknown)
            .SetProperty(c => c.Version, c => c.Version + 1), cancellationToken);
    }

    /// <summary>
    /// Records stored but not yet projected carry no profile id: those with one of the person's own identifiers are
    /// deleted too, or the projection would build the person again from them after the erasure.
    /// </summary>
    private async Task<int> DeletePendingAsync(ProfileStore store, HashSet<string> hashes, CancellationToken cancellationToken)
    {
        if (hashes.Count == 0) return 0;
        var after = await store.ProcessingMarks.Where(m => m.Stage == Profiles.ProfileProjection.Stage)
            .Select(m => (long?)m.LastSourceRecordId).SingleOrDefaultAsync(cancellationToken) ?? 0;
        var doomed = new List<long>();
        while (true)
        {
            var rows = await store.SourceRecords.AsNoTracking().Where(r => r.Id > after).OrderBy(r => r.Id).Take(2_000)
                .Select(r => new { r.Id, r.NormalizedJson }).ToListAsync(cancellationToken);
            if (rows.Count == 0) break;
            foreach (var row in rows)
                if (JsonSerializer.Deserialize(row.NormalizedJson, IntakeJson.Storage.NormalisedRecord) is { } record
                    && suppressions.HashesOf(record).Any(hashes.Contains))
                    doomed.Add(row.Id);
            after = rows[^1].Id;
        }
        var deleted = 0;
        foreach (var chunk in doomed.Chunk(500))
            deleted += await store.SourceRecords.Where(r => chunk.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
        return deleted;
    }

    /// <summary>Drops every line that mentions the person from the file-drop folders' files (incoming, done and failed).</summary>
    private int RewriteDropFiles(HashSet<string> values)
    {
        var rewritten = 0;
        foreach (var folder in sync.Value.Sources.Where(s => s.Folder is not null).Select(s => Path.GetFullPath(s.Folder!, environment.ContentRootPath)))
        {
            if (!Directory.Exists(folder)) continue;
            foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                var lines = File.ReadAllLines(path);
                var kept = lines.Where(line => !values.Any(v => line.Contains(v, StringComparison.OrdinalIgnoreCase))).ToArray();
                if (kept.Length == lines.Length) continue;
                // Written beside and moved over, so a crash leaves the old file or the new one, never half of one.
                var temporary = path + ".erasing";
                File.WriteAllLines(temporary, kept);
                File.Move(temporary, path, overwrite: true);
                rewritten++;
            }
        }
        return rewritten;
    }

    /// <summary>
    /// Copies the WAL into the database file and truncates it, so no earlier page image with the person's values is left
    /// in it. Readers can hold the checkpoint back for a moment: it is tried again until it completes.
    /// </summary>
    private async Task<bool> CheckpointAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await using var store = await stores.CreateDbContextAsync(cancellationToken);
            var connection = store.Database.GetDbConnection();
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken) && reader.GetInt32(0) == 0) return true; // 0: not blocked
            await Task.Delay(100, cancellationToken);
        }
        return false;
    }

}
