using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Profiles;

/// <summary>
/// The interim resolver until identity resolution lands: a record joins the profile that already holds its account id,
/// email, phone or cookie id (in that order of strength), otherwise it starts a new profile. Then it projects the
/// record: golden-record fields (newest value wins, with lineage), identifiers, a timeline entry and the metrics.
/// </summary>
public sealed class ExactMatchResolver(TimeProvider clock) : IRecordResolver
{
    private static readonly IdentifierType[] MatchOrder = [IdentifierType.AccountId, IdentifierType.Email, IdentifierType.Phone, IdentifierType.CookieId];

    public async Task ResolveAsync(ProfileStore store, IReadOnlyList<PendingRecord> batch, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var owners = await LoadOwnersAsync(store, batch, cancellationToken);

        // Phase 1: who is each record about? New profiles are created (and get ids) before anything points at them.
        var assigned = new Customer[batch.Count];
        var customers = await LoadCustomersAsync(store, owners.Values.Distinct().ToList(), cancellationToken);
        var created = new List<Customer>();
        var createdOwners = new Dictionary<IdentityKey, Customer>();
        for (var i = 0; i < batch.Count; i++)
        {
            var keys = IdentityKeys(batch[i].Record);
            var ownerId = keys.Select(k => owners.GetValueOrDefault(k)).FirstOrDefault(id => id != 0);
            Customer customer;
            if (ownerId != 0 && customers.TryGetValue(ownerId, out var existing))
                customer = existing;
            else if (keys.Select(k => createdOwners.GetValueOrDefault(k)).FirstOrDefault(c => c is not null) is { } fresh)
                customer = fresh;
            else
            {
                customer = new Customer { Status = CustomerStatus.Active, CreatedAt = now, UpdatedAt = now, LifecycleStage = LifecycleStage.Unknown };
                created.Add(customer);
            }
            foreach (var key in keys)
                if (customer.Id == 0) createdOwners.TryAdd(key, customer);
            assigned[i] = customer;
        }
        store.Customers.AddRange(created);
        await store.SaveChangesAsync(cancellationToken);
        foreach (var customer in created) customers[customer.Id] = customer;

        // Phase 2: project each record onto its profile.
        for (var i = 0; i < batch.Count; i++)
        {
            var (sourceRecordId, sourceKey, record) = batch[i];
            var customer = assigned[i];
            foreach (var key in IdentityKeys(record))
            {
                if (owners.TryAdd(key, customer.Id))
                    store.Identifiers.Add(new Identifier
                    {
                        CustomerId = customer.Id, Type = key.Type, Value = key.Value, SourceKey = sourceKey,
                        SourceRecordId = sourceRecordId, FirstSeenAt = record.OccurredAt, LastSeenAt = record.OccurredAt,
                    });
            }
            GoldenRecord.Apply(customer, record, sourceKey, sourceRecordId);
            if (record.InteractionType is { } type)
            {
                store.Interactions.Add(new Interaction
                {
                    CustomerId = customer.Id, SourceRecordId = sourceRecordId, SourceKey = sourceKey, Type = type,
                    Channel = record.Channel ?? InteractionChannel.System, JourneyStage = Journey.StageOf(type),
                    OccurredAt = record.OccurredAt, Summary = record.Summary ?? type, AmountMinor = record.AmountMinor,
                    Currency = record.Currency, Reference = record.Reference,
                });
                Metrics.Apply(customer, record);
            }
            customer.UpdatedAt = now;
            customer.Version++;

            var stub = new SourceRecord { Id = sourceRecordId };
            store.SourceRecords.Attach(stub);
            stub.CustomerId = customer.Id;
            stub.Status = SourceRecordStatus.Resolved;
        }
        await UpsertTraitsAsync(store, batch, assigned, now, cancellationToken);
    }

    private readonly record struct IdentityKey(IdentifierType Type, string Value);

    private static List<IdentityKey> IdentityKeys(NormalisedRecord record)
    {
        var keys = new List<IdentityKey>(4);
        foreach (var type in MatchOrder)
        {
            var value = type switch
            {
                IdentifierType.AccountId => record.AccountId,
                IdentifierType.Email => record.Email,
                IdentifierType.Phone => record.Phone,
                _ => record.AnonymousId,
            };
            if (!string.IsNullOrEmpty(value)) keys.Add(new IdentityKey(type, value));
        }
        return keys;
    }

    private static async Task<Dictionary<IdentityKey, long>> LoadOwnersAsync(ProfileStore store, IReadOnlyList<PendingRecord> batch, CancellationToken cancellationToken)
    {
        var owners = new Dictionary<IdentityKey, long>();
        foreach (var group in batch.SelectMany(p => IdentityKeys(p.Record)).Distinct().GroupBy(k => k.Type))
        {
            foreach (var chunk in group.Select(k => k.Value).Chunk(500))
            {
                var type = group.Key;
                var rows = await store.Identifiers.AsNoTracking()
                    .Where(i => i.Type == type && chunk.Contains(i.Value))
                    .Select(i => new { i.Value, i.CustomerId })
                    .ToListAsync(cancellationToken);
                foreach (var row in rows) owners.TryAdd(new IdentityKey(type, row.Value), row.CustomerId);
            }
        }
        return owners;
    }

    private static async Task<Dictionary<long, Customer>> LoadCustomersAsync(ProfileStore store, List<long> ids, CancellationToken cancellationToken)
    {
        var customers = new Dictionary<long, Customer>();
        foreach (var chunk in ids.Chunk(500))
            foreach (var customer in await store.Customers.Include(c => c.Lineage).Where(c => chunk.Contains(c.Id)).ToListAsync(cancellationToken))
                customers[customer.Id] = customer;
        return customers;
    }

    private static async Task UpsertTraitsAsync(ProfileStore store, IReadOnlyList<PendingRecord> batch, Customer[] assigned, DateTime now, CancellationToken cancellationToken)
    {
        var withTraits = Enumerable.Range(0, batch.Count).Where(i => batch[i].Record.Traits.Count > 0).ToList();
        if (withTraits.Count == 0) return;
        var ids = withTraits.Select(i => assigned[i].Id).Distinct().ToList();
        var existing = new Dictionary<(long, string), CustomerTrait>();
        foreach (var chunk in ids.Chunk(500))
            foreach (var trait in await store.Traits.Where(t => chunk.Contains(t.CustomerId)).ToListAsync(cancellationToken))
                existing[(trait.CustomerId, trait.Key)] = trait;
        foreach (var i in withTraits)
        {
            foreach (var (key, value) in batch[i].Record.Traits)
            {
                if (!existing.TryGetValue((assigned[i].Id, key), out var trait))
                {
                    trait = new CustomerTrait { CustomerId = assigned[i].Id, Key = key };
                    store.Traits.Add(trait);
                    existing[(assigned[i].Id, key)] = trait;
                }
                trait.Value = value;
                trait.SourceKey = batch[i].SourceKey;
                trait.UpdatedAt = now;
            }
        }
    }
}
