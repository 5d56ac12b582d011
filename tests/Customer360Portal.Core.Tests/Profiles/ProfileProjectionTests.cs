using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.Profiles;

public class ProfileProjectionTests
{
    [Theory]
    [InlineData(2_000, 8.0, 1_000)] // a slow batch: halved at most
    [InlineData(1_000, 4.0, 500)] // on target next time: 2 s / 4 s
    [InlineData(500, 1.0, 1_000)] // quick again: grows back, at most doubled
    [InlineData(1_500, 0.5, 2_000)] // never above the configured size
    [InlineData(30, 60.0, 25)] // never below the smallest batch
    public void Adapt_BatchSize_FollowsTheTimeAWriteLockWasHeld(int size, double seconds, int expected)
    {
        Assert.Equal(expected, ProfileProjection.Adapt(size, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(2), 2_000));
    }

    [Fact]
    public async Task SlowBatches_TheNextBatchTakesFewerRecords_AndEveryRecordIsStillProjected()
    {
        await using var test = await CoreHost.CreateAsync(b => b.Services.Configure<ProjectionOptions>(o =>
        {
            o.BatchSize = 40;
            o.TargetBatchTime = TimeSpan.FromTicks(1); // every batch is "too slow"
        }));
        await test.Get<SourceRegistry>().EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        await test.Get<IntakePipeline>().IngestAsync("shop", Enumerable.Range(0, 100).Select(i => Order($"{5000 + i}", $"buyer{i}@example.com")).ToList());
        var projection = test.Get<ProfileProjection>();

        var first = await projection.RunOnceAsync();
        var second = await projection.RunOnceAsync();
        var rest = await projection.CatchUpAsync();

        Assert.Equal(40, first);
        Assert.Equal(25, second);
        Assert.Equal(100, first + second + rest);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(100, await store.Customers.CountAsync());
    }

    [Fact]
    public async Task BatchPastItsTime_StopsAfterASlice_AndLaterBatchesProjectTheRestOnce()
    {
        await using var test = await CoreHost.CreateAsync(b => b.Services.Configure<ProjectionOptions>(o =>
        {
            o.BatchSize = 40;
            o.SliceSize = 10;
            o.TargetBatchTime = TimeSpan.FromTicks(1); // every slice is past the time
        }));
        await test.Get<SourceRegistry>().EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        await test.Get<IntakePipeline>().IngestAsync("shop", Enumerable.Range(0, 100).Select(i => Order($"{5000 + i}", $"buyer{i}@example.com")).ToList());
        var projection = test.Get<ProfileProjection>();

        var first = await projection.RunOnceAsync();
        var rest = await projection.CatchUpAsync();

        Assert.Equal(10, first);
        Assert.Equal(90, rest);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(100, await store.Customers.CountAsync());
        Assert.Equal(100, await store.Interactions.CountAsync());
        Assert.Equal(await store.SourceRecords.MaxAsync(r => r.Id),
            (await store.ProcessingMarks.SingleAsync(m => m.Stage == ProfileProjection.Stage)).LastSourceRecordId);
    }

    [Fact]
    public async Task TwoProjectionsOnOneStore_ProjectEachRecordOnce()
    {
        // The portal and a `c360 sync` worker both project by default: two processes, one store, one mark.
        static void SmallBatches(IHostApplicationBuilder b) => b.Services.Configure<ProjectionOptions>(o => o.BatchSize = 20);
        await using var portal = await CoreHost.CreateAsync(SmallBatches);
        await using var worker = await CoreHost.OpenAsync(portal, SmallBatches);
        // Both warm (model built, connections open), so neither is done before the other starts.
        Assert.Equal(0, await portal.Get<ProfileProjection>().CatchUpAsync() + await worker.Get<ProfileProjection>().CatchUpAsync());
        await portal.Get<SourceRegistry>().EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        await portal.Get<IntakePipeline>().IngestAsync("shop", Enumerable.Range(0, 300).Select(i => Order($"{7000 + i}", $"buyer{i}@example.com")).ToList());

        // SQLite's calls complete synchronously: each on a thread of its own, or the first would finish before the second starts.
        var taken = await Task.WhenAll(Task.Run(() => portal.Get<ProfileProjection>().CatchUpAsync()), Task.Run(() => worker.Get<ProfileProjection>().CatchUpAsync()));

        Assert.Equal(300, taken.Sum());
        await using var store = await portal.Stores.CreateDbContextAsync();
        Assert.Equal(300, await store.Interactions.CountAsync());
        Assert.Equal(300, await store.Customers.CountAsync());
    }

    [Fact]
    public async Task RecordsOfOnePerson_InDifferentSlicesOfABatch_BecomeOneProfile()
    {
        await using var test = await CoreHost.CreateAsync(b => b.Services.Configure<ProjectionOptions>(o => o.SliceSize = 2));
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        var pipeline = test.Get<IntakePipeline>();
        await pipeline.IngestAsync("crm", [Contact("C-1", "jon@example.com")]);
        await pipeline.IngestAsync("shop", [Order("1001", "ann@example.com"), Order("1002", "raj@example.com"), Order("1003", "lee@example.com"),
            Order("1004", "JON@example.com", "20.00"), Order("1005", "ann@example.com", "5.00")]);

        Assert.Equal(6, await test.Get<ProfileProjection>().RunOnceAsync());

        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(4, await store.Customers.CountAsync());
        var jon = await store.Customers.SingleAsync(c => c.Email == "jon@example.com");
        Assert.Equal((1, "Jonathan"), (jon.OrderCount, jon.GivenName));
        Assert.Equal(2, (await store.Customers.SingleAsync(c => c.Email == "ann@example.com")).OrderCount);
    }

    [Fact]
    public async Task RecordsSharingAnEmail_BecomeOneProfileWithTimelineMetricsAndLineage()
    {
        await using var test = await CoreHost.CreateAsync();
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        var pipeline = test.Get<IntakePipeline>();
        await pipeline.IngestAsync("crm", [Contact("C-1", "jon@example.com", phone: "+44 7700 900123")]);
        await pipeline.IngestAsync("shop", [Order("1001", "JON@example.com", "45.90"), Order("1002", "jon@example.com", "10.00", "2026-10-20T10:00:00Z"), Order("2001", "ann@example.com")]);

        var projected = await test.Get<ProfileProjection>().CatchUpAsync();

        Assert.Equal(4, projected);
        await using var store = await test.Stores.CreateDbContextAsync();
        var jon = await store.Customers.Include(c => c.Identifiers).SingleAsync(c => c.Email == "jon@example.com");
        Assert.Equal(("Jonathan", "Smith", "+447700900123"), (jon.GivenName, jon.FamilyName, jon.Phone));
        Assert.Equal(2, jon.OrderCount);
        Assert.Equal(55_90, jon.LifetimeValueMinor);
        Assert.Equal("GBP", jon.Currency);
        Assert.Equal(LifecycleStage.Retention, jon.LifecycleStage);
        Assert.Equal(new DateTime(2026, 10, 20, 10, 0, 0, DateTimeKind.Utc), jon.LastPurchaseAt);
        Assert.Contains(jon.Identifiers, i => i.Type == IdentifierType.Email && i.Value == "jon@example.com");
        Assert.Contains(jon.Identifiers, i => i.Type == IdentifierType.Phone && i.Value == "+447700900123");
        Assert.Equal("crm", jon.Lineage.Single(l => l.Field == nameof(Customer.GivenName)).SourceKey);
        Assert.Equal(2, await store.Interactions.CountAsync(i => i.CustomerId == jon.Id && i.Type == "order.placed"));
        Assert.Equal(2, await store.Customers.CountAsync());
        Assert.True(await store.SourceRecords.AllAsync(r => r.Status == SourceRecordStatus.Resolved && r.CustomerId != null));
    }

    [Fact]
    public async Task Projection_RunTwice_ChangesNothingTheSecondTime()
    {
        await using var test = await CoreHost.CreateAsync();
        await test.Get<SourceRegistry>().EnsureSourceAsync("web", "Web", SourceKind.WebAnalytics, ConnectorStyle.Tracking);
        await test.Get<IntakePipeline>().IngestAsync("web", [PageView("m-1", "anon-1"), PageView("m-2", "anon-1", "2026-10-07T08:00:00Z")]);
        var projection = test.Get<ProfileProjection>();

        Assert.Equal(2, await projection.CatchUpAsync());
        Assert.Equal(0, await projection.CatchUpAsync());

        await using var store = await test.Stores.CreateDbContextAsync();
        var visitor = await store.Customers.SingleAsync();
        Assert.Equal(2, await store.Interactions.CountAsync(i => i.CustomerId == visitor.Id));
        Assert.Equal(LifecycleStage.Awareness, visitor.LifecycleStage);
    }
}
