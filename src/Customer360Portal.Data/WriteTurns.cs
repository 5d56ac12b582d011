using System.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Data;

/// <summary>
/// Lets other writers in between the batches of a long write loop. SQLite has one writer at a time, and a writer that
/// finds the store busy polls for it (Microsoft.Data.Sqlite retries every 150 ms) rather than queueing: a loop that commits and begins again
/// at once keeps the lock for as long as it runs, and a sync, an agent's edit or an API call waiting meanwhile fails
/// after its 30 s timeout. So once a loop has written for <see cref="Work"/>, it steps aside for <see cref="Pause"/>,
/// longer than one poll. SQL Server locks rows, not the store: there the loop never pauses.
/// </summary>
public sealed class WriteTurns
{
    public static readonly TimeSpan Work = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(400);
    private static readonly WriteTurns Never = new(pauses: false);

    private readonly bool pauses;
    private long since = Stopwatch.GetTimestamp();

    private WriteTurns(bool pauses) => this.pauses = pauses;

    /// <summary>Turns for one loop over this store (one instance per loop: it times that loop's writing).</summary>
    public static WriteTurns For(ProfileStore store) => store.Database.IsSqlite() ? new WriteTurns(pauses: true) : Never;

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
        if (idle >= Pause) since = Stopwatch.GetTimestamp();
    }

    /// <summary>Call after each commit: pauses when the loop has written long enough since its last pause.</summary>
    public async Task AfterCommitAsync(CancellationToken cancellationToken = default)
    {
        if (!pauses || Stopwatch.GetElapsedTime(since) < Work) return;
        await Task.Delay(Pause, cancellationToken);
        since = Stopwatch.GetTimestamp();
    }
}
