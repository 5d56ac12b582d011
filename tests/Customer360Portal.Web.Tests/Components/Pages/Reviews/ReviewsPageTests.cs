using AngleSharp.Dom;
using Bunit;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Reviews;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using static Customer360Portal.Web.Tests.Components.Pages.IdentityTestData;

namespace Customer360Portal.Web.Tests.Components.Pages.Reviews;

public class ReviewsPageTests : PortalTestContext
{
    private IRenderedComponent<MudDialogProvider> dialogs = default!;
    private IRenderedComponent<MudSnackbarProvider> snackbars = default!;

    private async Task<TestProfileStore> StoreAsync()
    {
        var store = await UseProfileStoreAsync(StrictMerging);
        await AddSourcesAsync(store);
        return store;
    }

    private IRenderedComponent<ReviewsPage> RenderAsAgent()
    {
        SignInAs("agent@example.com", PortalRoles.Agent);
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        dialogs = Render<MudDialogProvider>();
        snackbars = Render<MudSnackbarProvider>();
        return Render<ReviewsPage>();
    }

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<ReviewsPage> page) => page.FindAll("[data-testid=review-table] tbody tr");

    private static IElement Row(IRenderedComponent<ReviewsPage> page, long reviewLeftId) =>
        Rows(page).Single(r => r.TextContent.Contains($"profiles {reviewLeftId} and", StringComparison.Ordinal));

    /// <summary>Clicks a decision button and waits for the reason dialog.</summary>
    private IElement OpenReasonDialog(IRenderedComponent<ReviewsPage> page, string button)
    {
        page.Find($"[data-testid={button}]").Click();
        return dialogs.WaitForElement("[data-testid=reason-confirm]", WaitTimeout);
    }

    private async Task<ReviewStatus> StatusAsync(TestProfileStore store, long reviewId)
    {
        await using var db = await store.Stores.CreateDbContextAsync();
        return await db.MatchReviews.Where(r => r.Id == reviewId).Select(r => r.Status).SingleAsync();
    }

    [Fact]
    public async Task EmptyQueue_ShowsAnHonestEmptyState()
    {
        await StoreAsync();

        var page = RenderAsAgent();

        page.WaitForAssertion(() => Assert.Contains("No pairs wait for review", page.Find("[data-testid=empty-state]").TextContent), WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=review-table]"));
    }

    [Fact]
    public async Task OpenReview_IsListedWithNamesProbabilityAndTheReasonInPlainWords()
    {
        var store = await StoreAsync();
        var review = await BorderlinePairAsync(store);

        var page = RenderAsAgent();

        page.WaitForAssertion(() => Assert.Single(Rows(page)), WaitTimeout);
        var row = Rows(page)[0];
        Assert.Equal("Katherine Oduya ↔ Kate Oduya", row.QuerySelector("[data-testid=review-names]")!.TextContent.Trim());
        Assert.Equal($"{Math.Round(review.Probability * 100):0} %", row.QuerySelector("[data-testid=review-probability]")!.TextContent.Trim());
        Assert.Equal("similar people, not sure", row.QuerySelector("[data-testid=review-reason]")!.TextContent.Trim());
        Assert.Contains("1 open pair", page.Find("[data-testid=open-count]").TextContent);
    }

    [Fact]
    public async Task SelectingAReview_ShowsBothProfilesSideBySide_HighlightsDifferences_AndAuditsTheOpening()
    {
        var store = await StoreAsync();
        var review = await BorderlinePairAsync(store);
        var page = RenderAsAgent();
        page.WaitForAssertion(() => Assert.Single(Rows(page)), WaitTimeout);

        Rows(page)[0].Click();

        var detail = page.WaitForElement("[data-testid=review-detail]", WaitTimeout);
        IElement Field(string label) => detail.QuerySelectorAll("[data-testid=comparison-row]").Single(r => r.GetAttribute("data-field") == label);
        Assert.Equal(("Katherine", "Kate", "true"), (Field("Given name").QuerySelector("[data-testid=left-value]")!.TextContent,
            Field("Given name").QuerySelector("[data-testid=right-value]")!.TextContent, Field("Given name").GetAttribute("data-differs")));
        Assert.Equal("false", Field("Family name").GetAttribute("data-differs"));
        Assert.Equal("true", Field("Email").GetAttribute("data-differs"));
        Assert.Equal("—", Field("Date of birth").QuerySelector("[data-testid=left-value]")!.TextContent);
        Assert.Contains("value-differs", Field("Given name").QuerySelector("[data-testid=left-value]")!.ClassList);
        Assert.Contains($"customers/{review.LeftCustomerId}", detail.QuerySelector("[data-testid=left-profile-link]")!.GetAttribute("href"));
        // The evidence: the family name agrees and counts for the pair.
        var family = detail.QuerySelectorAll("[data-testid=evidence-row]").Single(r => r.GetAttribute("data-field") == "Family");
        Assert.StartsWith("+", family.QuerySelector("[data-testid=evidence-weight]")!.TextContent);
        Assert.Contains("weight-positive", family.QuerySelector("[data-testid=evidence-weight]")!.ClassList);
        Assert.Equal($"{Math.Round(review.Probability * 100):0} %", detail.QuerySelector("[data-testid=detail-probability]")!.TextContent.Trim());
        await using var db = await store.Stores.CreateDbContextAsync();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "review.opened" && a.TargetId == review.Id.ToString() && a.UserId == "id-of-agent@example.com"));
    }

    [Fact]
    public async Task Reject_WithAReason_RemovesTheReviewAndRecordsTheDecision()
    {
        var store = await StoreAsync();
        var borderline = await BorderlinePairAsync(store);
        var other = await SecondBorderlinePairAsync(store);
        var page = RenderAsAgent();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count), WaitTimeout);
        Row(page, borderline.LeftCustomerId).Click();
        page.WaitForElement("[data-testid=review-detail]", WaitTimeout);

        var confirm = OpenReasonDialog(page, "reject");
        dialogs.Find("textarea").Input("Different people: checked with the customer");
        confirm.Click();

        page.WaitForAssertion(() => Assert.Single(Rows(page)), WaitTimeout);
        Assert.Contains($"profiles {other.LeftCustomerId} and", Rows(page)[0].TextContent);
        Assert.Empty(page.FindAll("[data-testid=review-detail]"));
        Assert.Contains("Rejected: profiles", Services.GetRequiredService<ISnackbar>().ShownSnackbars.Last().Message);
        await using var db = await store.Stores.CreateDbContextAsync();
        var decided = await db.MatchReviews.SingleAsync(r => r.Id == borderline.Id);
        Assert.Equal((ReviewStatus.Rejected, "Different people: checked with the customer", "id-of-agent@example.com"),
            (decided.Status, decided.DecisionReason, decided.DecidedByUserId));
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "review.rejected" && a.TargetId == borderline.Id.ToString()));
        Assert.Equal(2, await db.Customers.CountAsync(c => c.Status == CustomerStatus.Active && (c.Id == borderline.LeftCustomerId || c.Id == borderline.RightCustomerId)));
    }

    [Fact]
    public async Task Reject_WithoutAReason_ShowsAValidationMessageAndChangesNothing()
    {
        var store = await StoreAsync();
        var review = await BorderlinePairAsync(store);
        var page = RenderAsAgent();
        page.WaitForAssertion(() => Assert.Single(Rows(page)), WaitTimeout);
        Rows(page)[0].Click();
        page.WaitForElement("[data-testid=review-detail]", WaitTimeout);

        var confirm = OpenReasonDialog(page, "reject");
        dialogs.Find("textarea").Input("   ");
        confirm.Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Give a reason", dialogs.Markup), WaitTimeout);
        Assert.NotEmpty(dialogs.FindAll("[data-testid=reason-confirm]"));
        Assert.Single(Rows(page));
        Assert.Equal(ReviewStatus.Open, await StatusAsync(store, review.Id));

        // Cancelling closes the dialog and still decides nothing.
        dialogs.Find("[data-testid=reason-cancel]").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=reason-confirm]")), WaitTimeout);
        Assert.Equal(ReviewStatus.Open, await StatusAsync(store, review.Id));
        Assert.NotEmpty(page.FindAll("[data-testid=review-detail]"));
    }

    [Fact]
    public async Task Accept_WithAReason_MergesTheNewerProfileIntoTheOlder_AndLinksToIt()
    {
        var store = await StoreAsync();
        var review = await BorderlinePairAsync(store);
        var page = RenderAsAgent();
        page.WaitForAssertion(() => Assert.Single(Rows(page)), WaitTimeout);
        Rows(page)[0].Click();
        page.WaitForElement("[data-testid=review-detail]", WaitTimeout);

        var confirm = OpenReasonDialog(page, "accept");
        dialogs.Find("textarea").Input("Same person, confirmed by phone");
        confirm.Click();

        page.WaitForAssertion(() => Assert.Contains("No pairs wait for review", page.Find("[data-testid=empty-state]").TextContent), WaitTimeout);
        Assert.Equal(ReviewStatus.Accepted, await StatusAsync(store, review.Id));
        await using (var db = await store.Stores.CreateDbContextAsync())
        {
            var right = await db.Customers.SingleAsync(c => c.Id == review.RightCustomerId);
            Assert.Equal((CustomerStatus.Merged, review.LeftCustomerId), (right.Status, right.MergedIntoId));
            Assert.Equal(CustomerStatus.Active, (await db.Customers.SingleAsync(c => c.Id == review.LeftCustomerId)).Status);
            var merge = await db.Merges.SingleAsync();
            Assert.Equal(("manual", "id-of-agent@example.com"), (merge.Rule, merge.MergedByUserId));
        }
        Assert.Contains($"profiles {review.LeftCustomerId} and {review.RightCustomerId} are now one profile",
            Services.GetRequiredService<ISnackbar>().ShownSnackbars.Last().Message);

        // The snackbar's action opens the surviving profile.
        snackbars.WaitForElement(".mud-snackbar-action-button", WaitTimeout).Click();
        Assert.EndsWith($"/customers/{review.LeftCustomerId}", Services.GetRequiredService<NavigationManager>().Uri);
    }
}
