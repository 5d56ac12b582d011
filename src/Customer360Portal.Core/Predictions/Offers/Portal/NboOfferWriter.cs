using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Customer360Portal.Core.Predictions.Offers.Portal;

/// <summary>
/// The one writer of a scoring pass's offers: per ranked chunk, one transaction that gives every ranked customer exactly
/// their new offer rows and removes the offers of customers who held some and now have no eligible one. Rows are
/// replaced in place: a customer's old offer rows (read once when the writer starts, as (customer, id)) take the new
/// values by id, oldest id first, so the new rows keep their rank order by id; extra new rows are inserted and extra old
/// rows deleted. Deleting and inserting every row instead rewrote the row and both index entries ((CustomerId, Kind) and
/// (Kind, Value)) of 2.6 million rows at a million customers. On SQLite the statements run through SQLitePCL, bound by
/// position (ADO.NET's per-row parameter handling cost more than SQLite's own work); SQL Server runs the same
/// statements through ADO.NET. Merges may move offer rows while the pass runs: an update or delete by id also checks
/// customer and kind (a row moved to someone else is not touched; a new row is inserted instead), and a count per chunk
/// catches rows moved onto the chunk's customers, which then are stored by delete and insert as before.
/// </summary>
internal sealed class NboOfferWriter(IDbContextFactory<ProfileStore> stores)
{
    /// <summary>On SQLite, statements stepped through SQLitePCL; false runs SQL Server's ADO.NET statements there (tests).</summary>
    internal bool Direct { get; init; } = true;

    /// <summary>Stores every chunk; returns how many customers got offers.</summary>
    public async Task<int> WriteAllAsync(ChannelReader<NboScoring.RankedChunk> chunks, CancellationToken cancellationToken)
    {
        var written = 0;
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await store.Database.OpenConnectionAsync(cancellationToken);
        // As intake's writer: the score table's index pages stay in memory (256 MB ceiling, used as needed; 2.6 million
        // offer rows land all over the (Kind, Value) index) and the WAL is checkpointed less often.
        if (store.Database.IsSqlite()) await store.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-262144; PRAGMA wal_autocheckpoint=10000;", cancellationToken);
        HeldRows held;
        // Synchronous inside the spans (SQLite has no async I/O): a span stays on one thread, so its CPU is measured.
        using (PredictionsTelemetry.Source.StartActivity(NboTelemetry.Write))
            held = new HeldRows(StoredScores.Rows(store, ScoreKind.NextBestOffer));
        using Statements statements = Direct && store.Database.IsSqlite() ? new DirectStatements(store) : new AdoStatements(store);
        var turns = WriteTurns.For(store);
        var waiting = Stopwatch.StartNew();
        await foreach (var chunk in chunks.ReadAllAsync(cancellationToken))
        {
            // Waiting for the ranking's next chunk left the store to others: no pause needed for that time.
            turns.Waited(waiting.Elapsed);
            using (PredictionsTelemetry.Source.StartActivity(NboTelemetry.Write))
                written += Store(store, chunk, held, statements);
            await turns.AfterCommitAsync(cancellationToken);
            waiting.Restart();
        }
        return written;
    }

    /// <summary>
    /// One chunk in one transaction; returns how many customers got offers. The rows in place of the held ones, then a
    /// check: the offer rows of the chunk's range of customers must number the new rows plus the held rows of the
    /// customers in that range the pass does not touch. When they do not (a merge moved offer rows onto one of them since
    /// the read, an agent's answer removed one), the chunk is stored again as the delete-and-insert writer stored it:
    /// every offer row of its customers deleted, the new rows inserted.
    /// </summary>
    private static int Store(ProfileStore store, NboScoring.RankedChunk chunk, HeldRows held, Statements statements)
    {
        var customers = chunk.Rows.Select(r => r.CustomerId).Concat(chunk.Replaced).ToList();
        if (customers.Count == 0) return 0;
        var (first, last) = (customers.Min(), customers.Max());
        var transaction = store.Database.BeginTransaction();
        try
        {
            statements.Begin(transaction.GetDbTransaction());
            var written = Replace(chunk, held, statements);
            statements.End();
            if (statements.Count(first, last) != chunk.Rows.Count + held.Untaken(first, last))
            {
                transaction.Rollback();
                transaction.Dispose();
                transaction = store.Database.BeginTransaction();
                statements.Begin(transaction.GetDbTransaction());
                foreach (var customer in customers.Distinct()) statements.DeleteCustomer(customer);
                foreach (var row in chunk.Rows) statements.Insert(row);
                statements.End();
            }
            transaction.Commit();
            return written;
        }
        finally
        {
            transaction.Dispose();
        }
    }

    /// <summary>The chunk's rows in place of the held ones; returns how many customers got offers.</summary>
    private static int Replace(NboScoring.RankedChunk chunk, HeldRows held, Statements statements)
    {
        var rows = chunk.Rows;
        var withOffers = new HashSet<long>();
        // A customer's rows come together, best first; should they not, a later run of theirs is inserted (still correct).
        for (var start = 0; start < rows.Count;)
        {
            var customer = rows[start].CustomerId;
            var end = start + 1;
            while (end < rows.Count && rows[end].CustomerId == customer) end++;
            withOffers.Add(customer);
            var ids = held.Take(customer);
            for (var r = 0; r < end - start; r++)
                if (r >= ids.Length || !statements.Update(ids[r], rows[start + r]))
                    statements.Insert(rows[start + r]);
            for (var r = end - start; r < ids.Length; r++) statements.Delete(ids[r], customer);
            start = end;
        }
        // Held offers and now none eligible: all their offer rows go.
        foreach (var customer in chunk.Replaced)
            if (!withOffers.Contains(customer))
            {
                held.Take(customer);
                statements.DeleteCustomer(customer);
            }
        return withOffers.Count;
    }

    /// <summary>The statements' SQL Server text (tests parse it).</summary>
    internal static IReadOnlyList<string> Sql(ProfileStore store)
    {
        var sql = new SqlText(store);
        return [sql.Update, sql.Insert, sql.Delete, sql.DeleteCustomer, sql.Count];
    }

    /// <summary>Offer rows held when the writer started: each customer's ids, ascending, handed out once.</summary>
    private sealed class HeldRows
    {
        private readonly long[] customers;
        private readonly int[] starts;
        private readonly long[] ids;
        private readonly bool[] taken;

        public HeldRows(List<(long CustomerId, long Id)> rows)
        {
            var customers = new List<long>();
            var starts = new List<int>();
            ids = new long[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                if (i == 0 || rows[i].CustomerId != rows[i - 1].CustomerId)
                {
                    customers.Add(rows[i].CustomerId);
                    starts.Add(i);
                }
                ids[i] = rows[i].Id;
            }
            starts.Add(rows.Count);
            this.customers = [.. customers];
            this.starts = [.. starts];
            taken = new bool[this.customers.Length];
        }

        /// <summary>How many rows the customers from <paramref name="first"/> to <paramref name="last"/> held whose ids were not handed out.</summary>
        public int Untaken(long first, long last)
        {
            var count = 0;
            var i = Array.BinarySearch(customers, first);
            for (i = i < 0 ? ~i : i; i < customers.Length && customers[i] <= last; i++)
                if (!taken[i]) count += starts[i + 1] - starts[i];
            return count;
        }

        /// <summary>The customer's row ids; none when they held none, or were handed out before.</summary>
        public ReadOnlySpan<long> Take(long customer)
        {
            var i = Array.BinarySearch(customers, customer);
            if (i < 0 || taken[i]) return [];
            taken[i] = true;
            return ids.AsSpan(starts[i], starts[i + 1] - starts[i]);
        }
    }

    /// <summary>The statements, with names from the model and parameters @p0.. in the order they are bound.</summary>
    private sealed class SqlText
    {
        public readonly string Update, Insert, Delete, DeleteCustomer, Count;
        /// <summary>The offer kind as the provider stores it.</summary>
        public readonly object OfferKind;
        public readonly ScoreRowSql Rows;

        public SqlText(ProfileStore store)
        {
            Rows = new ScoreRowSql(store);
            var (id, customer, kind, table) = (Rows.Column(nameof(CustomerScore.Id)), Rows.Column(nameof(CustomerScore.CustomerId)), Rows.Column(nameof(CustomerScore.Kind)), Rows.Table);
            // Values bound per row first (@p0..@p5), then what finds the row.
            var set = ScoreRowSql.SetCount;
            Update = $"UPDATE {table} SET {Rows.Set} WHERE {id} = @p{set} AND {customer} = @p{set + 1} AND {kind} = @p{set + 2}";
            Insert = Rows.Insert;
            Delete = $"DELETE FROM {table} WHERE {id} = @p0 AND {customer} = @p1 AND {kind} = @p2";
            DeleteCustomer = $"DELETE FROM {table} WHERE {kind} = @p0 AND {customer} = @p1";
            // On SQLite "+" keeps the (Kind, Value) index out: the (CustomerId, Kind) index answers the range alone.
            Count = $"SELECT COUNT(*) FROM {table} WHERE {customer} BETWEEN @p0 AND @p1 AND {(store.Database.IsSqlite() ? "+" : "")}{kind} = @p2";
            OfferKind = Rows.Kind(ScoreKind.NextBestOffer);
        }

        public DateTime ScoredAt(CustomerScore row) => Rows.ScoredAt(row);
    }

    private abstract class Statements : IDisposable
    {
        /// <summary>Called after each transaction begins.</summary>
        public abstract void Begin(DbTransaction transaction);

        /// <summary>Writes the row's values over the customer's offer row with this id; false when there was none.</summary>
        public abstract bool Update(long id, CustomerScore row);

        public abstract void Insert(CustomerScore row);

        /// <summary>Deletes the customer's offer row with this id (not a row a merge gave someone else).</summary>
        public abstract void Delete(long id, long customer);

        /// <summary>Deletes every offer row of the customer.</summary>
        public abstract void DeleteCustomer(long customer);

        /// <summary>How many offer rows the customers from first to last hold.</summary>
        public abstract long Count(long first, long last);

        /// <summary>Called before each commit.</summary>
        public virtual void End()
        {
        }

        public abstract void Dispose();
    }

    /// <summary>
    /// SQLite through SQLitePCL: four statements prepared once for the whole pass, bound by position and reset after each
    /// step. Version and time are the same for a whole pass: bound again only when they change (bindings outlive a reset).
    /// </summary>
    private sealed class DirectStatements : Statements
    {
        private readonly DirectSqliteStatement update, insert, delete, deleteCustomer, count;
        private readonly SqlText sql;
        private ScoreRowSql.Bound updateBound, insertBound;

        public DirectStatements(ProfileStore store)
        {
            sql = new SqlText(store);
            var connection = (SqliteConnection)store.Database.GetDbConnection();
            update = new DirectSqliteStatement(connection, sql.Update);
            insert = new DirectSqliteStatement(connection, sql.Insert);
            delete = new DirectSqliteStatement(connection, sql.Delete);
            deleteCustomer = new DirectSqliteStatement(connection, sql.DeleteCustomer);
            count = new DirectSqliteStatement(connection, sql.Count);
            // Positions are those of @p0.. (SQLite numbers named parameters in order of first use): checked once.
            foreach (var (statement, count) in new[] { (update, 9), (insert, 8), (delete, 3), (deleteCustomer, 2), (count, 3) })
                for (var p = 0; p < count; p++)
                    if (statement.Parameter("@p" + p) != p + 1) throw new InvalidOperationException("Offer statement parameters are out of order.");
            var kind = (string)sql.OfferKind;
            update.Bind(9, kind);
            insert.Bind(2, kind);
            delete.Bind(3, kind);
            deleteCustomer.Bind(1, kind);
            count.Bind(3, kind);
        }

        public override void Begin(DbTransaction transaction)
        {
        }

        public override bool Update(long id, CustomerScore row)
        {
            // SET ModelVersion @p0, Value @p1, Label @p2, ReasonsJson @p3, ScoredAt @p4, OriginCustomerId @p5; WHERE Id @p6, CustomerId @p7, Kind @p8.
            updateBound.Bind(update, 1, 5, row, sql.Rows);
            update.Bind(2, row.Value);
            update.Bind(3, row.Label);
            update.Bind(4, row.ReasonsJson);
            update.Bind(6, row.OriginCustomerId);
            update.Bind(7, id);
            update.Bind(8, row.CustomerId);
            return update.ExecuteAndReset() > 0;
        }

        public override void Insert(CustomerScore row)
        {
            // CustomerId @p0, Kind @p1, ModelVersion @p2, Value @p3, Label @p4, ReasonsJson @p5, ScoredAt @p6, OriginCustomerId @p7.
            insert.Bind(1, row.CustomerId);
            insertBound.Bind(insert, 3, 7, row, sql.Rows);
            insert.Bind(4, row.Value);
            insert.Bind(5, row.Label);
            insert.Bind(6, row.ReasonsJson);
            insert.Bind(8, row.OriginCustomerId);
            insert.ExecuteAndReset();
        }

        public override void Delete(long id, long customer)
        {
            delete.Bind(1, id);
            delete.Bind(2, customer);
            delete.ExecuteAndReset();
        }

        public override void DeleteCustomer(long customer)
        {
            deleteCustomer.Bind(2, customer);
            deleteCustomer.ExecuteAndReset();
        }

        public override long Count(long first, long last)
        {
            count.Bind(1, first);
            count.Bind(2, last);
            try
            {
                return count.Read() ? count.Int64(0) : 0;
            }
            finally
            {
                count.Reset();
            }
        }

        public override void Dispose()
        {
            update.Dispose();
            insert.Dispose();
            delete.Dispose();
            deleteCustomer.Dispose();
            count.Dispose();
        }
    }

    /// <summary>The same statements through ADO.NET (SQL Server), inserts as <see cref="BulkRows{T}"/> multi-row statements.</summary>
    private sealed class AdoStatements(ProfileStore store) : Statements
    {
        private readonly SqlText sql = new(store);
        private DbCommand? update, delete, deleteCustomer, count;
        private BulkRows<CustomerScore>? insert;

        public override void Begin(DbTransaction transaction)
        {
            update ??= BulkRows<CustomerScore>.Prepared(store, transaction, sql.Update, 9);
            delete ??= BulkRows<CustomerScore>.Prepared(store, transaction, sql.Delete, 3);
            deleteCustomer ??= BulkRows<CustomerScore>.Prepared(store, transaction, sql.DeleteCustomer, 2);
            count ??= BulkRows<CustomerScore>.Prepared(store, transaction, sql.Count, 3);
            update.Transaction = delete.Transaction = deleteCustomer.Transaction = count.Transaction = transaction;
            update.Parameters[8].Value = delete.Parameters[2].Value = deleteCustomer.Parameters[0].Value = count.Parameters[2].Value = sql.OfferKind;
            insert = BulkRows<CustomerScore>.InsertMany(store, transaction);
        }

        public override bool Update(long id, CustomerScore row)
        {
            object?[] values = [row.ModelVersion, row.Value, row.Label, row.ReasonsJson, sql.ScoredAt(row), row.OriginCustomerId, id, row.CustomerId];
            for (var i = 0; i < values.Length; i++) update!.Parameters[i].Value = values[i] ?? DBNull.Value;
            return update!.ExecuteNonQuery() > 0;
        }

        public override void Insert(CustomerScore row) => insert!.Write(row);

        public override void Delete(long id, long customer)
        {
            delete!.Parameters[0].Value = id;
            delete.Parameters[1].Value = customer;
            delete.ExecuteNonQuery();
        }

        public override void DeleteCustomer(long customer)
        {
            deleteCustomer!.Parameters[1].Value = customer;
            deleteCustomer.ExecuteNonQuery();
        }

        public override long Count(long first, long last)
        {
            count!.Parameters[0].Value = first;
            count.Parameters[1].Value = last;
            return Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        public override void End()
        {
            insert?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            insert = null;
        }

        public override void Dispose()
        {
            update?.Dispose();
            delete?.Dispose();
            deleteCustomer?.Dispose();
            count?.Dispose();
        }
    }
}
