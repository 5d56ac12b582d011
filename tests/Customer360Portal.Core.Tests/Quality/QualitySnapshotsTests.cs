using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Quality;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using static Customer360Portal.Core.Tests.Quality.QualityTestData;

namespace Customer360Portal.Core.Tests.Quality;

/// <summary>The background job stores a snapshot per pass: on request ("Refresh now") and on schedule; the trend reads them back.</summary>
public class QualitySnapshotsTests
{
    private static readonly AuditActor Admin = new("admin-1", "Ada Admin");

    [Fact]
    public async Task RunDueAsync_RefreshRequested_StoresASnapshotWithTheReport_AndAuditsTheRequest()
    {
        await using var test = await KnownSetAsync(new() { ["Quality:Enabled"] = "false" });
        var snapshots = test.Get<QualitySnapshots>();
        var job = test.Get<QualityJob>();
        Assert.Null(await job.RunDueAsync()); // disabled schedule: nothing runs on its own

        var jobId = await snapshots.RequestRefreshAsync(Admin);
        Assert.Equal(jobId, await snapshots.RequestRefreshAsync(Admin)); // a second click joins the queued scan
        Assert.Equal(JobStatus.Queued, (await snapshots.PendingAsync())!.Status);
        Assert.Equal(jobId, await job.RunDueAsync());

        var latest = await snapshots.LatestAsync();
        Assert.NotNull(latest);
        Assert.Equal((3L, QualitySnapshots.RequestedTrigger), (latest.Report.Profiles, latest.Trigger));
        Assert.Equal(21.0 / 24, latest.Report.Completeness, 6);
        Assert.Equal(2, latest.Report.Sources.Count);
        Assert.Null(await snapshots.PendingAsync());
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(JobStatus.Succeeded, (await store.Jobs.SingleAsync(j => j.Id == jobId)).Status);
        Assert.Equal(1, await store.AuditLog.CountAsync(a => a.Action == "quality.refresh-requested" && a.UserId == "admin-1"));
    }

    [Fact]
    public async Task RunDueAsync_OnSchedule_TakesASnapshotPerInterval_AndTheTrendFollowsTheData()
    {
        await using var test = await KnownSetAsync(new() { ["Quality:Interval"] = "01:00:00" });
        var job = test.Get<QualityJob>();
        var clock = (FakeTimeProvider)test.Get<TimeProvider>();

        Assert.NotNull(await job.RunDueAsync()); // no snapshot yet: one is due
        Assert.Null(await job.RunDueAsync()); // the next waits for the interval
        await test.Get<Core.Privacy.ProfileCorrections>().RectifyAsync(await IdOfAsync(test, "Cara"), nameof(Customer.Email), "cara@example.com",
            "Customer gave it on the phone", Admin);
        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.NotNull(await job.RunDueAsync());

        var trend = await test.Get<QualitySnapshots>().TrendAsync();
        Assert.Equal(2, trend.Count);
        Assert.True(trend[0].TakenAt < trend[1].TakenAt);
        Assert.Equal(21.0 / 24, trend[0].Completeness, 6);
        Assert.Equal(22.0 / 24, trend[1].Completeness, 6); // Cara's email was added between the two
        Assert.Equal((2L, 2L), (trend[0].QuarantineOpen, trend[1].QuarantineOpen));
    }

    [Fact]
    public async Task SaveAsync_BeyondTheKeptNumber_DeletesTheOldestSnapshots()
    {
        await using var test = await KnownSetAsync(new() { ["Quality:SnapshotsKept"] = "2", ["Quality:Interval"] = "00:01:00" });
        var job = test.Get<QualityJob>();
        var clock = (FakeTimeProvider)test.Get<TimeProvider>();
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(await job.RunDueAsync());
            clock.Advance(TimeSpan.FromMinutes(2));
        }

        var trend = await test.Get<QualitySnapshots>().TrendAsync();

        Assert.Equal(2, trend.Count);
        Assert.Equal(CoreHost.Now.UtcDateTime.AddMinutes(2), trend[0].TakenAt);
    }
}
