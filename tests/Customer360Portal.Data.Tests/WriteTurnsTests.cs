using System.Diagnostics;
using Customer360Portal.Tests.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Data.Tests;

/// <summary>A long write loop steps aside when another writer of the portal waits for the store, and only then.</summary>
public class WriteTurnsTests
{
    [Fact]
    public async Task WriterFindingTheStoreLocked_IsNoted_AndGetsInOnceTheLockIsFree()
    {
        await using var test = await TestProfileStore.CreateAsync();
        await CreateProbeTableAsync(test);
        await using var store = await test.Stores.CreateDbContextAsync();
        var waiters = SqliteWaiters.For(store.Database.GetConnectionString()!);
        var before = waiters.LastWaited;

        Task waiting;
        await using (var holder = new SqliteConnection($"Data Source={test.DatabaseFile};Pooling=False"))
        {
            await holder.OpenAsync();
            await using var hold = holder.BeginTransaction(deferred: false);
            // Microsoft.Data.Sqlite waits for the lock synchronously, even in its async methods.
            waiting = Task.Run(() => store.Database.ExecuteSqlRawAsync("INSERT INTO Probe (Writer) VALUES ('waiter')"));
            var noticed = Stopwatch.StartNew();
            while (waiters.LastWaited == before && noticed.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
            Assert.False(waiting.IsCompleted);
        }
        await waiting;

        Assert.True(waiters.LastWaited > before, "the waiting writer was not noted");
        Assert.Equal(1, await CountAsync(test, "waiter"));
    }

    [Fact]
    public async Task LongLoop_NoOneWaiting_WritesOnWithoutPausing()
    {
        await using var test = await TestProfileStore.CreateAsync();
        await CreateProbeTableAsync(test);
        await using var loop = await test.Stores.CreateDbContextAsync();
        var turns = WriteTurns.For(loop);

        // Longer than the 2 s after which loops used to step aside whether anyone waited or not.
        var commits = await WriteUntilAsync(loop, turns, Task.Delay(TimeSpan.FromSeconds(2.5)));

        Assert.True(commits > 0);
        Assert.Equal(0, turns.Pauses);
    }

    [Fact]
    public async Task LongLoop_AnotherWriterWaits_StepsAsideAndLetsItIn()
    {
        await using var test = await TestProfileStore.CreateAsync();
        await CreateProbeTableAsync(test);
        await using var loop = await test.Stores.CreateDbContextAsync();
        var turns = WriteTurns.For(loop);
        var looping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var other = Task.Run(async () =>
        {
            await looping.Task;
            await using var store = await test.Stores.CreateDbContextAsync();
            var waited = Stopwatch.StartNew();
            await store.Database.ExecuteSqlRawAsync("INSERT INTO Probe (Writer) VALUES ('agent')");
            return waited.Elapsed;
        });

        // On a little after the other writer got in: had it slipped in between two commits, its earlier wait still
        // owes the loop a pause.
        await WriteUntilAsync(loop, turns, other.ContinueWith(_ => Task.Delay(WriteTurns.WorkWhileOthersWait + WriteTurns.Pause * 2)).Unwrap(), looping);
        var otherWaited = await other;

        Assert.Equal(1, await CountAsync(test, "agent"));
        Assert.True(turns.Pauses >= 1, "the loop never stepped aside");
        // Got in on the loop's pause for it, not on the slow clock kept for writers of other processes.
        Assert.True(otherWaited < WriteTurns.WorkUnseen, $"the other writer waited {otherWaited.TotalSeconds:0.0} s");
    }

    /// <summary>Commits one row per transaction held for 20 ms, back to back, until <paramref name="until"/> completes.</summary>
    private static async Task<int> WriteUntilAsync(ProfileStore loop, WriteTurns turns, Task until, TaskCompletionSource? started = null)
    {
        await loop.Database.OpenConnectionAsync();
        var commits = 0;
        var giveUp = Stopwatch.StartNew();
        while (!until.IsCompleted && giveUp.Elapsed < TimeSpan.FromSeconds(30))
        {
            await using (var transaction = await loop.Database.BeginTransactionAsync())
            {
                await loop.Database.ExecuteSqlRawAsync("INSERT INTO Probe (Writer) VALUES ('loop')");
                // Inside the transaction: the other writer's first try finds the store locked.
                started?.TrySetResult();
                // A batch's work: the lock is held for most of the loop's time, as by a real writer.
                await Task.Delay(20);
                await transaction.CommitAsync();
            }
            commits++;
            await turns.AfterCommitAsync();
        }
        return commits;
    }

    private static async Task CreateProbeTableAsync(TestProfileStore test)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        await store.Database.ExecuteSqlRawAsync("CREATE TABLE Probe (Id INTEGER PRIMARY KEY, Writer TEXT NOT NULL)");
    }

    private static async Task<int> CountAsync(TestProfileStore test, string writer)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return await store.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS Value FROM Probe WHERE Writer = {0}", writer).SingleAsync();
    }
}
