using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions;

/// <summary>What scoring jobs share about the scores they store.</summary>
internal static class StoredScores
{
    private const int Chunk = 2_000;

    /// <summary>
    /// Who holds a score of this kind (once per row). On SQLite the kind is kept out of the index choice ("+Kind"):
    /// without statistics SQLite takes the (Kind, Value) index and fetches every row from the wide score table (1.7 s
    /// for 895k churn rows in the sqlite3 shell), where a scan of the (CustomerId, Kind) index answers alone (0.13 s).
    /// </summary>
    public static IQueryable<long> Holders(ProfileStore store, ScoreKind kind)
    {
        if (!store.Database.IsSqlite())
            return store.Scores.AsNoTracking().Where(s => s.Kind == kind).Select(s => s.CustomerId);
        var (entity, table, quote) = BulkRows<CustomerScore>.Describe(store);
        string Column(string property) => quote(entity.FindProperty(property)!.GetColumnName());
        // Names from the model, the kind as a parameter (stored by name).
        var sql = $"SELECT {Column(nameof(CustomerScore.CustomerId))} AS \"Value\" FROM {table} WHERE +{Column(nameof(CustomerScore.Kind))} = {{0}}";
        return store.Database.SqlQueryRaw<long>(sql, kind.ToString());
    }

    /// <summary>
    /// Who holds a score of this kind, as a set, read synchronously (inside the caller's span, on one thread). On SQLite
    /// the <see cref="Holders"/> query's rows are read straight from SQLite, without EF's reader and a boxed value per row.
    /// </summary>
    public static HashSet<long> HolderSet(ProfileStore store, ScoreKind kind, CancellationToken cancellationToken = default)
    {
        if (!store.Database.IsSqlite()) return [.. Holders(store, kind)];
        var holders = new HashSet<long>();
        DirectSqliteStatement.ForEachRow(store, Holders(store, kind), row => holders.Add(row.Int64(0)), cancellationToken);
        return holders;
    }

    /// <summary>
    /// Every stored score row of this kind as (customer, row id), ordered by customer then id, read synchronously (a
    /// writer reads it inside its own span, on one thread). On SQLite read like <see cref="Holders"/>: "+Kind" keeps the
    /// (Kind, Value) index out, so the (CustomerId, Kind) index, which holds the row id too, answers alone; stepped
    /// through SQLitePCL, without a .NET object per row.
    /// </summary>
    public static List<(long CustomerId, long Id)> Rows(ProfileStore store, ScoreKind kind)
    {
        var rows = new List<(long CustomerId, long Id)>();
        if (store.Database.IsSqlite())
        {
            var (entity, table, quote) = BulkRows<CustomerScore>.Describe(store);
            string Column(string property) => quote(entity.FindProperty(property)!.GetColumnName());
            using var connection = SqliteReadConnection.Open(store);
            using var read = new DirectSqliteStatement(connection,
                $"SELECT {Column(nameof(CustomerScore.CustomerId))}, {Column(nameof(CustomerScore.Id))} FROM {table} WHERE +{Column(nameof(CustomerScore.Kind))} = @kind");
            read.Bind("@kind", kind.ToString());
            while (read.Read()) rows.Add((read.Int64(0), read.Int64(1)));
        }
        else
            rows.AddRange(store.Scores.AsNoTracking().Where(s => s.Kind == kind).Select(s => new { s.CustomerId, s.Id }).AsEnumerable().Select(s => (s.CustomerId, s.Id)));
        // The index is in (customer, kind, id) order already: sorted only when a plan read it otherwise.
        for (var i = 1; i < rows.Count; i++)
            if (rows[i].CompareTo(rows[i - 1]) < 0)
            {
                rows.Sort();
                break;
            }
        return rows;
    }

    /// <summary>
    /// Removes the customers' scores of one kind (people who may no longer be profiled, or no longer qualify), in
    /// short statements that let other writers in between; returns how many rows went.
    /// </summary>
    public static async Task<int> RemoveAsync(IDbContextFactory<ProfileStore> stores, ScoreKind kind, IReadOnlyCollection<long> customerIds,
        CancellationToken cancellationToken)
    {
        if (customerIds.Count == 0) return 0;
        var removed = 0;
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var turns = WriteTurns.For(store);
        foreach (var chunk in customerIds.Chunk(Chunk))
        {
            removed += await store.Scores.Where(s => s.Kind == kind && chunk.Contains(s.CustomerId)).ExecuteDeleteAsync(cancellationToken);
            await turns.AfterCommitAsync(cancellationToken);
        }
        return removed;
    }
}
