using System.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Data;

/// <summary>
/// Lets other writers in between the batches of a long write loop. SQLite has one writer at a time, and a writer that
/// finds the store busy polls for it (Microsoft.Data.Sqlite retries every 150 ms) rather than queueing: a loop that
/// commits and begins again at once keeps the lock for as long as it runs, and a sync, an agent's edit or an API call
/// waiting meanwhile fails after its 30 s timeout. So the loop steps aside for <see cref="Pause"/>, longer than one poll:
/// <list type="bullet">
/// <item>once a writer of this process has found the store locked (<see cref="SqliteWaiters"/>) and the loop has written
/// for <see cref="WorkWhileOthersWait"/> since its last pause, so that under steady contention both get turns;</item>
/// <item>otherwise every <see cref="WorkUnseen"/>, for writers of other processes (a <c>c360</c> command beside the
/// portal), whose waits this process cannot see; their 30 s wait outlasts it.</item>
/// </list>
/// Stepping aside every 2 s whether anyone waited or not cost offer scoring of a million customers 2–4 s, as both
/// cores idled while the loop's ranking workers filled its queue. The loop's clock starts at its first commit after a
/// pause, so its own wait to get back in is neither counted as writing nor taken for another writer's wait. SQL Server
/// locks rows, not the store: there the loop never pauses.
/// </summary>
public sealed class WriteTurns
{
    public static readonly TimeSpan WorkWhileOthersWait = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan WorkUnseen = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(400);
    private static readonly WriteTurns Never = new(waiters: null);

    private readonly SqliteWaiters? waiters;
    private long since = Stopwatch.GetTimestamp();
    // The loop's clock starts at its first commit after a pause (or the start): its own wait for the lock before that is
    // neither writing nor another writer waiting.
    private bool fresh = true;

    private WriteTurns(SqliteWaiters? waiters) => this.waiters = waiters;

    /// <summary>How many times this loop stepped aside.</summary>
    public int Pauses { get; private set; }

    /// <summary>Turns for one loop over this store (one instance per loop: it times that loop's writing).</summary>
    public static WriteTurns For(ProfileStore store) =>
        store.Database.IsSqlite() ? new WriteTurns(SqliteWaiters.For(store.Database.GetConnectionString()!)) : Never;

    /// <summary>Turns for one loop over the factory's store (the context made to ask for its provider opens no connection).</summary>
    public static WriteTurns For(IDbContextFactory<ProfileStore> stores)
    {
        using var store = stores.CreateDbContext();
        return For(store);
    }

    /// <summary>
    /// Call when the loop waited for work outside a transaction (a writer fed by workers): the lock was free meanwhile,
    /// so a wait as long as a pause counts as one.
    /// </summary>
    public void Waited(TimeSpan idle)
    {
        if (idle >= Pause) fresh = true;
    }

    /// <summary>Call after each commit: pauses when someone waits (or may wait unseen) and the loop has written long enough.</summary>
    public async Task AfterCommitAsync(CancellationToken cancellationToken = default)
    {
        if (waiters is null) return;
        if (fresh)
        {
            (since, fresh) = (Stopwatch.GetTimestamp(), false);
            return;
        }
        var written = Stopwatch.GetElapsedTime(since);
        var someoneWaited = waiters.LastWaited > since;
        if (written < WorkUnseen && !(someoneWaited && written >= WorkWhileOthersWait)) return;
        await Task.Delay(Pause, cancellationToken);
        Pauses++;
        fresh = true;
    }
}
