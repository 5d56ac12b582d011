using Customer360Portal.Core.Consent;
using Customer360Portal.Core.IdentityResolution.Matching;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>
/// What one resolution batch knows: identifier owners, loaded profiles with what they hold, blocking keys and the
/// reviews to raise, so that records later in the batch see what earlier ones did without asking the store again.
/// </summary>
public sealed class BatchContext(ProfileStore store, MatchModel model, DateTime now, Survivorship survivorship)
{
    public ProfileStore Store { get; } = store;
    public MatchModel Model { get; } = model;
    public DateTime Now { get; } = now;
    public Survivorship Survivorship { get; } = survivorship;
    public HashSet<long> Touched { get; } = [];
    public List<(Customer Left, Customer Right, PairScore Score, string Reason, long? SourceRecordId)> PendingReviews { get; } = [];
    /// <summary>Consent events appended in this batch, with the state each moved (null: history only), linked at its end.</summary>
    public List<(ConsentEvent Row, ConsentState? State)> ConsentToLink { get; } = [];

    private readonly Dictionary<IdentityKey, List<long>> owners = [];
    private readonly Dictionary<long, Customer> customers = [];
    private readonly Dictionary<long, HashSet<IdentityKey>> held = [];
    private readonly Dictionary<long, HashSet<long>> keysHeld = [];
    private readonly Dictionary<long, Dictionary<string, CustomerTrait>> traits = [];
    private readonly Dictionary<long, List<long>> batchKeys = [];
    private readonly HashSet<Customer> created = [];
    private readonly Dictionary<long, Customer> candidates = [];
    private readonly Dictionary<long, string?> accounts = [];

    public async Task LoadOwnersAsync(List<IdentityKey> keys, CancellationToken cancellationToken)
    {
        foreach (var group in keys.GroupBy(k => k.Type))
            foreach (var chunk in group.Select(k => k.Value).Chunk(500))
            {
                var type = group.Key;
                var rows = await Store.Identifiers.AsNoTracking().Where(i => i.Type == type && chunk.Contains(i.Value))
                    .OrderBy(i => i.CustomerId).Select(i => new { i.Value, i.CustomerId }).ToListAsync(cancellationToken);
                foreach (var row in rows) Own(new IdentityKey(type, row.Value), row.CustomerId);
            }
    }

    public IReadOnlyList<long> OwnersOf(IdentityKey key) => owners.TryGetValue(key, out var list) ? list : [];

    private void Own(IdentityKey key, long customerId)
    {
        if (!owners.TryGetValue(key, out var list)) owners[key] = list = [];
        if (!list.Contains(customerId)) list.Add(customerId);
    }

    public async Task<Customer?> CustomerAsync(long id, CancellationToken cancellationToken)
    {
        if (customers.TryGetValue(id, out var customer)) return customer;
        if (candidates.TryGetValue(id, out var candidate)) return Adopt(candidate);
        customer = await Store.Customers.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is not null) customers[id] = customer;
        return customer;
    }

    public Customer Create(bool anonymous)
    {
        var customer = new Customer
        {
            Status = CustomerStatus.Active, CreatedAt = Now, UpdatedAt = Now, LifecycleStage = LifecycleStage.Unknown, Anonymous = anonymous,
        };
        Store.Customers.Add(customer);
        created.Add(customer);
        return customer;
    }

    /// <summary>
    /// Saves the batch so far. Consent events saved by it now have ids: the states they moved are pointed at them and
    /// their audit rows added, for the batch's next save (<see cref="SaveAllAsync"/> when saved rows are let go next).
    /// </summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        await Store.SaveChangesAsync(cancellationToken);
        foreach (var (row, state) in ConsentToLink)
        {
            if (state is not null) state.LastEventId = row.Id;
            Store.AuditLog.Add(ConsentLedger.AuditEntryFor(row, userId: null, userName: "intake", Now));
        }
        ConsentToLink.Clear();
        foreach (var entry in Store.ChangeTracker.Entries<Customer>())
            customers.TryAdd(entry.Entity.Id, entry.Entity);
    }

    /// <summary>
    /// Before set-based moves, which bypass the change tracker: lets every saved row of the moved kinds go, so nothing
    /// stale is written back, and the cached traits with them, so a later record of the batch reloads the rows it changes.
    /// Profiles made earlier in the batch now have saved rows too: their caches load from the store from here on.
    /// </summary>
    public void ForgetSavedRows()
    {
        foreach (var entry in Store.ChangeTracker.Entries().Where(e => e.Entity is Identifier or CustomerTrait or ProfileMatchKey or Interaction
                     or SourceRecord or CustomerNote or CustomerScore or ConsentEvent or ConsentState or PurchasedItem or OfferFeedback).ToList())
            entry.State = EntityState.Detached;
        traits.Clear();
        created.Clear();
    }

    /// <summary>Saves everything, consent links included: for callers that let the saved rows go next (a merge's set-based moves).</summary>
    public async Task SaveAllAsync(CancellationToken cancellationToken)
    {
        await SaveAsync(cancellationToken);
        if (Store.ChangeTracker.HasChanges()) await Store.SaveChangesAsync(cancellationToken);
    }

    public async Task<HashSet<IdentityKey>> HeldAsync(Customer customer, CancellationToken cancellationToken)
    {
        if (held.TryGetValue(customer.Id, out var set)) return set;
        set = customer.Id == 0 || created.Contains(customer) ? [] : (await Store.Identifiers.AsNoTracking().Where(i => i.CustomerId == customer.Id)
            .Select(i => new { i.Type, i.Value }).ToListAsync(cancellationToken)).Select(i => new IdentityKey(i.Type, i.Value)).ToHashSet();
        // Identifiers added earlier in this batch are not saved yet.
        set.UnionWith(owners.Where(o => o.Value.Contains(customer.Id)).Select(o => o.Key));
        held[customer.Id] = set;
        return set;
    }

    public void AddIdentifier(Customer customer, IdentityKey key, string sourceKey, long sourceRecordId, DateTime seenAt)
    {
        if (held.TryGetValue(customer.Id, out var set) && !set.Add(key)) return;
        if (OwnersOf(key).Contains(customer.Id)) return;
        Own(key, customer.Id);
        Store.Identifiers.Add(new Identifier
        {
            CustomerId = customer.Id, Type = key.Type, Value = key.Value, SourceKey = sourceKey, SourceRecordId = sourceRecordId,
            FirstSeenAt = seenAt, LastSeenAt = seenAt,
        });
    }

    /// <summary>Would adding these identifiers give the profile more values of a type than the limits allow?</summary>
    public async Task<bool> BreaksLimitsAsync(Customer customer, IReadOnlyList<IdentityKey> identifiers, ResolutionOptions settings, CancellationToken cancellationToken)
    {
        if (customer.Id == 0 || !identifiers.Any(i => settings.Limits.ContainsKey(i.Type))) return false;
        var has = await HeldAsync(customer, cancellationToken);
        foreach (var (type, limit) in settings.Limits)
        {
            var fresh = identifiers.Where(i => i.Type == type && !has.Contains(i)).Distinct().Count();
            if (fresh > 0 && has.Count(i => i.Type == type) + fresh > limit) return true;
        }
        return false;
    }

    /// <summary>Profiles sharing blocking keys with a record, those sharing most keys first (one query each for profiles and their account ids).</summary>
    public async Task<List<Customer>> CandidatesAsync(List<ulong> keys, int max, CancellationToken cancellationToken)
    {
        var signed = keys.Select(k => unchecked((long)k)).ToList();
        var hits = await Store.MatchKeys.AsNoTracking().Where(k => signed.Contains(k.KeyHash)).Select(k => k.CustomerId).ToListAsync(cancellationToken);
        foreach (var key in signed)
            if (batchKeys.TryGetValue(key, out var fresh)) hits.AddRange(fresh);
        var ids = hits.GroupBy(h => h).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Take(max).Select(g => g.Key).ToList();
        var missing = ids.Where(id => !customers.ContainsKey(id) && !candidates.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            // Read-only until one is chosen (see Adopt): tracking fifty profiles to change one costs more than the match.
            foreach (var customer in await Store.Customers.AsNoTracking().Where(c => missing.Contains(c.Id)).ToListAsync(cancellationToken))
                candidates[customer.Id] = customer;
            foreach (var row in await Store.Identifiers.AsNoTracking().Where(i => missing.Contains(i.CustomerId) && i.Type == IdentifierType.AccountId)
                         .Select(i => new { i.CustomerId, i.Value }).ToListAsync(cancellationToken))
                accounts.TryAdd(row.CustomerId, row.Value);
            foreach (var id in missing) accounts.TryAdd(id, null);
        }
        return ids.Select(id => customers.GetValueOrDefault(id) ?? candidates.GetValueOrDefault(id)).OfType<Customer>().ToList();
    }

    /// <summary>The tracked profile for a candidate a record is about to join.</summary>
    public Customer Adopt(Customer candidate)
    {
        if (customers.TryGetValue(candidate.Id, out var tracked)) return tracked;
        candidates.Remove(candidate.Id);
        Store.Customers.Attach(candidate);
        customers[candidate.Id] = candidate;
        return candidate;
    }

    public async Task<string?> AccountIdAsync(Customer customer, CancellationToken cancellationToken) =>
        !held.ContainsKey(customer.Id) && accounts.TryGetValue(customer.Id, out var known) ? known
        : (await HeldAsync(customer, cancellationToken)).Where(i => i.Type == IdentifierType.AccountId).Select(i => i.Value).Order().FirstOrDefault();

    public void AddMatchKeys(Customer customer, List<ulong> keys)
    {
        if (!keysHeld.TryGetValue(customer.Id, out var set))
        {
            // A profile made in this batch has no stored keys yet: no need to ask.
            set = created.Contains(customer) ? [] : Store.MatchKeys.AsNoTracking().Where(k => k.CustomerId == customer.Id).Select(k => k.KeyHash).ToHashSet();
            keysHeld[customer.Id] = set;
        }
        foreach (var key in keys.Select(k => unchecked((long)k)))
        {
            if (!set.Add(key)) continue;
            Store.MatchKeys.Add(new ProfileMatchKey { KeyHash = key, CustomerId = customer.Id });
            if (!batchKeys.TryGetValue(key, out var list)) batchKeys[key] = list = [];
            list.Add(customer.Id);
        }
    }

    public async Task UpsertTraitsAsync(Customer customer, NormalisedRecord record, string sourceKey, CancellationToken cancellationToken)
    {
        if (record.Traits.Count == 0) return;
        if (!traits.TryGetValue(customer.Id, out var existing))
        {
            existing = created.Contains(customer) ? [] : await Store.Traits.Where(t => t.CustomerId == customer.Id).ToDictionaryAsync(t => t.Key, cancellationToken);
            traits[customer.Id] = existing;
        }
        foreach (var (key, value) in record.Traits)
        {
            if (!existing.TryGetValue(key, out var trait))
            {
                trait = new CustomerTrait { CustomerId = customer.Id, Key = key };
                Store.Traits.Add(trait);
                existing[key] = trait;
            }
            trait.Value = value;
            trait.SourceKey = sourceKey;
            trait.UpdatedAt = Now;
        }
    }

    /// <summary>After a merge: everything cached about the merged profile now belongs to the survivor.</summary>
    public void Redirect(long mergedId, long survivorId)
    {
        foreach (var list in owners.Values)
        {
            var at = list.IndexOf(mergedId);
            if (at < 0) continue;
            if (list.Contains(survivorId)) list.RemoveAt(at);
            else list[at] = survivorId;
        }
        foreach (var list in batchKeys.Values)
            for (var k = 0; k < list.Count; k++)
                if (list[k] == mergedId) list[k] = survivorId;
        held.Remove(mergedId);
        held.Remove(survivorId);
        accounts.Remove(mergedId);
        accounts.Remove(survivorId);
        candidates.Remove(mergedId);
        candidates.Remove(survivorId);
        keysHeld.Remove(mergedId);
        keysHeld.Remove(survivorId);
        traits.Remove(mergedId);
        traits.Remove(survivorId);
        // Both now have saved rows (the merge moved them): caches reload from the store from here on.
        created.RemoveWhere(c => c.Id == mergedId || c.Id == survivorId);
        Touched.Remove(mergedId);
    }
}
