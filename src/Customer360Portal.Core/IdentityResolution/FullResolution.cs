using System.Diagnostics;
using System.Text.Json;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.IdentityResolution.Matching;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.IdentityResolution;

public sealed record FullResolutionReport(long Records, long PersonRecords, int Profiles, int Merges, int Reviews, TimeSpan Elapsed,
    IReadOnlyDictionary<string, TimeSpan> Phases)
{
    /// <summary>Pairs the blocking keys proposed for comparison.</summary>
    public long CandidatePairs { get; init; }
}

public sealed record FullResolutionProgress(string Phase, long Done, long Total);

/// <summary>
/// Re-resolves the whole store from its source records: trains the match model on them (EM), links every record
/// (deterministic identifiers and the probabilistic engine, with the same guards as incremental resolution and every
/// rejected pair respected), and rewrites profiles in one transaction. Profile ids stay stable: each cluster keeps the
/// id most of its records already had; a profile that loses all its records redirects to the one that took most of
/// them. Set-based prepared statements, no change tracking: this is what makes a million records take minutes.
/// </summary>
public sealed class FullResolution(IDbContextFactory<ProfileStore> stores, MatchModelProvider models, ProfileMerger merger,
    ResolutionGate gate, IOptions<ResolutionOptions> options, TimeProvider clock)
{
    private sealed record Loaded(long Id, string SourceKey, NormalisedRecord Record, long? CustomerId);

    public async Task<FullResolutionReport> RunAsync(IProgress<FullResolutionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        // Incremental projection and re-resolution never interleave in this process.
        await gate.Lock.WaitAsync(cancellationToken);
        try
        {
            return await RunLockedAsync(progress, cancellationToken);
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    private async Task<FullResolutionReport> RunLockedAsync(IProgress<FullResolutionProgress>? progress, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var phases = new Dictionary<string, TimeSpan>();
        var phase = Stopwatch.StartNew();
        void EndPhase(string name) { phases[name] = phase.Elapsed; phase.Restart(); }
        var settings = options.Value;

        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        store.Database.SetCommandTimeout(TimeSpan.FromHours(1));
        var records = await LoadAsync(store, progress, cancellationToken);
        var redirects = await store.Customers.AsNoTracking().Where(c => c.MergedIntoId != null)
            .ToDictionaryAsync(c => c.Id, c => c.MergedIntoId!.Value, cancellationToken);
        long Current(long id) { for (var hops = 0; redirects.TryGetValue(id, out var next) && hops < 50; hops++) id = next; return id; }
        var rejected = (await store.MatchReviews.AsNoTracking().Where(r => r.Status == ReviewStatus.Rejected)
            .Select(r => new { r.LeftCustomerId, r.RightCustomerId }).ToListAsync(cancellationToken))
            .Select(r => (Current(r.LeftCustomerId), Current(r.RightCustomerId))).ToHashSet();
        EndPhase("load");

        // The model learns from the people in the store.
        var personIndex = new List<int>();
        for (var i = 0; i < records.Count; i++)
            if (PersonRecords.DescribesPerson(records[i].Record)) personIndex.Add(i);
        progress?.Report(new FullResolutionProgress("train", 0, personIndex.Count));
        var prepared = new PreparedPerson[personIndex.Count];
        Parallel.For(0, prepared.Length, k =>
            prepared[k] = PreparedPerson.From(PersonRecords.From(records[personIndex[k]].Id, records[personIndex[k]].SourceKey, records[personIndex[k]].Record)));
        var model = personIndex.Count >= MatchModelProvider.MinimumTrainingRecords
            ? ModelTrainer.Train(prepared, cancellationToken: cancellationToken)
            : await models.CurrentAsync(store, cancellationToken);
        EndPhase("train");

        // Link: identifiers first, then the probabilistic pairs, through one guarded union-find.
        progress?.Report(new FullResolutionProgress("link", 0, records.Count));
        var clusters = new RecordClusters(records.Count, rejected);
        for (var i = 0; i < records.Count; i++)
            clusters.Describe(i, records[i].Record, records[i].CustomerId is { } c ? Current(c) : null);
        var firstHolder = new Dictionary<IdentityKey, int>();
        var linking = new LinkingIdentifiers(settings);
        for (var i = 0; i < records.Count; i++)
            foreach (var key in linking.Of(records[i].Record))
            {
                if (firstHolder.TryGetValue(key, out var holder)) clusters.TryJoin(holder, i, weakLink: LinkingIdentifiers.IsShared(key.Type));
                else firstHolder[key] = i;
            }
        var link = PersonLinker.Link(prepared, settings.Thresholds, model, cancellationToken);
        foreach (var (name, elapsed) in link.Statistics.Phases) phases["link." + name] = elapsed;
        var reviewPairs = new List<(int Left, int Right, LinkedPair Pair)>();
        foreach (var pair in link.Pairs.OrderByDescending(p => p.Weight))
        {
            var (left, right) = (personIndex[pair.Left], personIndex[pair.Right]);
            var joined = pair.Decision == MatchDecision.Merge && clusters.TryJoin(left, right, weakLink: false, probabilistic: true);
            if (!joined) reviewPairs.Add((left, right, pair));
        }
        EndPhase("link");

        // Ids: each cluster keeps the id most of its records had (biggest clusters choose first); the rest are new.
        var members = clusters.Members();
        var claimed = new Dictionary<long, int>();
        var clusterId = new long[members.Count];
        foreach (var k in Enumerable.Range(0, members.Count).OrderByDescending(k => members[k].Count).ThenBy(k => members[k][0]))
        {
            var choice = members[k].Where(i => records[i].CustomerId is not null).GroupBy(i => Current(records[i].CustomerId!.Value))
                .Where(g => !claimed.ContainsKey(g.Key)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).FirstOrDefault();
            if (choice != 0) claimed[choice] = k;
            clusterId[k] = choice;
        }
        EndPhase("assign");

        var (profiles, merges, reviews) = await PersistAsync(store, records, members, clusterId, claimed, reviewPairs, Current, model, progress, cancellationToken);
        EndPhase("persist");
        return new FullResolutionReport(records.Count, personIndex.Count, profiles, merges, reviews, total.Elapsed, phases)
        {
            CandidatePairs = link.Statistics.CandidatePairs,
        };
    }

    private static async Task<List<Loaded>> LoadAsync(ProfileStore store, IProgress<FullResolutionProgress>? progress, CancellationToken cancellationToken)
    {
        var total = await store.SourceRecords.LongCountAsync(r => r.Status != SourceRecordStatus.Erased, cancellationToken);
        var result = new List<Loaded>((int)total);
        long after = 0;
        while (true)
        {
            var rows = await store.SourceRecords.AsNoTracking().Where(r => r.Id > after && r.Status != SourceRecordStatus.Erased)
                .OrderBy(r => r.Id).Take(50_000).Select(r => new { r.Id, r.SourceKey, r.NormalizedJson, r.CustomerId }).ToListAsync(cancellationToken);
            if (rows.Count == 0) break;
            after = rows[^1].Id;
            var parsed = new Loaded[rows.Count];
            Parallel.For(0, rows.Count, i => parsed[i] = new Loaded(rows[i].Id, rows[i].SourceKey,
                JsonSerializer.Deserialize(rows[i].NormalizedJson, IntakeJson.Storage.NormalisedRecord)!, rows[i].CustomerId));
            result.AddRange(parsed);
            progress?.Report(new FullResolutionProgress("load", result.Count, total));
        }
        return result;
    }

    private async Task<(int Profiles, int Merges, int Reviews)> PersistAsync(ProfileStore store, List<Loaded> records, List<List<int>> members,
        long[] clusterId, Dictionary<long, int> claimed, List<(int Left, int Right, LinkedPair Pair)> reviewPairs, Func<long, long> current,
        MatchModel model, IProgress<FullResolutionProgress>? progress, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rules = await merger.SurvivorshipAsync(store, cancellationToken);
        var connection = store.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        if (store.Database.IsSqlite())
        {
            await using var tune = connection.CreateCommand();
            tune.CommandText = "PRAGMA cache_size=-524288; PRAGMA wal_autocheckpoint=100000;";
            await tune.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await store.Database.UseTransactionAsync(transaction, cancellationToken);

        var existing = await store.Customers.AsNoTracking().Where(c => c.Status == CustomerStatus.Active)
            .ToDictionaryAsync(c => c.Id, cancellationToken);
        // Into an empty profile store, SQLite builds secondary indexes far faster once, sorted, than row by row.
        var deferredIndexes = existing.Count == 0 && store.Database.IsSqlite()
            ? await DropSecondaryIndexesAsync(store, transaction, [typeof(Customer), typeof(Identifier), typeof(CustomerTrait), typeof(ProfileMatchKey), typeof(SourceRecord)], cancellationToken)
            : [];
        // New profiles get ids from here on: this transaction holds the store's write lock.
        var nextId = (await store.Customers.MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0) + 1;
        await using var insertCustomer = BulkRows<Customer>.InsertMany(store, transaction, explicitKeys: true);
        await using var updateCustomer = BulkRows<Customer>.Update(store, transaction);
        await using var insertIdentifier = BulkRows<Identifier>.InsertMany(store, transaction);
        await using var insertTrait = BulkRows<CustomerTrait>.InsertMany(store, transaction);
        // Profiles are written set-based here, so no save notes them for the search index: this does.
        await using var noteChange = BulkRows<ProfileChange>.InsertMany(store, transaction);
        var (_, sourceTable, q) = BulkRows<SourceRecord>.Describe(store);
        await using var moveRecord = BulkRows<SourceRecord>.Prepared(store, transaction,
            $"UPDATE {sourceTable} SET {q("CustomerId")} = @p0, {q("OriginCustomerId")} = COALESCE({q("OriginCustomerId")}, @p0), {q("Status")} = @p1 WHERE {q("Id")} = @p2", 3);
        var (_, interactionTable, _) = BulkRows<Interaction>.Describe(store);
        await using var moveInteractions = BulkRows<Interaction>.Prepared(store, transaction,
            $"UPDATE {interactionTable} SET {q("CustomerId")} = @p0 WHERE {q("SourceRecordId")} = @p1 AND {q("CustomerId")} = @p2", 3);
        var (_, itemTable, _) = BulkRows<PurchasedItem>.Describe(store);
        await using var moveItems = BulkRows<PurchasedItem>.Prepared(store, transaction,
            $"UPDATE {itemTable} SET {q("CustomerId")} = @p0 WHERE {q("SourceRecordId")} = @p1 AND {q("CustomerId")} = @p2", 3);
        // A record's consent (ledger rows with its id) follows it like its interactions, and carries the record's own
        // origin so that an unmerge later sends record and consent back together. The profile condition lets the
        // ledger's (CustomerId, ...) index find the rows.
        var (_, consentTable, _) = BulkRows<ConsentEvent>.Describe(store);
        await using var moveConsent = BulkRows<ConsentEvent>.Prepared(store, transaction,
            $"UPDATE {consentTable} SET {q("CustomerId")} = @p0, {q("OriginCustomerId")} = " +
            $"(SELECT {q("OriginCustomerId")} FROM {sourceTable} WHERE {q("Id")} = @p1) WHERE {q("SourceRecordId")} = @p1 AND {q("CustomerId")} = @p2", 3);
        // Profiles whose ledger gains or loses rows: their current consent is rebuilt from the ledger at the end.
        var consentTouched = new HashSet<long>();
        var deletes = new[] { typeof(Identifier), typeof(CustomerTrait), typeof(ProfileMatchKey) }
            .Select(t => BulkRows<Customer>.Prepared(store, transaction, $"DELETE FROM {TableOf(store, t)} WHERE {q("CustomerId")} = @p0", 1)).ToList();

        // Profiles first (new ones get their ids), derived rows after; keys are written sorted, which is what the index wants.
        var keys = new List<(long Key, long Customer)>();
        var moves = new List<(int Record, long Customer)>();
        var resolved = SourceRecordStatus.Resolved.ToString();
        // In chunks: a chunk's profiles are written (and flushed) before the rows that point at them.
        const int Chunk = 2_000;
        var chunk = new List<(int K, Customer Customer, ProfileDerivation.Derived Derived)>(Chunk);
        for (var start = 0; start < members.Count; start += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            chunk.Clear();
            // Deriving is pure CPU work per profile: in parallel; writing stays on this one connection.
            var end = Math.Min(members.Count, start + Chunk);
            var derivedChunk = new (Customer Customer, ProfileDerivation.Derived Derived, bool IsNew)[end - start];
            Parallel.For(start, end, k =>
            {
                var cluster = members[k].Select(i => (records[i].Id, records[i].SourceKey, records[i].Record)).ToList();
                var isNew = clusterId[k] == 0;
                var customer = isNew ? new Customer { Status = CustomerStatus.Active, CreatedAt = now } : Reset(existing[clusterId[k]]);
                derivedChunk[k - start] = (customer, ProfileDerivation.Derive(customer, cluster, rules), isNew);
            });
            for (var k = start; k < end; k++)
            {
                var (customer, derived, isNew) = derivedChunk[k - start];
                customer.UpdatedAt = now;
                customer.Version++;
                if (isNew)
                {
                    clusterId[k] = customer.Id = nextId++;
                    insertCustomer.Write(customer);
                }
                else
                {
                    updateCustomer.Write(customer);
                    foreach (var delete in deletes) { delete.Parameters[0].Value = customer.Id; delete.ExecuteNonQuery(); }
                }
                chunk.Add((k, customer, derived));
            }
            insertCustomer.Flush();
            foreach (var (_, customer, _) in chunk) noteChange.Write(new ProfileChange { CustomerId = customer.Id });
            foreach (var (k, customer, derived) in chunk)
            {
                var id = customer.Id;
                foreach (var identifier in derived.Identifiers) { identifier.CustomerId = id; insertIdentifier.Write(identifier); }
                foreach (var trait in derived.Traits) { trait.CustomerId = id; insertTrait.Write(trait); }
                foreach (var key in derived.MatchKeys) keys.Add((key, id));
                foreach (var i in members[k])
                    if (records[i].CustomerId != id) moves.Add((i, id));
            }
            progress?.Report(new FullResolutionProgress("persist", Math.Min(members.Count, start + Chunk), members.Count));
        }
        // Records move in id order: the wide source-record table is then read and written front to back.
        foreach (var (i, id) in moves.OrderBy(m => m.Record))
        {
            moveRecord.Parameters[0].Value = id;
            moveRecord.Parameters[1].Value = resolved;
            moveRecord.Parameters[2].Value = records[i].Id;
            moveRecord.ExecuteNonQuery();
            if (records[i].CustomerId is { } old)
            {
                moveInteractions.Parameters[0].Value = id;
                moveInteractions.Parameters[1].Value = records[i].Id;
                moveInteractions.Parameters[2].Value = old;
                moveInteractions.ExecuteNonQuery();
                moveItems.Parameters[0].Value = id;
                moveItems.Parameters[1].Value = records[i].Id;
                moveItems.Parameters[2].Value = old;
                moveItems.ExecuteNonQuery();
                moveConsent.Parameters[0].Value = id;
                moveConsent.Parameters[1].Value = records[i].Id;
                moveConsent.Parameters[2].Value = old;
                if (moveConsent.ExecuteNonQuery() > 0) { consentTouched.Add(old); consentTouched.Add(id); }
            }
        }
        insertIdentifier.Flush();
        insertTrait.Flush();
        noteChange.Flush();
        keys.Sort();
        await using (var insertKey = BulkRows<ProfileMatchKey>.InsertMany(store, transaction))
            foreach (var (key, customer) in keys) insertKey.Write(new ProfileMatchKey { KeyHash = key, CustomerId = customer });
        foreach (var delete in deletes) await delete.DisposeAsync();

        foreach (var create in deferredIndexes)
        {
            await using var command = BulkRows<Customer>.Prepared(store, transaction, create, 0);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        // Profiles that kept no record redirect to the profile that took most of their records.
        var clusterOfRecord = new long[records.Count];
        for (var k = 0; k < members.Count; k++) foreach (var i in members[k]) clusterOfRecord[i] = clusterId[k];
        var merges = 0;
        var recordsOfProfile = Enumerable.Range(0, records.Count).Where(i => records[i].CustomerId is not null)
            .ToLookup(i => current(records[i].CustomerId!.Value));
        foreach (var (oldId, _) in existing.Where(e => !claimed.ContainsKey(e.Key)))
        {
            var takers = recordsOfProfile[oldId]
                .GroupBy(i => clusterOfRecord[i]).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).FirstOrDefault();
            if (takers == 0) continue;
            await RedirectAsync(store, oldId, takers, now, consentTouched, cancellationToken);
            merges++;
        }
        await RebuildConsentStatesAsync(store, transaction, consentTouched, cancellationToken);

        var reviews = 0;
        var asked = (await store.MatchReviews.AsNoTracking().Where(r => r.Status == ReviewStatus.Open || r.Status == ReviewStatus.Rejected)
            .Select(r => new { r.LeftCustomerId, r.RightCustomerId }).ToListAsync(cancellationToken))
            .Select(r => (r.LeftCustomerId, r.RightCustomerId)).ToHashSet();
        foreach (var (left, right, pair) in reviewPairs)
        {
            var (a, b) = (clusterOfRecord[left], clusterOfRecord[right]);
            if (a == b) continue;
            var (low, high) = (Math.Min(a, b), Math.Max(a, b));
            if (!asked.Add((low, high))) continue;
            var pattern = Comparisons.Compare(PreparedPerson.From(PersonRecords.From(records[left].Id, records[left].SourceKey, records[left].Record)),
                PreparedPerson.From(PersonRecords.From(records[right].Id, records[right].SourceKey, records[right].Record)));
            var evidence = model.Explain(pattern, []).Select(e => new { field = e.Field.ToString(), level = e.Level, weight = e.Weight });
            store.MatchReviews.Add(new MatchReview
            {
                LeftCustomerId = low, RightCustomerId = high, Probability = Math.Round(pair.Probability, 4), Weight = Math.Round(pair.Weight, 2),
                Reason = "probabilistic", EvidenceJson = JsonSerializer.Serialize(evidence), SourceRecordId = records[right].Id,
                Status = ReviewStatus.Open, CreatedAt = now,
            });
            reviews++;
        }
        await store.MatchModels.Where(m => m.Active).ExecuteUpdateAsync(s => s.SetProperty(m => m.Active, false), cancellationToken);
        store.MatchModels.Add(new MatchModelVersion { TrainedAt = now, TrainedOnRecords = model.TrainedOnRecords, Active = true, ModelJson = JsonSerializer.Serialize(model) });
        // Every loaded record is resolved now: the incremental projection continues after the newest one.
        var last = records.Count == 0 ? 0 : records[^1].Id;
        var mark = await store.ProcessingMarks.SingleOrDefaultAsync(m => m.Stage == ProfileProjection.Stage, cancellationToken);
        if (mark is null) store.ProcessingMarks.Add(mark = new ProcessingMark { Stage = ProfileProjection.Stage });
        mark.LastSourceRecordId = Math.Max(mark.LastSourceRecordId, last);
        mark.UpdatedAt = now;
        store.AuditLog.Add(new AuditEntry
        {
            At = now, UserName = "identity-resolution", Action = "resolution.full-run", TargetType = "store",
            Details = $"{records.Count} records into {members.Count} profiles; {merges} redirects; {reviews} reviews",
        });
        await store.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        models.Forget();
        return (members.Count, merges, reviews);
    }

    /// <summary>Drops the tables' own secondary indexes (SQLite) and returns the statements that recreate them.</summary>
    private static async Task<List<string>> DropSecondaryIndexesAsync(ProfileStore store, System.Data.Common.DbTransaction transaction, Type[] types,
        CancellationToken cancellationToken)
    {
        var creates = new List<(string Name, string Sql)>();
        foreach (var type in types)
        {
            await using var query = BulkRows<Customer>.Prepared(store, transaction,
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = @p0", 1);
            query.Parameters[0].Value = store.Model.FindEntityType(type)!.GetTableName();
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                // Of the source records only the profile indexes change; intake's idempotency index stays.
                if (type != typeof(SourceRecord) || reader.GetString(1).Contains("CustomerId", StringComparison.Ordinal))
                    creates.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var (name, _) in creates)
        {
            await using var drop = BulkRows<Customer>.Prepared(store, transaction, $"DROP INDEX \"{name.Replace("\"", "\"\"")}\"", 0);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        return creates.Select(c => c.Sql).ToList();
    }

    private static Customer Reset(Customer customer)
    {
        // Rectified values survive a rebuild; everything else is recomputed from the records.
        customer.Lineage.RemoveAll(l => l.Rule != GoldenRecord.RectifiedRule);
        return customer;
    }

    /// <summary>
    /// Current consent of the profiles whose ledger changed, from scratch: the old states go, and per purpose the
    /// ledger's latest event wins (<see cref="ConsentRules"/>, the rule merge and unmerge use). In chunks, written
    /// set-based: a first run over a large store can touch many profiles.
    /// </summary>
    private static async Task RebuildConsentStatesAsync(ProfileStore store, System.Data.Common.DbTransaction transaction, HashSet<long> customerIds,
        CancellationToken cancellationToken)
    {
        if (customerIds.Count == 0) return;
        await using var insertState = BulkRows<ConsentState>.InsertMany(store, transaction);
        foreach (var chunk in customerIds.Order().Chunk(5_000))
        {
            await store.ConsentStates.Where(c => chunk.Contains(c.CustomerId)).ExecuteDeleteAsync(cancellationToken);
            var events = await store.ConsentEvents.AsNoTracking().Where(e => chunk.Contains(e.CustomerId)).ToListAsync(cancellationToken);
            foreach (var latest in ConsentRules.Latest(events)) insertState.Write(ConsentRules.StateOf(latest));
            insertState.Flush();
        }
    }

    private static async Task RedirectAsync(ProfileStore store, long oldId, long newId, DateTime now, HashSet<long> consentTouched,
        CancellationToken cancellationToken)
    {
        await store.Customers.Where(c => c.Id == oldId).ExecuteUpdateAsync(u => u
            .SetProperty(c => c.Status, CustomerStatus.Merged).SetProperty(c => c.MergedIntoId, newId).SetProperty(c => c.UpdatedAt, now), cancellationToken);
        // Set-based, so no save notes the change: the search index must drop the old profile's keys.
        await store.Database.ExecuteSqlAsync($"INSERT INTO ProfileChanges (CustomerId) VALUES ({oldId})", cancellationToken);
        await store.Customers.Where(c => c.MergedIntoId == oldId).ExecuteUpdateAsync(u => u.SetProperty(c => c.MergedIntoId, newId), cancellationToken);
        await store.Notes.Where(n => n.CustomerId == oldId).ExecuteUpdateAsync(u => u.SetProperty(n => n.CustomerId, newId), cancellationToken);
        await store.Scores.Where(n => n.CustomerId == oldId).ExecuteUpdateAsync(u => u.SetProperty(n => n.CustomerId, newId), cancellationToken);
        await store.OfferFeedback.Where(f => f.CustomerId == oldId).ExecuteUpdateAsync(u => u.SetProperty(f => f.CustomerId, newId), cancellationToken);
        // What is left of its ledger (rows recorded by a person, and those of records no longer resolved) goes with
        // the profile; rows of its records have followed them already. Its own current consent goes (rebuilt at the end).
        consentTouched.Add(oldId);
        if (await store.ConsentEvents.Where(n => n.CustomerId == oldId).ExecuteUpdateAsync(u => u.SetProperty(n => n.CustomerId, newId), cancellationToken) > 0)
            consentTouched.Add(newId);
        await store.Identifiers.Where(i => i.CustomerId == oldId).ExecuteDeleteAsync(cancellationToken);
        await store.Traits.Where(t => t.CustomerId == oldId).ExecuteDeleteAsync(cancellationToken);
        await store.MatchKeys.Where(k => k.CustomerId == oldId).ExecuteDeleteAsync(cancellationToken);
        store.Merges.Add(new MergeRecord { SurvivorId = newId, MergedId = oldId, MergedAt = now, Rule = "re-resolution" });
    }

    private static string TableOf(ProfileStore store, Type type)
    {
        var entity = store.Model.FindEntityType(type)!;
        return store.Database.IsSqlServer() ? $"[{entity.GetTableName()}]" : $"\"{entity.GetTableName()}\"";
    }
}

/// <summary>Keeps incremental projection and full re-resolution from running at the same time in one process.</summary>
public sealed class ResolutionGate
{
    public SemaphoreSlim Lock { get; } = new(1, 1);
}
