using Bunit;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Customers;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace Customer360Portal.Web.Tests.Components.Pages.Customers;

/// <summary>The next best offer on the profile: the offer and its reason, the agent's answer, and the states without an offer.</summary>
public class NextBestOfferPanelTests : PortalTestContext
{
    private static readonly DateTime Now = new(2026, 11, 28, 9, 0, 0, DateTimeKind.Utc);
    private static readonly AuditActor Agent = new("agent-1", "Agent");

    private async Task<(TestProfileStore Store, long Id)> CustomerAsync(bool withOffer, bool withModel = true)
    {
        var store = await UseProfileStoreAsync();
        await using var db = await store.Stores.CreateDbContextAsync();
        var customer = new Customer { Status = CustomerStatus.Active, CreatedAt = Now, UpdatedAt = Now };
        db.Customers.Add(customer);
        db.Offers.Add(new MarketingOffer { Code = "coffee-grinder", Title = "Burr Coffee Grinder", Description = "Freshly ground coffee.", Kind = OfferKind.Product, Sku = "HP-KIT-150", Active = true, CreatedAt = Now, UpdatedAt = Now });
        if (withModel)
            db.PredictionModels.Add(new PredictionModel { Kind = ScoreKind.NextBestOffer, Version = "nbo-2", TrainedAt = Now, Active = true, ModelBytes = [1] });
        await db.SaveChangesAsync();
        if (withOffer)
        {
            db.Scores.Add(new CustomerScore
            {
                CustomerId = customer.Id, OriginCustomerId = customer.Id, Kind = ScoreKind.NextBestOffer, ModelVersion = "nbo-2", Value = 0.81, Label = "coffee-grinder",
                ReasonsJson = """["bought Cast Iron Skillet 26cm; customers who buy Cast Iron Skillet 26cm often buy Burr Coffee Grinder","2 of the 3 products they bought are Kitchen"]""",
                ScoredAt = Now,
            });
            await db.SaveChangesAsync();
        }
        return (store, customer.Id);
    }

    private IRenderedComponent<NextBestOfferPanel> RenderPanel(long id, bool mayRecord = true)
    {
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        return Render<NextBestOfferPanel>(p => p.Add(x => x.CustomerId, id).Add(x => x.Actor, Agent).Add(x => x.MayRecord, mayRecord));
    }

    [Fact]
    public async Task Offer_ShowsTitleReasonsInPlainWordsAndModelVersion()
    {
        var (_, id) = await CustomerAsync(withOffer: true);

        var panel = RenderPanel(id);

        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=offer]")), WaitTimeout);
        Assert.Contains("Burr Coffee Grinder", panel.Find("[data-testid=offer-title]").TextContent);
        var reasons = panel.FindAll("[data-testid=offer-reasons] li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(["bought Cast Iron Skillet 26cm; customers who buy Cast Iron Skillet 26cm often buy Burr Coffee Grinder", "2 of the 3 products they bought are Kitchen"], reasons);
        Assert.Contains("nbo-2", panel.Find("[data-testid=offer-model]").TextContent);
        Assert.Single(panel.FindAll("[data-testid=offer-accept]"));
        Assert.Single(panel.FindAll("[data-testid=offer-decline]"));
    }

    [Theory]
    [InlineData("offer-accept", OfferOutcome.Accepted, "accepted")]
    [InlineData("offer-decline", OfferOutcome.Declined, "declined")]
    public async Task Answer_IsRecordedAndShownInTheHistory(string button, OfferOutcome outcome, string word)
    {
        var (store, id) = await CustomerAsync(withOffer: true);
        var panel = RenderPanel(id);
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll($"[data-testid={button}]")), WaitTimeout);

        panel.Find($"[data-testid={button}] button, button[data-testid={button}]").Click();

        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=offer-answer]")), WaitTimeout);
        Assert.Contains($"{word} Burr Coffee Grinder", panel.Find("[data-testid=offer-history]").TextContent);
        Assert.Empty(panel.FindAll("[data-testid=offer]"));
        await using var db = await store.Stores.CreateDbContextAsync();
        var recorded = await db.OfferFeedback.SingleAsync();
        Assert.Equal((id, "coffee-grinder", outcome, "HP-KIT-150", "agent-1"), (recorded.CustomerId, recorded.OfferCode, recorded.Outcome, recorded.Item, recorded.RecordedByUserId));
    }

    [Fact]
    public async Task NoOffer_WithAModel_SaysWhyThereIsNone()
    {
        var (_, id) = await CustomerAsync(withOffer: false);

        var panel = RenderPanel(id);

        panel.WaitForAssertion(() => Assert.Contains("No offer for this customer right now", panel.Find("[data-testid=next-best-offer-none]").TextContent), WaitTimeout);
        Assert.Empty(panel.FindAll("[data-testid=offer-accept]"));
    }

    [Fact]
    public async Task NoModel_SaysNoModelYet()
    {
        var (_, id) = await CustomerAsync(withOffer: false, withModel: false);

        var panel = RenderPanel(id);

        panel.WaitForAssertion(() => Assert.Contains("No model yet", panel.Find("[data-testid=next-best-offer-none]").TextContent), WaitTimeout);
    }

    [Fact]
    public async Task ViewerWhoDoesNotRecord_SeesTheOfferWithoutButtons()
    {
        var (_, id) = await CustomerAsync(withOffer: true);

        var panel = RenderPanel(id, mayRecord: false);

        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=offer]")), WaitTimeout);
        Assert.Empty(panel.FindAll("[data-testid=offer-accept]"));
        Assert.Empty(panel.FindAll("[data-testid=offer-decline]"));
    }
}
