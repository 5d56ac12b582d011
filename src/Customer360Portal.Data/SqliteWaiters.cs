using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Customer360Portal.Data;

/// <summary>
/// When a writer of this process last found a SQLite file locked by another writer. SQLite calls a connection's busy
/// handler each time it finds the file locked; Microsoft.Data.Sqlite sets none and retries every 150 ms itself, so the
/// handler here only notes the time (and lets that retry loop go on, as before). A long write loop
/// (<see cref="WriteTurns"/>) steps aside when this moves, instead of every few seconds whether anyone waits or not.
/// Writers in other processes are not seen here: for them the loop still steps aside on a slower clock.
/// </summary>
public sealed class SqliteWaiters
{
    private static readonly ConcurrentDictionary<string, SqliteWaiters> ByFile = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, SqliteWaiters> ByConnectionString = new(StringComparer.Ordinal);

    // The busy handler's user data: lives as long as the process, like the entry in ByFile.
    private readonly IntPtr self;
    private long lastWaited;

    private SqliteWaiters() => self = GCHandle.ToIntPtr(GCHandle.Alloc(this));

    /// <summary>The timestamp (<see cref="Stopwatch.GetTimestamp"/>) when a writer last found the file locked; 0 if never.</summary>
    public long LastWaited => Volatile.Read(ref lastWaited);

    /// <summary>The waiters of the file a connection string names (one per file, whatever the string's other settings).</summary>
    public static SqliteWaiters For(string connectionString) =>
        ByConnectionString.GetOrAdd(connectionString, static text => ByFile.GetOrAdd(SqliteReadConnection.FileOf(text) ?? text, static _ => new SqliteWaiters()));

    /// <summary>
    /// Has the connection note its waits here (called on every open: a pooled connection keeps its handler anyway). If
    /// the native library is not e_sqlite3 (another SQLitePCL provider), nothing is watched: loops then step aside on
    /// the slow clock only, and connections still open.
    /// </summary>
    public static unsafe void Watch(SqliteConnection connection)
    {
        if (!watching) return;
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var waiters = For(connection.ConnectionString);
        try
        {
            Native.BusyHandler(db.DangerousGetHandle(), &OnBusy, waiters.self);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            watching = false;
        }
    }

    private static volatile bool watching = true;

    // Called by SQLite on the waiting thread, inside sqlite3_step: no exception may leave it.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnBusy(IntPtr waiters, int attempts)
    {
        if (GCHandle.FromIntPtr(waiters).Target is SqliteWaiters noted)
            Volatile.Write(ref noted.lastWaited, Stopwatch.GetTimestamp());
        return 0; // SQLITE_BUSY now: Microsoft.Data.Sqlite waits and retries until its timeout
    }

    private static unsafe class Native
    {
        [DllImport("e_sqlite3", EntryPoint = "sqlite3_busy_handler")]
        public static extern int BusyHandler(IntPtr db, delegate* unmanaged[Cdecl]<IntPtr, int, int> handler, IntPtr userData);
    }
}
