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
/// batch. Known limit: a profile written with an UpdatedAt older than the mark (a writer whose clock lags, or a long
/// transaction that commits after a newer one on SQL Server) is picked up only at its next change.
/// </summary>
public sealed class SearchIndex(IDbContextFactory<ProfileStore> stores)
{
    public const string Stage = "search-index";
    public const int BatchSize = 5_000;
    private const int Chunk = 1_000;

    /// <summary>Indexes every profile changed since the last pass; returns how many profiles it looked at.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            var done = await RunBatchAsync(cancellationToken);
            total += done;
            if (done < BatchSize) return total;
        }
    }

    private async Task<int> RunBatchAsync(CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var mark = await store.ProcessingMarks.SingleOrDefaultAsync(m => m.Stage == Stage, cancellationToken);
        var afterTime = mark?.UpdatedAt ?? DateTime.MinValue;
        var afterId = mark?.LastSourceRecordId ?? 0;
        var customers = await store.Customers.AsNoTracking()
            .Where(c => c.UpdatedAt > afterTime || (c.UpdatedAt == afterTime && c.Id > afterId))
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
        if (mark is null)
        {
            mark = new ProcessingMark { Stage = Stage };
            store.ProcessingMarks.Add(mark);
        }
        mark.UpdatedAt = last.UpdatedAt;
        mark.LastSourceRecordId = last.Id;
        await store.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return seen;
    }
}
