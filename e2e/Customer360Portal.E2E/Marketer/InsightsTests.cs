using System.Text.RegularExpressions;

namespace Customer360Portal.E2E.Marketer;

/// <summary>
/// A marketer opens the insights dashboard on the demo company, asks for fresh figures, sees the charts drawn (money with
/// its currency) and follows a chart's link to the segment builder with the rules of the people behind it.
/// </summary>
public sealed partial class InsightsTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    [Fact]
    public async Task Marketer_RefreshesInsights_SeesChartsAndOpensTheSegmentBehindAStage()
    {
        var page = await NewSignedInPageAsync(PortalAccount.Marketer);
        await page.GotoAsync("insights");
        await page.WaitForInteractiveAsync();
        await Expect(page.Heading("Insights", 4)).ToBeVisibleAsync();

        // The demo company arrives through the sync services after start-up: refresh until its profiles are in the figures.
        var status = page.GetByTestId("refresh-status");
        var stages = page.GetByTestId("chart-stages");
        var deadline = DateTime.UtcNow.AddMinutes(3);
        do
        {
            await page.GetByTestId("insights-refresh").ClickAsync();
            await Expect(status).ToHaveTextAsync(Pending());
            await Expect(status).ToHaveTextAsync(LastRefresh(), new() { Timeout = 120_000 });
        } while (await stages.CountAsync() == 0 && DateTime.UtcNow < deadline);

        await Expect(stages.Locator("svg").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("insight-stages").GetByTestId("freshness")).ToContainTextAsync("Computed");
        var revenue = page.GetByTestId("chart-revenue");
        await Expect(revenue.Locator("svg").First).ToBeVisibleAsync();
        // The value axis is formatted as money by the chart interop (Intl.NumberFormat with the figures' currency).
        await Expect(revenue.Locator(".apexcharts-yaxis text").Filter(new() { HasTextRegex = Money() }).First).ToBeAttachedAsync();
        await page.SaveScreenshotAsync("marketer-insights", Output);

        var link = page.GetByTestId("insight-stages").GetByTestId("segment-link").First;
        var href = await link.GetAttributeAsync("href");
        Assert.NotNull(href);
        Assert.Matches(SegmentLink(), href);
        var rules = Uri.UnescapeDataString(href![(href.IndexOf("rules=", StringComparison.Ordinal) + 6)..href.IndexOf("&name=", StringComparison.Ordinal)]);
        Assert.StartsWith("""{"type":"group","combinator":"all","rules":[{"type":"field","field":"lifecycleStage","operator":"equals","values":[""", rules);

        // The chart interop's formatters ran without an error in the browser.
        Assert.Empty(BrowserErrors);
        await link.ClickAsync();
        await Expect(page).ToHaveURLAsync(SegmentLink());
    }

    [GeneratedRegex(@"^(Refresh queued|Refreshing)")]
    private static partial Regex Pending();

    [GeneratedRegex(@"^Last refresh \d")]
    private static partial Regex LastRefresh();

    [GeneratedRegex(@"[£$€]\s?\d|\d\s?[£$€]")]
    private static partial Regex Money();

    [GeneratedRegex(@"/segments/new\?rules=%7B.*&name=")]
    private static partial Regex SegmentLink();
}
