using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace Customer360Portal.Data;

/// <summary>
/// The connection one thread reads millions of rows on through <see cref="DirectSqliteStatement"/>: a connection of its
/// own to the store's file, opened without SQLite's per-call lock (<c>SQLITE_OPEN_NOMUTEX</c>). On the pool's
/// connections every SQLite call takes and releases the connection's mutex, and a scan reads each column of each row
/// with a call: reading the eight columns of 14.1 million order lines took 5.2–5.4 s of CPU on a pooled connection and
/// 3.6–3.7 s without the lock (same harness, same process). That is safe because the reading thread is its only user:
/// it is opened, read and disposed within one read, its statements disposed first. It reads only
/// (<c>query_only</c>): writes stay on EF's connections and in their transactions. Inside a transaction, or for a
/// store in memory (no file to open again), the read runs on the context's own connection as before. The connection
/// has none of the functions EF registers on its own (<c>ef_compare</c>, <c>regexp</c>...): a query that needs them
/// is read on a borrowed connection (<see cref="Borrow"/>).
/// </summary>
public sealed class SqliteReadConnection : IDisposable
{
    // Cache as the pool's connections have it (SqlitePragmas); the busy wait as Microsoft.Data.Sqlite's default.
    private const string Pragmas = "PRAGMA query_only=1; PRAGMA cache_size=-65536;";

    private readonly Action? release;
    private readonly bool owned;
    private bool disposed;

    private SqliteReadConnection(sqlite3 db, bool owned, Action? release)
    {
        Db = db;
        this.owned = owned;
        this.release = release;
    }

    internal sqlite3 Db { get; }

    /// <summary>Whether reads run on a connection of their own (false: on the caller's).</summary>
    public bool OwnConnection => owned;

    /// <summary>A read connection for the context's store; the caller checks <c>Database.IsSqlite()</c>.</summary>
    public static SqliteReadConnection Open(DbContext store)
    {
        var connectionString = store.Database.GetConnectionString()!;
        return !InTransaction(store) && FileOf(connectionString) is { } file ? OpenFile(file, connectionString) : Borrow(store);
    }

    /// <summary>The context's own connection (opened, and closed again on dispose if it was closed): for queries that need EF's functions.</summary>
    public static SqliteReadConnection Borrow(DbContext store)
    {
        store.Database.OpenConnection();
        return new SqliteReadConnection(((SqliteConnection)store.Database.GetDbConnection()).Handle!, owned: false, store.Database.CloseConnection);
    }

    /// <summary>
    /// EF's transaction, or one begun on the connection itself (intake's writer does): SQLite is out of autocommit mode.
    /// A read then belongs on that connection, to see what the transaction wrote.
    /// </summary>
    private static bool InTransaction(DbContext store) =>
        store.Database.CurrentTransaction is not null
        || store.Database.GetDbConnection() is SqliteConnection { State: ConnectionState.Open, Handle: { } db } && raw.sqlite3_get_autocommit(db) == 0;

    /// <summary>A read connection for a connection's store: its own when the connection is closed, else the connection itself.</summary>
    public static SqliteReadConnection Open(SqliteConnection connection)
    {
        if (connection.State != ConnectionState.Open && FileOf(connection.ConnectionString) is { } file) return OpenFile(file, connection.ConnectionString);
        var opened = connection.State != ConnectionState.Open;
        if (opened) connection.Open();
        return new SqliteReadConnection(connection.Handle!, owned: false, opened ? connection.Close : null);
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (owned) Db.Dispose();
        else release?.Invoke();
    }

    /// <summary>The database file a connection string names, as a full path; null for a store in memory.</summary>
    internal static string? FileOf(string connectionString)
    {
        var settings = new SqliteConnectionStringBuilder(connectionString);
        if (settings.Mode == SqliteOpenMode.Memory || settings.DataSource is "" or ":memory:"
            || settings.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase)) return null;
        return Path.GetFullPath(settings.DataSource);
    }

    private static SqliteReadConnection OpenFile(string file, string connectionString)
    {
        var settings = new SqliteConnectionStringBuilder(connectionString);
        var flags = (settings.Mode == SqliteOpenMode.ReadOnly ? raw.SQLITE_OPEN_READONLY : raw.SQLITE_OPEN_READWRITE) | raw.SQLITE_OPEN_NOMUTEX;
        var code = raw.sqlite3_open_v2(file, out var db, flags, null);
        try
        {
            Check(db, code);
            // Microsoft.Data.Sqlite's 0 waits for ever; SQLite's 0 does not wait at all.
            Check(db, raw.sqlite3_busy_timeout(db, settings.DefaultTimeout == 0 ? int.MaxValue : settings.DefaultTimeout * 1000));
            Check(db, raw.sqlite3_exec(db, Pragmas));
            return new SqliteReadConnection(db, owned: true, release: null);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private static void Check(sqlite3 db, int code)
    {
        if (code != raw.SQLITE_OK) throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), code);
    }
}
