using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.Privacy;

public class RetentionPolicyTests
{
    [Fact]
    public async Task OldInteractions_AreDeletedWithTheirSourceRecords_NewOnesStay()
    {
        await using var test = await CoreHost.CreateAsync(b =>
        {
            b.Configuration["Privacy:Retention:InteractionMaxAge"] = "730.00:00:00"; // two years before 2026-11-29
            b.AddErasure(runInBackground: false);
        });
        await test.Get<SourceRegistry>().EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        await test.Get<IntakePipeline>().IngestAsync("shop", [
            Order("ORD-OLD", "ann@example.com", placedAt: "2024-06-01T10:00:00Z"),
            Order("ORD-NEW", "ann@example.com", placedAt: "2026-10-05T10:30:00Z"),
        ]);
        await test.Get<ProfileProjection>().CatchUpAsync();

        var (interactions, records) = await test.Get<RetentionPolicy>().RunOnceAsync();
        var again = await test.Get<RetentionPolicy>().RunOnceAsync();

        Assert.Equal((1, 1), (interactions, records));
        Assert.Equal((0, 0), again);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(["ORD-NEW"], await store.Interactions.Select(i => i.Reference).ToListAsync());
        Assert.Equal(["ORD-NEW"], await store.SourceRecords.Select(r => r.ExternalId).ToListAsync());
        Assert.Equal(1, await store.AuditLog.CountAsync(a => a.Action == "retention.applied"));
    }

    [Fact]
    public async Task WithoutAMaximumAge_NothingIsDeleted()
    {
        await using var test = await CoreHost.CreateAsync(b => b.AddErasure(runInBackground: false));
        await test.Get<SourceRegistry>().EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        await test.Get<IntakePipeline>().IngestAsync("shop", [Order("ORD-OLD", "ann@example.com", placedAt: "2014-06-01T10:00:00Z")]);
        await test.Get<ProfileProjection>().CatchUpAsync();

        Assert.Equal((0, 0), await test.Get<RetentionPolicy>().RunOnceAsync());
    }
}
