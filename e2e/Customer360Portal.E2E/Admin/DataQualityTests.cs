using System.Globalization;

namespace Customer360Portal.E2E.Admin;

/// <summary>
/// An admin takes a fresh quality snapshot of the demo company, lists the profiles without a date of birth, creates an
/// enrichment task for one, and finds it on that profile's follow-up list.
/// </summary>
public sealed class DataQualityTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 60_000 };

    [Fact]
    public async Task Admin_RefreshesTheSnapshot_AndCreatesAnEnrichmentTaskThatShowsOnTheProfile()
    {
        var admin = await NewSignedInPageAsync(PortalAccount.Admin);
        await admin.GotoAsync(PortalArea.DataQuality.Path);
        await admin.WaitForInteractiveAsync();
        await Expect(admin.Heading(PortalArea.DataQuality.Heading, level: 4)).ToBeVisibleAsync();

        // A snapshot on demand: the button queues a scan, the page shows its progress and then the figures.
        var refresh = admin.GetByTestId("refresh-now");
        await Expect(refresh).ToBeEnabledAsync(new() { Timeout = 60_000 }); // the start-up scan may still be running
        await refresh.ClickAsync();
        await Expect(refresh).ToBeEnabledAsync(new() { Timeout = 60_000 });
        await Expect(admin.GetByTestId("snapshot-info")).ToContainTextAsync("refresh now", new() { Timeout = 60_000 });
        await Expect(admin.GetByTestId("kpi-completeness").GetByTestId("kpi-value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d%$"));
        await Expect(admin.GetByTestId("field-quality").Locator("[data-testid=field-row][data-field=DateOfBirth]")).ToBeVisibleAsync();

        // The demo CRM knows the date of birth of most people, not all: list those without one.
        await admin.GetByTestId("incomplete-filter").ClickAsync();
        await admin.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Date of birth" }).First.ClickAsync();
        var rows = admin.GetByTestId("incomplete-row");
        await Expect(rows.First).ToBeVisibleAsync(Slow);
        await Expect(rows.First).ToContainTextAsync("Date of birth");
        var row = rows.First;
        var id = long.Parse((await row.GetAttributeAsync("data-id"))!, CultureInfo.InvariantCulture);

        await row.Locator("input[type=checkbox]").CheckAsync();
        await admin.Locator("input[data-testid=task-instructions], [data-testid=task-instructions] input").FillAsync("Ask at the next contact");
        await admin.GetByTestId("create-selected").ClickAsync();
        await Expect(admin.Locator(".mud-snackbar").Filter(new() { HasText = "enrichment task" })).ToContainTextAsync("1 enrichment task created");
        await Expect(admin.Locator($"[data-testid=incomplete-row][data-id='{id}'] [data-testid=task-open]")).ToBeVisibleAsync();
        await admin.SaveScreenshotAsync("data-quality", Output);

        // The task is an ordinary follow-up on the profile, where agents work it.
        await admin.GotoAsync($"customers/{id}");
        await admin.WaitForInteractiveAsync();
        await Expect(admin.GetByTestId("notes-panel").GetByTestId("task-text").Filter(new() { HasText = "Data quality: add the missing date of birth." }))
            .ToContainTextAsync("Ask at the next contact", new() { Timeout = 30_000 });
    }
}
