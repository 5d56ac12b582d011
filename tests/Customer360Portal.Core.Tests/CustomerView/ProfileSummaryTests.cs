using Customer360Portal.Core.Audit;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.CustomerView;

/// <summary>The profile header's figures, notes and follow-up tasks, and what each role sees of sensitive values.</summary>
public class ProfileSummaryTests
{
    private static readonly AuditActor Agent = new("user-1", "agent@example.com");

    [Fact]
    public async Task KeyFigures_CountOpenTicketsRatingsAndLastContact()
    {
        var (test, id) = await CustomerViewTestData.CustomerAsync();
        await using var _ = test;

        var summary = await test.Get<ProfileSummaries>().LoadAsync(id);

        var figures = summary!.Figures;
        Assert.Equal((2, 5790L, "GBP"), (figures.Orders, figures.LifetimeValueMinor, figures.Currency));
        Assert.Equal(new DateTime(2026, 11, 2, 16, 0, 0, DateTimeKind.Utc), figures.LastPurchaseAt);
        Assert.Equal(1, figures.OpenTickets);
        Assert.Equal(new SatisfactionFigure(3.5, 2), figures.Satisfaction);
        Assert.Equal(new LastContact(new DateTime(2026, 11, 10, 11, 0, 0, DateTimeKind.Utc), InteractionChannel.Chat, "ticket.opened"), figures.LastContact);
        Assert.Null(summary.ChurnRisk);
    }

    [Fact]
    public async Task SolvingATicket_LeavesNoOpenTicket()
    {
        var (test, id) = await CustomerViewTestData.CustomerAsync();
        await using var _ = test;
        await test.Get<Core.Ingestion.IntakePipeline>().IngestAsync("helpdesk", [CustomerViewTestData.Ticket("T-3", "solved", "2026-11-12T10:00:00Z")]);
        await test.Get<ProfileProjection>().CatchUpAsync();

        var summary = await test.Get<ProfileSummaries>().LoadAsync(id);

        Assert.Equal(0, summary!.Figures.OpenTickets);
    }

    [Fact]
    public async Task Notes_AreAttributedAudited_AndFollowUpsCompleted()
    {
        var (test, id) = await CustomerViewTestData.CustomerAsync();
        await using var _ = test;
        var notes = test.Get<CustomerNotes>();
        var announced = new List<long>();
        test.Get<ProfileChangeNotifier>().ProfilesChanged += ids => announced.AddRange(ids);

        await notes.AddAsync(id, "Asked for a call back about the refund.", new DateOnly(2026, 12, 2), Agent);
        var before = await test.Get<ProfileSummaries>().LoadAsync(id);
        await notes.CompleteTaskAsync(id, before!.OpenTasks.Single().NoteId, Agent);
        var after = await test.Get<ProfileSummaries>().LoadAsync(id);

        var task = before.OpenTasks.Single();
        Assert.Equal(("user-1", new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc)), (task.AuthorUserId, task.DueAt));
        Assert.Empty(after!.OpenTasks);
        Assert.Equal([id, id], announced);
        await using var store = await test.Stores.CreateDbContextAsync();
        var audit = await store.AuditLog.Where(a => a.Action == "task.added" || a.Action == "task.completed").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["task.added", "task.completed"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.DoesNotContain("refund", a.Details));
        await Assert.ThrowsAsync<ArgumentException>(() => notes.AddAsync(id, "   ", null, Agent));
    }

    [Theory]
    [InlineData(PortalRoles.Agent, "jonathan.smith@example.com", "+447700900123", "****-**-** (born 1984)")]
    [InlineData(PortalRoles.Admin, "j***@example.com", "+*********123", "****-**-** (born 1984)")]
    [InlineData(PortalRoles.PrivacyOfficer, "jonathan.smith@example.com", "+447700900123", "1984-03-14")]
    public void Masking_ShowsEachRoleWhatItsWorkNeeds(string role, string email, string phone, string dateOfBirth)
    {
        var masking = ProfileMasking.ForRoles([role]);

        Assert.Equal(email, masking.Email("jonathan.smith@example.com"));
        Assert.Equal(phone, masking.Phone("+447700900123"));
        Assert.Equal(dateOfBirth, masking.DateOfBirth(new DateOnly(1984, 3, 14)));
        Assert.Equal(email, masking.Field(nameof(Customer.Email), "jonathan.smith@example.com"));
    }

    [Fact]
    public void Masking_WithSeveralRoles_ShowsWhatAnyOfThemMay()
    {
        var masking = ProfileMasking.ForRoles([PortalRoles.Admin, PortalRoles.Agent]);

        Assert.True(masking.Shows(SensitiveField.Email));
        Assert.False(masking.Shows(SensitiveField.DateOfBirth));
        Assert.True(masking.MasksAnything);
        Assert.False(ProfileMasking.ForRoles([PortalRoles.PrivacyOfficer]).MasksAnything);
    }
}
