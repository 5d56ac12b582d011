using Customer360Portal.Core.Audit;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.IdentityResolution.Evaluation;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Customer360Portal.Core.Tests.IdentityResolution;

/// <summary>The admin's full re-resolution: same engine and guards, stable ids, nothing lost.</summary>
public class FullResolutionTests(ITestOutputHelper output)
{
    private static async Task<(TestProfileStore Test, List<DemoRecord> Records)> DemoStoreAsync(int people, bool project)
    {
        var test = await CoreHost.CreateAsync();
        foreach (var source in DemoSources.All)
            await test.Get<SourceRegistry>().EnsureSourceAsync(source.Key, source.DisplayName, source.Kind, source.Connector, trustRank: source.TrustRank);
        var records = new DemoCompany(new DemoCompanyOptions { People = people }).People().SelectMany(p => p.Records).OrderBy(r => r.At).ToList();
        foreach (var group in records.GroupBy(r => r.SourceKey))
            await test.Get<IntakePipeline>().IngestAsync(group.Key, group.Select(r => r.ToIncoming()).ToList());
        if (project) await test.Get<ProfileProjection>().CatchUpAsync();
        return (test, records);
    }

    [Fact]
    public async Task FreshStore_FullRun_ResolvesEveryRecordIntoThePeople_AndIncrementalCarriesOn()
    {
        var (test, records) = await DemoStoreAsync(300, project: false);
        await using var _ = test;

        var report = await test.Get<FullResolution>().RunAsync();

        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.False(await store.SourceRecords.AnyAsync(r => r.CustomerId == null));
        var (metrics, _, people, profiles) = await DemoResolutionAccuracy.MeasureAsync(store, records);
        output.WriteLine($"{report.Records} records → {report.Profiles} profiles in {report.Elapsed.TotalSeconds:F1}s; precision {metrics.Precision:F4} recall {metrics.Recall:F4}");
        Assert.True(metrics.Precision >= 0.995 && metrics.Recall >= 0.99, $"precision {metrics.Precision:F4}, recall {metrics.Recall:F4}");
        Assert.True(await store.MatchModels.AnyAsync(m => m.Active));
        Assert.Equal(0, await test.Get<ProfileProjection>().CatchUpAsync());
        Assert.True(await store.Identifiers.AnyAsync() && (await store.Customers.ToListAsync()).Any(c => c.Lineage.Count > 0) && await store.MatchKeys.AnyAsync());
    }

    [Fact]
    public async Task RerunOnAResolvedStore_KeepsProfileIdsAndChangesNothingMaterial()
    {
        var (test, _) = await DemoStoreAsync(150, project: true);
        await using var _ = test;
        Dictionary<long, long?> before;
        await using (var store = await test.Stores.CreateDbContextAsync())
            before = await store.SourceRecords.ToDictionaryAsync(r => r.Id, r => r.CustomerId);

        await test.Get<FullResolution>().RunAsync();
        await test.Get<FullResolution>().RunAsync();

        await using var after = await test.Stores.CreateDbContextAsync();
        var now = await after.SourceRecords.ToDictionaryAsync(r => r.Id, r => r.CustomerId);
        var kept = now.Count(r => r.Value == before[r.Key]);
        Assert.True(kept >= now.Count * 0.99, $"{kept} of {now.Count} records kept their profile id");
        // Every interaction sits on the profile of its record.
        Assert.False(await after.Interactions.AnyAsync(i => i.SourceRecordId != null
            && after.SourceRecords.Any(r => r.Id == i.SourceRecordId && r.CustomerId != i.CustomerId)));
        Assert.False(await after.Customers.AnyAsync(c => c.Status == CustomerStatus.Active && !after.SourceRecords.Any(r => r.CustomerId == c.Id)));
    }

    [Fact]
    public async Task FullRun_RespectsARejectedPair()
    {
        var (test, _) = await DemoStoreAsync(60, project: true);
        await using var _ = test;
        long a, b;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var merge = await store.Merges.OrderBy(m => m.Id).FirstAsync();
            (a, b) = (merge.SurvivorId, merge.MergedId);
            await test.Get<IdentityGraph>().UnmergeAsync(merge.Id, new AuditActor("u1", "admin"), "wrong person");
        }

        await test.Get<FullResolution>().RunAsync();

        await using var after = await test.Stores.CreateDbContextAsync();
        var profileOfA = await after.SourceRecords.Where(r => r.OriginCustomerId == a).Select(r => r.CustomerId).Distinct().ToListAsync();
        var profileOfB = await after.SourceRecords.Where(r => r.OriginCustomerId == b).Select(r => r.CustomerId).Distinct().ToListAsync();
        Assert.Empty(profileOfA.Intersect(profileOfB));
    }

    [Fact]
    public async Task AdminRequest_QueuesOneJob_ThatRunsAndRecordsItsOutcome()
    {
        var (test, _) = await DemoStoreAsync(40, project: false);
        await using var _ = test;
        var jobs = test.Get<ResolutionJobs>();
        var admin = new AuditActor("admin-1", "admin@example.com");

        var first = await jobs.RequestAsync(admin);
        Assert.Equal(first, await jobs.RequestAsync(admin));
        var seen = new List<string>();
        jobs.Changed += () => { if (jobs.Progress is { } p) seen.Add(p.Phase); };
        await test.Get<ResolutionJobService>().RunQueuedAsync(CancellationToken.None);

        var job = Assert.Single(await jobs.RecentAsync());
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Contains("profiles", job.Message);
        Assert.Contains("persist", seen);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Contains(await store.AuditLog.ToListAsync(), a => a.Action == "resolution.full-run-requested" && a.UserId == "admin-1");
        Assert.False(await store.SourceRecords.AnyAsync(r => r.CustomerId == null));
    }
}
