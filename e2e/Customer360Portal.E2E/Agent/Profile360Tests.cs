using System.Diagnostics;
using System.Globalization;

namespace Customer360Portal.E2E.Agent;

/// <summary>
/// The agent's 360 view end to end: a customer arrives through the real ingest API; the agent finds them by a misspelt
/// name, opens the profile, filters the timeline, adds a note, and sees an interaction the source pushes a moment later
/// appear on the open page without reloading it. Screenshots of the profile are kept as artefacts.
/// </summary>
public sealed class Profile360Tests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    private static string Iso(DateTime at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static object Order(string number, string email, string total, DateTime placedAt) => new
    {
        kind = "order",
        data = new
        {
            orderNumber = number, placedAt = Iso(placedAt), currency = "GBP", total, status = "paid", email,
            lines = new[] { new { sku = "SKU-KETTLE", name = "Kettle", category = "Kitchen", quantity = 1, unitPrice = total } },
        },
    };

    private static object EmailEvent(string id, string email, string type, DateTime at) => new
    {
        kind = "email_event",
        data = new { eventId = id, email, type, occurredAt = Iso(at), campaignId = "e2e-winter", url = "https://example.com/winter" },
    };

    [Fact]
    public async Task Agent_FindsAMisspeltName_FiltersTheTimeline_AddsANote_AndSeesANewInteractionLive()
    {
        var suffix = DateTime.UtcNow.ToString("HHmmssfff", CultureInfo.InvariantCulture);
        var email = $"jonathan.featherstonehaugh.{suffix}@example.com";
        var now = DateTime.UtcNow;

        // A source pushes the customer: a contact, two orders and an email the customer opened.
        var admin = await NewSignedInPageAsync(PortalAccount.Admin);
        var secret = await IngestClient.IssueKeyAsync(admin, "Email platform");
        await IngestClient.PostAsync(Portal.BaseAddress, secret, "email",
            new
            {
                kind = "contact",
                data = new
                {
                    id = $"E2E-{suffix}", updatedAt = Iso(now.AddDays(-60)), firstName = "Jonathan", lastName = "Featherstonehaugh", email,
                    address = new { line1 = "4 Orchard Lane", city = "York", postcode = "YO1 7HH", country = "GB" },
                },
            },
            Order($"E2E-{suffix}-1", email, "45.90", now.AddDays(-40)),
            Order($"E2E-{suffix}-2", email, "12.00", now.AddDays(-10)),
            EmailEvent($"e2e-open-{suffix}", email, "opened", now.AddDays(-5)));

        // The agent searches by a misspelt, shortened name (the "/" shortcut focuses the search box).
        var page = await NewSignedInPageAsync(PortalAccount.Agent);
        await page.GotoAsync(PortalArea.Customers.Path);
        await page.WaitForInteractiveAsync();
        var result = page.GetByTestId("search-result").Filter(new() { HasText = "Jonathan Featherstonehaugh" });
        // The search index catches up with new profiles every few seconds: search again until the customer is found.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await page.Keyboard.PressAsync("/");
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.TypeAsync("jon fetherstonehaugh");
            await page.Keyboard.PressAsync("Enter");
            try
            {
                await Expect(result).ToHaveCountAsync(1, new() { Timeout = 2_000 });
                break;
            }
            catch (PlaywrightException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
            }
        }
        await result.ClickAsync();

        // The profile: golden record, key figures, journey and the timeline.
        await Expect(page.GetByTestId("profile-name")).ToHaveTextAsync("Jonathan Featherstonehaugh");
        await Expect(page.GetByTestId("metric-orders")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("metric-ltv")).ToContainTextAsync("57.90");
        await Expect(page.GetByTestId("churn-risk")).ToContainTextAsync("No model yet");
        await Expect(page.GetByTestId("journey-stage")).ToBeVisibleAsync();
        var entries = page.GetByTestId("timeline-entry");
        await Expect(entries).ToHaveCountAsync(3);
        await page.SaveScreenshotAsync("profile-360", Output);

        // Only the orders, then everything again.
        await page.Locator("[data-testid=category-chip][data-category=Orders]").ClickAsync();
        await Expect(entries).ToHaveCountAsync(2);
        await Expect(entries.First).ToContainTextAsync($"E2E-{suffix}-2");
        await Expect(page.GetByTestId("timeline-count")).ToContainTextAsync("2 of 3 entries match");
        await page.SaveScreenshotAsync("profile-timeline-filtered", Output);
        await page.GetByTestId("timeline-clear").ClickAsync();
        await Expect(entries).ToHaveCountAsync(3);

        // An entry opens with the source record behind it.
        await entries.Filter(new() { HasText = $"E2E-{suffix}-1" }).ClickAsync();
        var detail = page.GetByTestId("timeline-detail");
        await Expect(detail.GetByTestId("timeline-detail-source")).ToContainTextAsync($"order E2E-{suffix}-1");
        await page.GetByTestId("timeline-detail-close").ClickAsync();
        await Expect(page.GetByTestId("timeline-detail-source")).ToHaveCountAsync(0);

        // A note, attributed to the agent, goes to the top of the timeline.
        await page.GetByTestId("notes-panel").Locator("textarea").FillAsync("Called about the kettle order; happy with the refund.");
        await page.GetByTestId("note-add").ClickAsync();
        await Expect(entries.First).ToContainTextAsync("Called about the kettle order");
        await Expect(entries.First).ToHaveAttributeAsync("data-kind", "Note");

        // The email platform pushes a click: it shows on the open profile without a reload.
        var clicked = Stopwatch.StartNew();
        await IngestClient.PostAsync(Portal.BaseAddress, secret, "email", EmailEvent($"e2e-click-{suffix}", email, "clicked", DateTime.UtcNow.AddSeconds(-1)));
        var pushed = clicked.Elapsed;
        await Expect(page.Locator("[data-testid=timeline-entry][data-type='email.clicked']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        Output.WriteLine($"The pushed click showed on the open profile {(clicked.Elapsed - pushed).TotalMilliseconds:0} ms after the ingest API answered.");
        await Expect(entries).ToHaveCountAsync(5);
        await Expect(page.GetByTestId("live-updated")).ToBeVisibleAsync();
        await page.SaveScreenshotAsync("profile-live-update", Output);

        Assert.Empty(BrowserErrors);
    }
}
