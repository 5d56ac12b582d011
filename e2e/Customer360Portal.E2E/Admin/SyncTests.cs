using System.Globalization;

namespace Customer360Portal.E2E.Admin;

/// <summary>
/// Demo mode runs five simulated source systems through the real connectors (pull over HTTP, a watched folder, the
/// ingest API); the admin's Sync page shows every one of them receiving data, with counts that balance.
/// </summary>
public sealed class SyncTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    private static readonly string[] DemoSources = ["crm", "shop", "helpdesk", "email", "web"];

    [Fact]
    public async Task SyncPage_InDemoMode_ShowsAllFiveSourcesReceivingWithBalancedCounts()
    {
        var page = await NewSignedInPageAsync(PortalAccount.Admin);
        await page.GotoAsync("admin/sync");
        await page.WaitForInteractiveAsync();

        var table = page.GetByTestId("sources-table");
        foreach (var source in DemoSources)
        {
            var row = table.Locator("tbody tr").Filter(new() { HasText = source });
            // The page refreshes itself from the store every few seconds: wait for data to arrive, no reload.
            await Expect(row.GetByTestId("stored")).Not.ToHaveTextAsync("0", new() { Timeout = 60_000 });
            var received = Count(await row.GetByTestId("received").InnerTextAsync());
            var stored = Count(await row.GetByTestId("stored").InnerTextAsync());
            var duplicates = Count(await row.GetByTestId("duplicates").InnerTextAsync());
            var quarantined = Count(await row.GetByTestId("quarantined").InnerTextAsync());
            Output.WriteLine($"{source}: received {received}, stored {stored}, duplicates {duplicates}, quarantined {quarantined}");
            Assert.True(received > 0);
            // Rows are read in one query, so a row's figures are consistent with each other.
            Assert.Equal(received, stored + duplicates + quarantined);
        }
        await page.SaveScreenshotAsync("sync-demo", Output);
    }

    private static long Count(string text) => long.Parse(text.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
}
