using Customer360Portal.Core.Audit;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.Quality;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using static Customer360Portal.Core.Tests.Quality.QualityTestData;

namespace Customer360Portal.Core.Tests.Quality;

/// <summary>The incomplete-data process: list profiles missing a key field, then create enrichment tasks on them.</summary>
public class IncompleteDataTests
{
    private static readonly AuditActor Admin = new("admin-1", "Ada Admin");

    [Fact]
    public async Task ListAsync_MissingPhone_ListsOnlyThoseProfiles_WithContactDetailsMaskedForAdmins()
    {
        await using var test = await KnownSetAsync();

        var listing = await test.Get<IncompleteProfiles>().ListAsync(new IncompleteFilter(nameof(Customer.Phone)), ProfileMasking.ForRoles([PortalRoles.Admin]));

        var bob = Assert.Single(listing.Items);
        Assert.Equal((1L, false, "Bob Stone"), (listing.Total, listing.MoreThanTotal, bob.Name));
        Assert.NotEqual(BobEmail, bob.Email);
        Assert.Equal([nameof(Customer.Phone), nameof(Customer.DateOfBirth)], bob.Missing);
        Assert.False(bob.HasOpenTask);
        var forAgents = await test.Get<IncompleteProfiles>().ListAsync(new IncompleteFilter(nameof(Customer.Phone)), ProfileMasking.ForRoles([PortalRoles.Agent]));
        Assert.Equal(BobEmail, forAgents.Items.Single().Email);
    }

    [Fact]
    public async Task ListAsync_Stale_ListsProfilesWithoutActivityForTheConfiguredTime_PagedByRecentActivity()
    {
        await using var test = await KnownSetAsync(new() { ["Quality:StaleAfter"] = "30.00:00:00" });
        var incomplete = test.Get<IncompleteProfiles>();
        // Bob and Cara have only CRM records (no activity) and their profiles were created today: not stale yet.
        var beforeActivity = await incomplete.ListAsync(new IncompleteFilter(IncompleteFilter.StaleFilter), ProfileMasking.Nothing);
        await SetLastActivityAsync(test, "Bob", CoreHost.Now.UtcDateTime.AddDays(-40));
        await SetLastActivityAsync(test, "Cara", CoreHost.Now.UtcDateTime.AddDays(-400));

        var first = await incomplete.ListAsync(new IncompleteFilter(IncompleteFilter.StaleFilter, Page: 0, PageSize: 1), ProfileMasking.Nothing);
        var second = await incomplete.ListAsync(new IncompleteFilter(IncompleteFilter.StaleFilter, Page: 1, PageSize: 1), ProfileMasking.Nothing);

        // Ann ordered on 2026-10-05 (55 days ago), Bob was last active 40 days ago, Cara 400 days ago: all older than 30 days.
        Assert.Equal("Ann Lee", beforeActivity.Items.Single().Name);
        Assert.Equal(3, first.Total);
        Assert.Equal("Bob Stone", first.Items.Single().Name);
        Assert.Equal("Ann Lee", second.Items.Single().Name);
        var capped = await incomplete.ListAsync(new IncompleteFilter(IncompleteFilter.StaleFilter), ProfileMasking.Nothing, countLimit: 2, CancellationToken.None);
        Assert.Equal((2L, true, 3), (capped.Total, capped.MoreThanTotal, capped.Items.Count)); // counting stops at the limit, listing does not
    }

    [Fact]
    public async Task CreateAsync_SelectedProfiles_AddsFollowUpTasksOnEachProfile_AuditedAndNotDoubled()
    {
        await using var test = await KnownSetAsync();
        var bob = await IdOfAsync(test, "Bob");
        var cara = await IdOfAsync(test, "Cara");
        var tasks = test.Get<EnrichmentTasks>();
        var due = new DateOnly(2026, 12, 13);

        var result = await tasks.CreateAsync([bob, cara], nameof(Customer.DateOfBirth), due, "Ask at the next call", Admin);
        var again = await tasks.CreateAsync([bob], nameof(Customer.DateOfBirth), due, null, Admin);

        Assert.Equal(new EnrichmentResult(2, 0, 0), result);
        Assert.Equal(new EnrichmentResult(0, 1, 0), again);
        var onBob = (await test.Get<ProfileSummaries>().LoadAsync(bob))!.OpenTasks.Single();
        Assert.Equal("Data quality: add the missing date of birth. Ask at the next call", onBob.Text);
        Assert.Equal((due.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), "admin-1"), (onBob.DueAt, onBob.AuthorUserId));
        var listed = await test.Get<IncompleteProfiles>().ListAsync(new IncompleteFilter(nameof(Customer.Phone)), ProfileMasking.Nothing);
        Assert.False(listed.Items.Single().HasOpenTask); // a birth-date task is not a phone task
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(2, await store.AuditLog.CountAsync(a => a.Action == "task.added" && a.UserId == "admin-1" && a.Details!.Contains("data quality: DateOfBirth")));
        Assert.Equal(2, await store.AuditLog.CountAsync(a => a.Action == "quality.tasks-created"));
        Assert.DoesNotContain(await store.AuditLog.Select(a => a.Details).ToListAsync(), d => d != null && d.Contains("Ask at the next call"));
    }

    [Fact]
    public async Task CreateAsync_ForAllMatching_SkipsProfilesThatAreNoLongerActive()
    {
        await using var test = await KnownSetAsync();
        var ids = await test.Get<IncompleteProfiles>().IdsAsync(nameof(Customer.Email), EnrichmentTasks.MaxProfiles);
        var cara = Assert.Single(ids);
        await using (var store = await test.Stores.CreateDbContextAsync())
            await store.Customers.Where(c => c.Id == cara).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, CustomerStatus.Restricted));

        var result = await test.Get<EnrichmentTasks>().CreateAsync(ids, nameof(Customer.Email), new DateOnly(2026, 12, 1), null, Admin);

        Assert.Equal(new EnrichmentResult(0, 0, 1), result);
        await Assert.ThrowsAsync<ArgumentException>(() => test.Get<EnrichmentTasks>().CreateAsync(ids, nameof(Customer.Email), new DateOnly(2026, 11, 1), null, Admin));
    }
}
