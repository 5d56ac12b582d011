using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Customer360Portal.Core.Search;

/// <summary>
/// Keeps <see cref="CustomerSearchKey"/> rows in step with profiles. A processing mark ("search-index") holds the last
/// profile seen, as (UpdatedAt, Id); each pass takes the profiles changed since, in that order, a batch at a time,
/// replaces their keys (active profiles only: merged and erased ones get none) and moves the mark, one transaction a
/// batch. A profile can commit with an UpdatedAt older than the mark (a projection batch stamps its start time and may
/// commit after a shorter write stamped later): each pass therefore first re-indexes the profiles changed in the
/// <see cref="RescanWindow"/> before the mark (at most one batch), without moving the mark. Later than that is still
/// missed until the profile's next change.
/// </summary>
public sealed class SearchIndex(IDbContextFactory<ProfileStore> stores)
{
    public const string Stage = "search-index";
    public const int BatchSize = 5_000;
    private const int Chunk = 1_000;
    public static readonly TimeSpan RescanWindow = TimeSpan.FromSeconds(10);

    /// <summary>Indexes every profile changed since the last pass; returns how many profiles it looked at.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await RunBatchAsync(rescan: true, cancellationToken);
        var turns = WriteTurns.For(stores);
        var total = 0;
        while (true)
        {
            var done = await RunBatchAsync(rescan: false, cancellationToken);
            total += done;
            if (done < BatchSize) return total;
            await turns.AfterCommitAsync(cancellationToken);
        }
    }

    /// <param name="rescan">Re-index the window just before the mark instead of moving past it.</param>
    private async Task<int> RunBatchAsync(bool rescan, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var mark = await store.ProcessingMarks.SingleOrDefaultAsync(m => m.Stage == Stage, cancellationToken);
        if (rescan && mark is null) return 0;
        var afterTime = mark?.UpdatedAt ?? DateTime.MinValue;
        var afterId = mark?.LastSourceRecordId ?? 0;
        var windowStart = afterTime > DateTime.MinValue + RescanWindow ? afterTime - RescanWindow : DateTime.MinValue;
        var changed = rescan
            ? store.Customers.AsNoTracking().Where(c => c.UpdatedAt > windowStart && (c.UpdatedAt < afterTime || (c.UpdatedAt == afterTime && c.Id <= afterId)))
            : store.Customers.AsNoTracking().Where(c => c.UpdatedAt > afterTime || (c.UpdatedAt == afterTime && c.Id > afterId));
        var customers = await changed
            .OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id)
            .Take(BatchSize)
            .Select(c => new { c.Id, c.UpdatedAt, c.Status, c.MergedIntoId, c.GivenName, c.FamilyName, c.Email, c.Phone })
            .ToListAsync(cancellationToken);
        if (customers.Count == 0) return 0;
        var seen = customers.Count;
        var last = customers[^1];

        // A merge moves the merged profile's identifiers to its survivor: index the survivor again too.
        var inBatch = customers.Select(c => c.Id).ToHashSet();
        var survivors = customers.Where(c => c.Status == CustomerStatus.Merged && c.MergedIntoId is { } s && !inBatch.Contains(s))
            .Select(c => c.MergedIntoId!.Value).Distinct().ToList();
        foreach (var chunk in survivors.Chunk(Chunk))
        {
            var ids = chunk.ToList();
            customers.AddRange(await store.Customers.AsNoTracking().Where(c => ids.Contains(c.Id))
                .Select(c => new { c.Id, c.UpdatedAt, c.Status, c.MergedIntoId, c.GivenName, c.FamilyName, c.Email, c.Phone })
                .ToListAsync(cancellationToken));
        }

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
        if (!rescan)
        {
            if (mark is null)
            {
                mark = new ProcessingMark { Stage = Stage };
                store.ProcessingMarks.Add(mark);
            }
            mark.UpdatedAt = last.UpdatedAt;
            mark.LastSourceRecordId = last.Id;
            await store.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return seen;
    }
}
