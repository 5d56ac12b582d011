using Customer360Portal.Core.Audit;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.CustomerView;

/// <summary>The unified timeline on a real SQLite store: one stream, the agent's filters, paging, and the source record behind an entry.</summary>
public class CustomerTimelineTests
{
    private static readonly AuditActor Agent = new("user-1", "agent@example.com");

    private static async Task AddConsentAsync(Customer360Portal.Tests.Shared.TestProfileStore test, long customerId, DateTime at)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        store.ConsentEvents.Add(new ConsentEvent
        {
            CustomerId = customerId, OriginCustomerId = customerId, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Withdrawn,
            LawfulBasis = LawfulBasis.Consent, SourceKey = "crm", EffectiveAt = at, RecordedAt = at, Evidence = "preference centre",
        });
        await store.SaveChangesAsync();
    }

    [Fact]
    public async Task Page_MixesInteractionsNotesAndConsent_NewestFirst()
    {
        var (test, id) = await CustomerViewTestData.CustomerAsync();
        await using var _ = test;
        await AddConsentAsync(test, id, new DateTime(2026, 11, 5, 8, 0, 0, DateTimeKind.Utc));
        await test.Get<CustomerNotes>().AddAsync(id, "Called about the refund, promised an update by Friday.", null, Agent);

        var page = await test.Get<CustomerTimeline>().PageAsync(id, TimelineFilter.All, 0, 100);

        Assert.Equal(page.Items.Count, page.Total);
        Assert.Equal(page.Items.OrderByDescending(e => e.OccurredAt).Select(e => e.Key), page.Items.Select(e => e.Key));
        Assert.Equal(TimelineEntryKind.Note, page.Items[0].Kind); // written "now", after every source event
        Assert.Contains(page.Items, e => e is { Kind: TimelineEntryKind.Consent, Summary: "Consent for email marketing: withdrawn" });
        Assert.Contains(page.Items, e => e is { Category: TimelineCategory.Orders, Reference: "ORD-10023" });
        Assert.Equal(3, page.Items.Count(e => e.Category == TimelineCategory.Tickets));
        Assert.Equal(5, page.Items.Single(e => e.Reference == "T-1").Satisfaction);
    }

    [Fact]
    public async Task Filters_ByCategoryChannelDateAndText_NarrowTheStream()
    {
        var (test, id) = await CustomerViewTestData.CustomerAsync();
        await using var _ = test;
        await test.Get<CustomerNotes>().AddAsync(id, "Prefers phone calls in the morning.", null, Agent);
        var timeline = test.Get<CustomerTimeline>();

        var orders = await timeline.PageAsync(id, new TimelineFilter { Categories = new HashSet<TimelineCategory> { TimelineCategory.Orders } }, 0, 100);
        var phone = await timeline.PageAsync(id, new TimelineFilter { Channels = new HashSet<InteractionChannel> { InteractionChannel.Phone } }, 0, 100);
        var agentNotes = await timeline.PageAsync(id, new TimelineFilter { Channels = new HashSet<InteractionChannel> { InteractionChannel.Agent } }, 0, 100);
        var october = await timeline.PageAsync(id, new TimelineFilter { From = new DateOnly(2026, 10, 6), To = new DateOnly(2026, 10, 31) }, 0, 100);
        var refund = await timeline.PageAsync(id, new TimelineFilter { Text = "refund" }, 0, 100);
        var byNumber = await timeline.PageAsync(id, new TimelineFilter { Text = "ord-10077" }, 0, 100);
        var morning = await timeline.PageAsync(id, new TimelineFilter { Text = "MORNING" }, 0, 100);
        var nothing = await timeline.PageAsync(id, new TimelineFilter { Text = "100%_" }, 0, 100);

        Assert.Equal(["ORD-10077", "ORD-10023"], orders.Items.Select(e => e.Reference));
        Assert.Equal(["T-2"], phone.Items.Select(e => e.Reference));
        Assert.Equal([TimelineEntryKind.Note], agentNotes.Items.Select(e => e.Kind));
        Assert.Equal(["T-2", "T-1"], october.Items.Select(e => e.Reference));
        Assert.Equal(["T-3"], refund.Items.Select(e => e.Reference));
        Assert.Equal(["ORD-10077"], byNumber.Items.Select(e => e.Reference));
        Assert.Equal([TimelineEntryKind.Note], morning.Items.Select(e => e.Kind));
        Assert.Empty(nothing.Items);
    }

    [Fact]
    public async Task Pages_OfALongTimeline_CoverEveryEntryOnce()
    {
        var (test, id) = await CustomerViewTestData.CustomerAsync();
        await using var _ = test;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            // Same timestamps in pairs: the order must still be total, or pages would repeat or skip entries.
            store.Interactions.AddRange(Enumerable.Range(0, 600).Select(i => new Interaction
            {
                CustomerId = id, SourceKey = "web", Type = "page.viewed", Channel = InteractionChannel.Web, OccurredAt = start.AddHours(i / 2),
                Summary = $"Viewed page {i}",
            }));
            await store.SaveChangesAsync();
        }
        var timeline = test.Get<CustomerTimeline>();

        var seen = new List<string>();
        int total = 0;
        for (var skip = 0; ; skip += 100)
        {
            var page = await timeline.PageAsync(id, TimelineFilter.All, skip, 100);
            total = page.Total;
            if (page.Items.Count == 0) break;
            seen.AddRange(page.Items.Select(e => e.Key));
        }
        var facets = await timeline.FacetsAsync(id);

        Assert.Equal(605, total);
        Assert.Equal(total, seen.Distinct().Count());
        Assert.Equal(total, seen.Count);
        Assert.Equal(600, facets.Categories[TimelineCategory.Web]);
        Assert.Equal(3, facets.Categories[TimelineCategory.Tickets]);
        Assert.Equal(total, facets.Total);
    }

    [Fact]
    public async Task Detail_ShowsTheSourceRecord_MaskedForTheRole_AndAuditsIt()
    {
        var (test, id) = await CustomerViewTestData.CustomerAsync();
        await using var _ = test;
        var timeline = test.Get<CustomerTimeline>();
        var ticket = (await timeline.PageAsync(id, new TimelineFilter { Text = "T-2" }, 0, 10)).Items.Single();

        var forAgent = await timeline.DetailAsync(id, ticket.Kind, ticket.Id, ProfileMasking.ForRoles([PortalRoles.Agent]), Agent);
        var forAdmin = await timeline.DetailAsync(id, ticket.Kind, ticket.Id, ProfileMasking.ForRoles([PortalRoles.Admin]), Agent);
        var forPrivacy = await timeline.DetailAsync(id, ticket.Kind, ticket.Id, ProfileMasking.ForRoles([PortalRoles.PrivacyOfficer]), Agent);

        Assert.NotNull(forAgent?.Source);
        Assert.Equal(("helpdesk", "T-2"), (forAgent.Source.SourceKey, forAgent.Source.ExternalId));
        Assert.Contains(forAgent.Facts, f => f is { Name: "Satisfaction", Value: "2 of 5" });
        Assert.Contains(forAgent.Source.Fields, f => f is { Name: "Email", Value: CustomerViewTestData.Email });
        Assert.Contains(forAdmin!.Source!.Fields, f => f is { Name: "Email", Value: "j***@example.com" });
        Assert.Null(forAgent.Source.RawPayload);
        Assert.Contains("\"ticketId\":\"T-2\"", forPrivacy!.Source!.RawPayload);
        await using var store = await test.Stores.CreateDbContextAsync();
        var audited = await store.AuditLog.Where(a => a.Action == "source-record.viewed").ToListAsync();
        Assert.Equal(3, audited.Count);
        Assert.All(audited, a => Assert.DoesNotContain("@", a.Details));
    }
}

public class CustomerTimelineOfferAnswerTests
{
    [Fact]
    public async Task OfferAnswer_ShowsOnTheTimeline_FiltersAndOpens()
    {
        var (test, id) = await CustomerViewTestData.CustomerAsync();
        await using var _ = test;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            store.OfferFeedback.Add(new OfferFeedback
            {
                CustomerId = id, OriginCustomerId = id, OfferCode = "coffee-grinder", Item = "HP-KIT-150", Outcome = OfferOutcome.Declined,
                ModelVersion = "nbo-2", RecordedAt = new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc), RecordedByUserId = "user-1",
            });
            await store.SaveChangesAsync();
        }
        var timeline = test.Get<CustomerTimeline>();

        var all = await timeline.PageAsync(id, TimelineFilter.All, 0, 100);
        var offers = await timeline.PageAsync(id, new TimelineFilter { Categories = new HashSet<TimelineCategory> { TimelineCategory.Offers } }, 0, 100);
        var byWord = await timeline.PageAsync(id, new TimelineFilter { Text = "declined" }, 0, 100);
        var facets = await timeline.FacetsAsync(id);

        var entry = Assert.Single(all.Items, e => e.Kind == TimelineEntryKind.OfferAnswer);
        Assert.Equal(("Offer coffee-grinder declined", TimelineCategory.Offers, InteractionChannel.Agent), (entry.Summary, entry.Category, entry.Channel));
        Assert.Equal([entry.Key], offers.Items.Select(e => e.Key));
        Assert.Contains(byWord.Items, e => e.Key == entry.Key);
        Assert.Equal(1, facets.Categories[TimelineCategory.Offers]);
        var detail = await timeline.DetailAsync(id, TimelineEntryKind.OfferAnswer, entry.Id, ProfileMasking.ForRoles([PortalRoles.Agent]), new("user-1", "agent"));
        Assert.Contains(detail!.Facts, f => f is { Name: "Model", Value: "nbo-2" });
    }
}
