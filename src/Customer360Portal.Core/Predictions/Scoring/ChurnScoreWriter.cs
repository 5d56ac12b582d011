using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>
/// The one writer of a churn scoring pass: per batch, one transaction that updates each customer's churn row in place
/// with the new score (deleting and inserting would rewrite every index entry), and inserts a row for a customer scored
/// for the first time. A merge may have put two churn rows on one customer (one moved onto a survivor): the update then
/// matches both, and the extras are deleted afterwards, the oldest row staying. On SQLite the statements run through
/// SQLitePCL, prepared once and bound by position (ADO.NET's per-row parameter objects cost more than SQLite's own
/// work); SQL Server runs the same statements through ADO.NET, inserts as multi-row statements.
/// </summary>
internal sealed class ChurnScoreWriter(IDbContextFactory<ProfileStore> stores)
{
    /// <summary>On SQLite, statements stepped through SQLitePCL; false runs SQL Server's ADO.NET statements there (tests).</summary>
    internal bool Direct { get; init; } = true;

    /// <summary>Stores every batch (all churn rows); returns how many scores were stored.</summary>
    public async Task<int> WriteAllAsync(ChannelReader<CustomerScore[]> batches, CancellationToken cancellationToken)
    {
        var written = 0;
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await store.Database.OpenConnectionAsync(cancellationToken);
        using Statements statements = Direct && store.Database.IsSqlite() ? new DirectStatements(store) : new AdoStatements(store);
        var turns = WriteTurns.For(store);
        var waiting = Stopwatch.StartNew();
        await foreach (var batch in batches.ReadAllAsync(cancellationToken))
        {
            // Waiting for the model's next batch left the store to others: no pause needed for that time.
            turns.Waited(waiting.Elapsed);
            // Synchronous inside the span (SQLite has no async I/O): a span stays on one thread, so its CPU is measured.
            using (PredictionsTelemetry.Source.StartActivity(PredictionsTelemetry.Write))
                Store(store, batch, statements);
            written += batch.Length;
            await turns.AfterCommitAsync(cancellationToken);
            waiting.Restart();
        }
        return written;
    }

    /// <summary>One batch in one transaction.</summary>
    private static void Store(ProfileStore store, CustomerScore[] batch, Statements statements)
    {
        using var transaction = store.Database.BeginTransaction();
        statements.Begin(transaction.GetDbTransaction());
        List<long>? duplicated = null;
        foreach (var score in batch)
        {
            var matched = statements.Update(score);
            if (matched == 0) statements.Insert(score);
            else if (matched > 1) (duplicated ??= []).Add(score.CustomerId);
        }
        statements.End();
        // Two churn rows for one customer (a merge moved one onto a survivor since the last pass): the oldest stays.
        if (duplicated is not null)
            foreach (var customer in duplicated) statements.DeleteExtras(customer);
        transaction.Commit();
    }

    /// <summary>The statements' SQL Server text (tests parse it).</summary>
    internal static IReadOnlyList<string> Sql(ProfileStore store)
    {
        var sql = new SqlText(store);
        return [sql.Update, sql.Insert, sql.Extras];
    }

    /// <summary>The three statements, with names from the model and parameters @p0.. in the order they are bound.</summary>
    private sealed class SqlText
    {
        public readonly string Update, Insert, Extras;
        /// <summary>The churn kind as the provider stores it.</summary>
        public readonly object ChurnKind;
        public readonly ScoreRowSql Rows;

        public SqlText(ProfileStore store)
        {
            Rows = new ScoreRowSql(store);
            var (id, customer, kind, table) = (Rows.Column(nameof(CustomerScore.Id)), Rows.Column(nameof(CustomerScore.CustomerId)), Rows.Column(nameof(CustomerScore.Kind)), Rows.Table);
            // Values bound per row first (@p0..@p5), then what finds the row: the customer's churn row(s).
            Update = $"UPDATE {table} SET {Rows.Set} WHERE {customer} = @p{ScoreRowSql.SetCount} AND {kind} = @p{ScoreRowSql.SetCount + 1}";
            Insert = Rows.Insert;
            Extras = $"DELETE FROM {table} WHERE {kind} = @p0 AND {customer} = @p1 AND {id} > (SELECT MIN({id}) FROM {table} WHERE {kind} = @p0 AND {customer} = @p1)";
            ChurnKind = Rows.Kind(ScoreKind.ChurnRisk);
        }

        public DateTime ScoredAt(CustomerScore row) => Rows.ScoredAt(row);
    }

    private abstract class Statements : IDisposable
    {
        /// <summary>Called after each transaction begins.</summary>
        public abstract void Begin(DbTransaction transaction);

        /// <summary>Writes the row's values over the customer's churn row(s); returns how many there were.</summary>
        public abstract int Update(CustomerScore row);

        public abstract void Insert(CustomerScore row);

        /// <summary>Deletes the customer's churn rows but the oldest.</summary>
        public abstract void DeleteExtras(long customer);

        /// <summary>Called when the batch's rows are written, before the extras go.</summary>
        public virtual void End()
        {
        }

        public abstract void Dispose();
    }

    /// <summary>
    /// SQLite through SQLitePCL: three statements prepared once for the whole pass, bound by position and reset after
    /// each step. Kind, version and time are the same for a whole pass: bound again only when they change (bindings
    /// outlive a reset).
    /// </summary>
    private sealed class DirectStatements : Statements
    {
        private readonly DirectSqliteStatement update, insert, extras;
        private readonly SqlText sql;
        private ScoreRowSql.Bound updateBound, insertBound;

        public DirectStatements(ProfileStore store)
        {
            sql = new SqlText(store);
            var connection = (SqliteConnection)store.Database.GetDbConnection();
            update = new DirectSqliteStatement(connection, sql.Update);
            insert = new DirectSqliteStatement(connection, sql.Insert);
            extras = new DirectSqliteStatement(connection, sql.Extras);
            // Positions are those of @p0.. (SQLite numbers named parameters in order of first use): checked once.
            foreach (var (statement, count) in new[] { (update, 8), (insert, 8), (extras, 2) })
                for (var p = 0; p < count; p++)
                    if (statement.Parameter("@p" + p) != p + 1) throw new InvalidOperationException("Churn score statement parameters are out of order.");
            var kind = (string)sql.ChurnKind;
            update.Bind(8, kind);
            insert.Bind(2, kind);
            extras.Bind(1, kind);
        }

        public override void Begin(DbTransaction transaction)
        {
        }

        public override int Update(CustomerScore row)
        {
            // SET ModelVersion @p0, Value @p1, Label @p2, ReasonsJson @p3, ScoredAt @p4, OriginCustomerId @p5; WHERE CustomerId @p6, Kind @p7.
            updateBound.Bind(update, 1, 5, row, sql.Rows);
            update.Bind(2, row.Value);
            update.Bind(3, row.Label);
            update.Bind(4, row.ReasonsJson);
            update.Bind(6, row.OriginCustomerId);
            update.Bind(7, row.CustomerId);
            return update.ExecuteAndReset();
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

        public override void DeleteExtras(long customer)
        {
            extras.Bind(2, customer);
            extras.ExecuteAndReset();
        }

        public override void Dispose()
        {
            update.Dispose();
            insert.Dispose();
            extras.Dispose();
        }
    }

    /// <summary>The same statements through ADO.NET (SQL Server), inserts as <see cref="BulkRows{T}"/> multi-row statements.</summary>
    private sealed class AdoStatements(ProfileStore store) : Statements
    {
        private readonly SqlText sql = new(store);
        private DbCommand? update, extras;
        private BulkRows<CustomerScore>? insert;

        public override void Begin(DbTransaction transaction)
        {
            update ??= BulkRows<CustomerScore>.Prepared(store, transaction, sql.Update, 8);
            extras ??= BulkRows<CustomerScore>.Prepared(store, transaction, sql.Extras, 2);
            update.Transaction = extras.Transaction = transaction;
            update.Parameters[7].Value = extras.Parameters[0].Value = sql.ChurnKind;
            insert = BulkRows<CustomerScore>.InsertMany(store, transaction);
        }

        public override int Update(CustomerScore row)
        {
            object?[] values = [row.ModelVersion, row.Value, row.Label, row.ReasonsJson, sql.ScoredAt(row), row.OriginCustomerId, row.CustomerId];
            for (var i = 0; i < values.Length; i++) update!.Parameters[i].Value = values[i] ?? DBNull.Value;
            return update!.ExecuteNonQuery();
        }

        public override void Insert(CustomerScore row) => insert!.Write(row);

        public override void DeleteExtras(long customer)
        {
            extras!.Parameters[1].Value = customer;
            extras.ExecuteNonQuery();
        }

        public override void End()
        {
            insert?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            insert = null;
        }

        public override void Dispose()
        {
            update?.Dispose();
            extras?.Dispose();
        }
    }
}
