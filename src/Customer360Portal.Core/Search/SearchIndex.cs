using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Customer360Portal.Core.Search;

/// <summary>
/// Keeps <see cref="CustomerSearchKey"/> rows in step with profiles. Every save that changes a profile leaves a
/// <see cref="ProfileChange"/> in its own transaction; each pass takes the oldest of them a batch at a time, replaces the
/// keys of the profiles they name (active profiles only: merged and erased ones get none) and deletes exactly the
/// changes it read, one transaction a batch. A change committed while a pass runs is not among those read, so it stays
/// for the next pass: nothing depends on the order in which writers' clocks ran or their transactions committed.
/// </summary>
public sealed class SearchIndex(IDbContextFactory<ProfileStore> stores)
{
    public const int BatchSize = 5_000;
    private const int Chunk = 1_000;

    /// <summary>Indexes every profile changed since the last pass; returns how many profiles it looked at.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var turns = WriteTurns.For(stores);
        var total = 0;
        while (true)
        {
            var (changes, profiles) = await RunBatchAsync(cancellationToken);
            total += profiles;
            if (changes < BatchSize) return total;
            await turns.AfterCommitAsync(cancellationToken);
        }
    }

    /// <returns>How many change notes the batch consumed, and how many profiles they named.</returns>
    private async Task<(int Changes, int Profiles)> RunBatchAsync(CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        // The notes first: a profile is read after its note, so it is read at least as new as the note says.
        var changes = await store.ProfileChanges.AsNoTracking().OrderBy(c => c.Id).Take(BatchSize)
            .Select(c => new { c.Id, c.CustomerId }).ToListAsync(cancellationToken);
        if (changes.Count == 0) return (0, 0);
        var changed = changes.Select(c => c.CustomerId).Distinct().ToList();
        var customers = new List<Profile>();
        async Task LoadAsync(IEnumerable<long> customerIds)
        {
            foreach (var chunk in customerIds.Chunk(Chunk))
            {
                var ids = chunk.ToList();
                customers.AddRange(await store.Customers.AsNoTracking().Where(c => ids.Contains(c.Id))
                    .Select(c => new Profile(c.Id, c.Status, c.MergedIntoId, c.GivenName, c.FamilyName, c.Email, c.Phone))
                    .ToListAsync(cancellationToken));
            }
        }
        await LoadAsync(changed);
        var seen = customers.Count;

        // A merge moves the merged profile's identifiers to its survivor: index the survivor again too.
        var inBatch = customers.Select(c => c.Id).ToHashSet();
        var survivors = customers.Where(c => c.Status == CustomerStatus.Merged && c.MergedIntoId is { } s && !inBatch.Contains(s))
            .Select(c => c.MergedIntoId!.Value).Distinct().ToList();
        await LoadAsync(survivors);

        var active = customers.Where(c => c.Status == CustomerStatus.Active).Select(c => c.Id).ToList();
        var identifiers = new List<(long CustomerId, IdentifierType Type, string Value)>();
        var orders = new List<(long CustomerId, string Reference)>();
        foreach (var chunk in active.Chunk(Chunk))
        {
            var ids = chunk.ToList();
            identifiers.AddRange((await store.Identifiers.AsNoTracking()
                .Where(i => ids.Contains(i.CustomerId) && (i.Type == IdentifierType.Email || i.Type == IdentifierType.Phone
                    || i.Type == IdentifierType.AccountId || i.Type == IdentifierType.LoyaltyNumber || i.Type == IdentifierType.OrderNumber))
                .Select(i => new { i.CustomerId, i.Type, i.Value }).ToListAsync(cancellationToken))
                .Select(i => (i.CustomerId, i.Type, i.Value)));
            orders.AddRange((await store.Interactions.AsNoTracking()
                .Where(i => ids.Contains(i.CustomerId) && i.Type == "order.placed" && i.Reference != null)
                .Select(i => new { i.CustomerId, i.Reference }).ToListAsync(cancellationToken))
                .Select(i => (i.CustomerId, i.Reference!)));
        }
        var identifiersOf = identifiers.ToLookup(i => i.CustomerId);
        var ordersOf = orders.ToLookup(o => o.CustomerId);

        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in customers.Select(c => c.Id).Chunk(Chunk))
        {
            var ids = chunk.ToList();
            await store.SearchKeys.Where(k => ids.Contains(k.CustomerId)).ExecuteDeleteAsync(cancellationToken);
        }
        await using (var rows = BulkRows<CustomerSearchKey>.InsertMany(store, transaction.GetDbTransaction()))
        {
            foreach (var customer in customers.Where(c => c.Status == CustomerStatus.Active))
            {
                var own = identifiersOf[customer.Id];
                var keys = SearchKeys.OfProfile(customer.GivenName, customer.FamilyName,
                    own.Where(i => i.Type == IdentifierType.Email).Select(i => i.Value).Append(customer.Email ?? ""),
                    own.Where(i => i.Type == IdentifierType.Phone).Select(i => i.Value).Append(customer.Phone ?? ""),
                    own.Where(i => i.Type is IdentifierType.AccountId or IdentifierType.LoyaltyNumber or IdentifierType.OrderNumber)
                        .Select(i => i.Value).Concat(ordersOf[customer.Id].Select(o => o.Reference)));
                foreach (var key in keys) rows.Write(new CustomerSearchKey { KeyHash = key, CustomerId = customer.Id });
            }
        }
        foreach (var chunk in changes.Select(c => c.Id).Chunk(Chunk))
        {
            var ids = chunk.ToList();
            await store.ProfileChanges.Where(c => ids.Contains(c.Id)).ExecuteDeleteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (changes.Count, seen);
    }

    private sealed record Profile(long Id, CustomerStatus Status, long? MergedIntoId, string? GivenName, string? FamilyName, string? Email, string? Phone);
}
