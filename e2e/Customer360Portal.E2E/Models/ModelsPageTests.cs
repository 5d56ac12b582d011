namespace Customer360Portal.E2E.Models;

/// <summary>
/// The models page on the small demo company: too few customers for a churn model, said plainly; marketers read, an
/// admin's "Train now" runs in the background and its outcome reaches the open page without a reload.
/// </summary>
public sealed class ModelsPageTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    [Fact]
    public async Task ModelsPage_MarketerReads_AdminTrainsNow_AndTheOutcomeArrivesLive()
    {
        var marketer = await NewSignedInPageAsync(PortalAccount.Marketer);
        await marketer.GotoAsync("");
        await marketer.WaitForInteractiveAsync();
        await marketer.Navigation().GetByRole(AriaRole.Link, new() { Name = "Models", Exact = true }).ClickAsync();
        await Expect(marketer.GetByRole(AriaRole.Heading, new() { Name = "Prediction models", Exact = true })).ToBeVisibleAsync();
        await marketer.WaitForInteractiveAsync();
        await Expect(marketer.GetByTestId("empty-state")).ToContainTextAsync("No churn model yet", new() { Timeout = 30_000 });
        await Expect(marketer.GetByTestId("empty-state")).ToContainTextAsync("at least 200");
        await Expect(marketer.GetByTestId("read-only-note")).ToBeVisibleAsync();
        await Expect(marketer.GetByRole(AriaRole.Button, new() { Name = "Train now", Exact = true })).ToHaveCountAsync(0);

        var admin = await NewSignedInPageAsync(PortalAccount.Admin);
        await admin.GotoAsync("models");
        await admin.WaitForInteractiveAsync();
        var trainNow = admin.GetByRole(AriaRole.Button, new() { Name = "Train now", Exact = true });
        await Expect(trainNow).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await trainNow.ClickAsync();

        // The job service picks the request up within seconds; the page hears of the outcome by itself.
        var history = admin.GetByTestId("job-history");
        var latest = history.Locator("tbody tr").First;
        await Expect(latest).ToContainTextAsync("Training");
        await Expect(latest).ToContainTextAsync("Not enough data to train a churn model", new() { Timeout = 60_000 });
        await Expect(latest.Locator(".mud-chip")).ToHaveTextAsync("Failed");
        await Expect(trainNow).ToBeEnabledAsync();
        // The marketer's open page shows the same job without reloading.
        await Expect(marketer.GetByTestId("job-history")).ToContainTextAsync("Not enough data", new() { Timeout = 30_000 });
        await admin.SaveScreenshotAsync("models-empty", Output);
    }
}
