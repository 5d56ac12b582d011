using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Sync;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Customer360Portal.Core.Tests.Sync;

/// <summary>
/// The core features plus one configured sync source, built through <c>AddSourceSync</c> like the portal and the worker.
/// The host is not started: tests drive the service's passes and ticks themselves, on the test's clock.
/// </summary>
public static class SyncTestHost
{
    /// <param name="systemClock">
    /// Use the real clock instead of the test's: the HTTP resilience pipeline takes its clock from DI, and its retry
    /// delays never end on a clock nobody advances.
    /// </param>
    /// <param name="configure">More services, registered after the others (a replacement clock, say).</param>
    public static async Task<(TestProfileStore Test, TService Service)> CreateAsync<TService>(Dictionary<string, string?> source, bool systemClock = false,
        Action<IHostApplicationBuilder>? configure = null)
        where TService : SourceSyncService
    {
        var settings = new Dictionary<string, string?>
        {
            // Retries quick enough for tests; the policy (what is retried, how often) stays the standard one.
            [$"{SyncSetup.ResilienceSection}:Retry:Delay"] = "00:00:00.010",
            [$"{SyncSetup.ResilienceSection}:Retry:BackoffType"] = "Constant",
            [$"{SyncSetup.ResilienceSection}:Retry:UseJitter"] = "false",
        };
        foreach (var (key, value) in source) settings[$"{SyncOptions.Section}:Sources:0:{key}"] = value;
        var test = await CoreHost.CreateAsync(builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            if (systemClock) builder.Services.AddSingleton(TimeProvider.System);
            configure?.Invoke(builder);
            builder.AddSourceSync();
        });
        var service = test.Host.Services.GetServices<IHostedService>().OfType<TService>().Single();
        return (test, service);
    }

    public static async Task<DataSource> SourceAsync(this TestProfileStore test, string key) =>
        (await test.Get<SourceRegistry>().FindAsync(key))!;

    public static async Task<List<SourceRecord>> StoredAsync(this TestProfileStore test, string key)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return await store.SourceRecords.AsNoTracking().Where(r => r.SourceKey == key).OrderBy(r => r.Id).ToListAsync();
    }

    public static async Task<List<QuarantinedRecord>> QuarantinedAsync(this TestProfileStore test, string key)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return await store.Quarantine.AsNoTracking().Where(r => r.SourceKey == key).OrderBy(r => r.Id).ToListAsync();
    }

    public static void Advance(this TestProfileStore test, TimeSpan by) => ((FakeTimeProvider)test.Get<TimeProvider>()).Advance(by);

    /// <summary>Every record received is exactly one of stored, duplicate or quarantined, and the counters match the tables.</summary>
    public static async Task AssertCountsBalanceAsync(this TestProfileStore test, string key)
    {
        var source = await test.SourceAsync(key);
        Assert.Equal(source.Received, source.Stored + source.Duplicates + source.Quarantined + source.Suppressed);
        Assert.Equal(source.Stored, (await test.StoredAsync(key)).Count);
        Assert.Equal(source.Quarantined, (await test.QuarantinedAsync(key)).Count);
    }
}
