using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Customer360Portal.Core.Tests.Privacy;

public class PrivacyRequestsTests : IAsyncLifetime
{
    private const string Contact = "maria.gonzalez@example.com";
    private const string Words = "Please send me everything you hold about my account 4471";
    private static readonly AuditActor Officer = new("officer-1", "Pat Privacy");

    private TestProfileStore test = null!;
    private PrivacyRequests requests = null!;
    private FakeTimeProvider clock = null!;

    public async Task InitializeAsync()
    {
        test = await CoreHost.CreateAsync(b => b.AddPrivacyRequests());
        requests = test.Get<PrivacyRequests>();
        clock = (FakeTimeProvider)test.Get<TimeProvider>();
        await using var store = await test.Stores.CreateDbContextAsync();
        store.Users.Add(new PortalUser { Id = "officer-1", UserName = "privacy@demo.c360.test", DisplayName = "Pat Privacy" });
        await store.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await test.DisposeAsync();

    private Task<PrivacyRequest> FileAsync(PrivacyRequestType type = PrivacyRequestType.Access, Regulation regulation = Regulation.Gdpr) =>
        requests.FileAsync(new NewPrivacyRequest(type, regulation, Contact, Words, "portal"), Officer);

    [Theory]
    [InlineData("2026-11-29T12:00:00Z", "2026-12-29T12:00:00Z")]
    [InlineData("2026-01-31T09:00:00Z", "2026-02-28T09:00:00Z")] // no 31 February: the last day of the month
    [InlineData("2028-01-31T09:00:00Z", "2028-02-29T09:00:00Z")]
    public async Task FileAsync_Gdpr_IsDueOneCalendarMonthAfterReceipt(string received, string due)
    {
        // A clock of its own: the shared fake clock cannot go back in time.
        var at = new FakeTimeProvider(DateTimeOffset.Parse(received, System.Globalization.CultureInfo.InvariantCulture));

        var request = await new PrivacyRequests(test.Stores, at).FileAsync(new NewPrivacyRequest(PrivacyRequestType.Access, Regulation.Gdpr, Contact, Words, "portal"), Officer);

        Assert.Equal(DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime, request.DueAt);
        Assert.Equal(PrivacyRequestStatus.Received, request.Status);
        Assert.Equal(IdentityVerification.NotVerified, request.Verification);
    }

    [Fact]
    public async Task FileAsync_Ccpa_IsDue45DaysAfterReceipt()
    {
        var request = await FileAsync(regulation: Regulation.Ccpa);

        Assert.Equal(CoreHost.Now.UtcDateTime.AddDays(45), request.DueAt);
        Assert.Equal(new DateTime(2027, 1, 13, 12, 0, 0, DateTimeKind.Utc), request.DueAt);
    }

    [Fact]
    public async Task ListAsync_AfterTheDueDate_FlagsOverdueAndFiltersIt()
    {
        var late = await FileAsync(regulation: Regulation.Gdpr);
        var onTime = await FileAsync(regulation: Regulation.Ccpa);
        var closed = await FileAsync(PrivacyRequestType.Objection, Regulation.Gdpr);
        var v = await requests.SetVerificationAsync(closed.Id, closed.Version, IdentityVerification.Verified, null, Officer);
        await requests.ChangeStatusAsync(closed.Id, v, PrivacyRequestStatus.Completed, "Opted out of sale in every system", Officer);

        clock.Advance(TimeSpan.FromDays(31));

        var open = await requests.ListAsync(RequestFilter.Open);
        Assert.Equal([late.Id, onTime.Id], open.Select(r => r.Id)); // most urgent first
        Assert.True(open.Single(r => r.Id == late.Id).Overdue);
        Assert.False(open.Single(r => r.Id == onTime.Id).Overdue);
        Assert.False(open.Single(r => r.Id == onTime.Id).DueSoon); // due in 14 days: not yet within the 7-day window
        var overdue = await requests.ListAsync(RequestFilter.Overdue);
        Assert.Equal([late.Id], overdue.Select(r => r.Id));
        var all = await requests.ListAsync(RequestFilter.All);
        Assert.False(all.Single(r => r.Id == closed.Id).Overdue);
        Assert.Equal((2, 1), await requests.CountsAsync());
    }

    [Fact]
    public async Task ListAsync_Mine_ShowsOnlyOpenRequestsAssignedToTheUser()
    {
        var mine = await FileAsync();
        await FileAsync(PrivacyRequestType.Erasure);
        await requests.AssignAsync(mine.Id, mine.Version, "officer-1", Officer);

        var list = await requests.ListAsync(RequestFilter.Mine, currentUserId: "officer-1");

        var item = Assert.Single(list);
        Assert.Equal(mine.Id, item.Id);
        Assert.Equal("Pat Privacy", item.AssigneeName);
        Assert.Single(await requests.ListAsync(RequestFilter.All, PrivacyRequestType.Erasure));
        Assert.Empty(await requests.ListAsync(RequestFilter.Mine, currentUserId: null));
    }

    [Fact]
    public async Task ChangeStatusAsync_CompleteWithoutVerifiedIdentity_IsRefused()
    {
        var request = await FileAsync(PrivacyRequestType.Restriction);

        var e = await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            requests.ChangeStatusAsync(request.Id, request.Version, PrivacyRequestStatus.Completed, null, Officer));

        Assert.Contains("Verify", e.Message);
        Assert.Equal(PrivacyRequestStatus.Received, (await requests.GetAsync(request.Id))!.Request.Status);
    }

    [Fact]
    public async Task ChangeStatusAsync_RejectWithoutReason_IsRefused_WithReasonCloses()
    {
        var request = await FileAsync(PrivacyRequestType.Rectification);

        await Assert.ThrowsAsync<ArgumentException>(() => requests.ChangeStatusAsync(request.Id, request.Version, PrivacyRequestStatus.Rejected, "  ", Officer));
        await requests.ChangeStatusAsync(request.Id, request.Version, PrivacyRequestStatus.Rejected, "Identity could not be verified", Officer);

        var detail = (await requests.GetAsync(request.Id))!;
        Assert.Equal(PrivacyRequestStatus.Rejected, detail.Request.Status);
        Assert.Equal(CoreHost.Now.UtcDateTime, detail.Request.CompletedAt);
        Assert.False(detail.IsOpen);
        Assert.Equal("Identity could not be verified", detail.History.Last().Note);
        // Closed stays closed; a note may still be added.
        await Assert.ThrowsAsync<PrivacyRequestConflictException>(() =>
            requests.ChangeStatusAsync(request.Id, detail.Request.Version, PrivacyRequestStatus.InProgress, null, Officer));
        await requests.AddNoteAsync(request.Id, detail.Request.Version, "Told the person by letter", Officer);
    }

    [Fact]
    public async Task ChangeAsync_WithAStaleVersion_IsAConflict()
    {
        var request = await FileAsync();
        await requests.AssignAsync(request.Id, request.Version, "officer-1", Officer);

        await Assert.ThrowsAsync<PrivacyRequestConflictException>(() =>
            requests.SetVerificationAsync(request.Id, request.Version, IdentityVerification.Verified, null, Officer));
    }

    [Fact]
    public async Task EveryAction_WritesHistoryAndAudit_WithoutPersonalData()
    {
        var request = await FileAsync();
        var v = await requests.AssignAsync(request.Id, request.Version, "officer-1", Officer);
        v = await requests.SetVerificationAsync(request.Id, v, IdentityVerification.Failed, $"No reply from {Contact}", Officer);
        v = await requests.SetVerificationAsync(request.Id, v, IdentityVerification.Verified, null, Officer);
        v = await requests.ChangeStatusAsync(request.Id, v, PrivacyRequestStatus.InProgress, null, Officer);
        v = await requests.AddNoteAsync(request.Id, v, $"Called {Contact} back", Officer);
        await requests.FindProfilesAsync(request.Id, Contact, Officer);
        v = await requests.ChangeStatusAsync(request.Id, v, PrivacyRequestStatus.Rejected, $"{Contact} withdrew the request", Officer);

        var detail = (await requests.GetAsync(request.Id))!;
        Assert.Equal(["received", "assigned", "verification:Failed", "verification:Verified", "status:InProgress", "note", "status:Rejected"],
            detail.History.Select(h => h.Action));
        Assert.All(detail.History, h => Assert.Equal("officer-1", h.UserId));
        Assert.Equal(7, v);

        await using var store = await test.Stores.CreateDbContextAsync();
        var audit = await store.AuditLog.AsNoTracking().Where(a => a.TargetType == "privacy-request").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["privacy-request.received", "privacy-request.assigned", "privacy-request.verification", "privacy-request.verification",
                "privacy-request.status", "privacy-request.note", "privacy-request.profile-searched", "privacy-request.status"],
            audit.Select(a => a.Action));
        Assert.All(audit, a =>
        {
            Assert.Equal(request.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), a.TargetId);
            Assert.Equal("Pat Privacy", a.UserName);
            Assert.DoesNotContain("maria", a.Details!, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("4471", a.Details!);
            Assert.DoesNotContain("withdrew", a.Details!);
        });
    }

    [Fact]
    public async Task FileAsync_WithoutContact_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            requests.FileAsync(new NewPrivacyRequest(PrivacyRequestType.Access, Regulation.Gdpr, " ", null, "portal"), Officer));
    }
}
