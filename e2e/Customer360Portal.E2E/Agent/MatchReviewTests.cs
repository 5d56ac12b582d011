using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Customer360Portal.E2E.Agent;

/// <summary>
/// An agent works the match review queue the demo company fills: accepts one pair (the profiles merge), opens the
/// surviving profile from the confirmation, checks the lineage of a golden value and unmerges the pair again with a
/// reason; then rejects another pair. Everything goes through the real services on the demo's data.
/// </summary>
public sealed partial class MatchReviewTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    /// <summary>The demo's sources are still backfilling when the portal turns healthy: reviews arrive over the first minute.</summary>
    private static readonly TimeSpan BackfillTimeout = TimeSpan.FromSeconds(90);

    [GeneratedRegex(@"^Profile (\d+)$")]
    private static partial Regex ProfileLink();

    [Fact]
    public async Task Agent_AcceptsAPairAndUnmergesItOnTheProfile_ThenRejectsAnotherPair()
    {
        var page = await NewSignedInPageAsync(PortalAccount.Agent);
        await page.GotoAsync(PortalArea.MatchReview.Path);
        await page.WaitForInteractiveAsync();
        await Expect(page.Heading(PortalArea.MatchReview.Heading, level: 4)).ToBeVisibleAsync();
        var rows = page.GetByTestId("review-table").Locator("tbody tr");
        await WaitForOpenReviewsAsync(page, rows, atLeast: 2);

        // Accept: open the first pair, compare, give a reason.
        await rows.First.ClickAsync();
        var detail = page.GetByTestId("review-detail");
        await Expect(detail.GetByTestId("comparison-table")).ToBeVisibleAsync();
        await Expect(detail.GetByTestId("evidence-table").Or(detail.GetByText("The match model compared no fields"))).ToBeVisibleAsync();
        var left = await ProfileIdAsync(detail.GetByTestId("left-profile-link"));
        var right = await ProfileIdAsync(detail.GetByTestId("right-profile-link"));
        Output.WriteLine($"Accepting the pair of profiles {left} and {right}");
        await page.SaveScreenshotAsync("match-review", Output);

        await detail.GetByRole(AriaRole.Button, new() { Name = "Accept: same person", Exact = true }).ClickAsync();
        await ConfirmWithReasonAsync(page, "Merge the profiles", "e2e: same person, confirmed with the customer");
        await Expect(page.GetByText($"Accepted: profiles {left} and {right} are now one profile.")).ToBeVisibleAsync();
        await Expect(rows.Filter(new() { HasText = $"profiles {left} and {right}" })).ToHaveCountAsync(0);

        // The confirmation leads to the surviving profile, which shows the merge with its evidence.
        await page.GetByRole(AriaRole.Button, new() { Name = "Open profile", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(PortalPage.UrlOf($"customers/{left}"));
        await Expect(page.GetByTestId("golden-record")).ToBeVisibleAsync();
        var merge = page.GetByTestId("merge").Filter(new() { HasText = $"Profile {right} merged into this profile" });
        await Expect(merge).ToHaveCountAsync(1);
        await Expect(merge.GetByTestId("merge-facts")).ToContainTextAsync("Rule manual (accepted by a reviewer)");
        await Expect(merge.GetByTestId("merge-facts")).ToContainTextAsync("by Alex Agent");

        // A golden value tells where it came from.
        var value = page.Locator("[data-testid=golden-value][data-lineage]").First;
        var lineage = await value.GetAttributeAsync("data-lineage");
        Assert.NotNull(lineage);
        await value.HoverAsync();
        await Expect(page.Locator(".mud-tooltip").Filter(new() { HasText = lineage })).ToBeVisibleAsync();
        Output.WriteLine($"Lineage of the first golden value: {lineage}");
        await page.SaveScreenshotAsync("profile-identity-graph", Output);

        // Unmerge with a reason: the merge is marked undone and the other profile is back on its own.
        await merge.GetByRole(AriaRole.Button, new() { Name = "Unmerge", Exact = true }).ClickAsync();
        await ConfirmWithReasonAsync(page, "Unmerge", "e2e: two people after all");
        await Expect(page.GetByText($"Profile {right} was split off this profile and restored.")).ToBeVisibleAsync();
        await Expect(merge.GetByTestId("merge-undone")).ToBeVisibleAsync();
        await Expect(merge.GetByRole(AriaRole.Button, new() { Name = "Unmerge", Exact = true })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Open profile {right}", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(PortalPage.UrlOf($"customers/{right}"));
        await Expect(page.GetByTestId("profile-status")).ToHaveTextAsync("Active");
        await Expect(page.GetByTestId("merged-notice")).ToHaveCountAsync(0);

        // Reject another pair: it leaves the queue for good.
        await page.NavigateInAppAsync(PortalArea.MatchReview.Path);
        await OpenFirstReviewAsync(page, rows);
        var otherLeft = await ProfileIdAsync(detail.GetByTestId("left-profile-link"));
        var otherRight = await ProfileIdAsync(detail.GetByTestId("right-profile-link"));
        Assert.NotEqual((left, right), (otherLeft, otherRight));
        await detail.GetByRole(AriaRole.Button, new() { Name = "Reject: different people", Exact = true }).ClickAsync();
        await ConfirmWithReasonAsync(page, "Keep them apart", "e2e: different people");
        await Expect(page.GetByText($"Rejected: profiles {otherLeft} and {otherRight} stay apart and will not be proposed again.")).ToBeVisibleAsync();
        await Expect(rows.Filter(new() { HasText = $"profiles {otherLeft} and {otherRight}" })).ToHaveCountAsync(0);
        await Expect(detail).ToHaveCountAsync(0);
    }

    /// <summary>Fills the reason dialog and confirms; the dialog closes.</summary>
    private static async Task ConfirmWithReasonAsync(IPage page, string confirm, string reason)
    {
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason" }).FillAsync(reason);
        await dialog.GetByRole(AriaRole.Button, new() { Name = confirm, Exact = true }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
    }

    private static async Task<long> ProfileIdAsync(ILocator link)
    {
        var match = ProfileLink().Match((await link.InnerTextAsync()).Trim());
        Assert.True(match.Success, "The comparison names both profiles.");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Opens the first open pair. The demo keeps sending records while the test runs, and a pair can leave the queue
    /// between listing and clicking (new records joined or separated the two profiles): then the list is read again.
    /// </summary>
    private async Task OpenFirstReviewAsync(IPage page, ILocator rows)
    {
        for (var attempt = 1; ; attempt++)
        {
            await WaitForOpenReviewsAsync(page, rows, atLeast: 1);
            try
            {
                await rows.First.ClickAsync(new() { Timeout = 5_000 });
                await Expect(page.GetByTestId("review-detail")).ToBeVisibleAsync(new() { Timeout = 5_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
                Output.WriteLine("The listed pair left the queue before it opened; reading the queue again.");
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                Output.WriteLine("The listed pair left the queue before it opened; reading the queue again.");
            }
        }
    }

    /// <summary>
    /// Waits (checking again on the page) until the queue shows enough open pairs, and fails if it never does: the
    /// demo data must produce them.
    /// </summary>
    private async Task WaitForOpenReviewsAsync(IPage page, ILocator rows, int atLeast)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await Expect(page.GetByTestId("review-table").Or(page.GetByTestId("empty-state"))).ToBeVisibleAsync();
            var count = await rows.CountAsync();
            if (count >= atLeast)
            {
                Output.WriteLine($"{count} open reviews listed after {clock.Elapsed.TotalSeconds:0} s");
                return;
            }
            Assert.True(clock.Elapsed < BackfillTimeout,
                $"The demo data gave {count} open reviews within {BackfillTimeout.TotalSeconds:0} s; this test needs at least {atLeast}.");
            await Task.Delay(3_000);
            await page.GetByTestId("refresh").First.ClickAsync();
        }
    }
}
