using System.Diagnostics;
using System.Globalization;

namespace Customer360Portal.E2E.Privacy;

/// <summary>
/// A privacy officer handles an erasure request end to end: a customer arrives through the real ingest API; the officer
/// files the request, verifies the person, links the profile, starts the erasure and sees its receipt; the profile is
/// gone, and when the source sends the customer again the ingest API answers "suppressed" and stores nothing.
/// </summary>
public sealed class ErasureRequestTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    private static string Iso(DateTime at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    [Fact]
    public async Task PrivacyOfficer_ErasesAPersonFromARequest_AndTheNextSyncIsSuppressed()
    {
        var suffix = DateTime.UtcNow.ToString("HHmmssfff", CultureInfo.InvariantCulture);
        var email = $"cordelia.abernathy.{suffix}@example.com";
        var now = DateTime.UtcNow;
        object Contact() => new
        {
            kind = "contact",
            data = new { id = $"E2E-ERASE-{suffix}", updatedAt = Iso(now.AddDays(-30)), firstName = "Cordelia", lastName = "Abernathy", email },
        };

        var admin = await NewSignedInPageAsync(PortalAccount.Admin);
        var secret = await IngestClient.IssueKeyAsync(admin, "Email platform");
        await IngestClient.PostAsync(Portal.BaseAddress, secret, "email", Contact(), new
        {
            kind = "email_event",
            data = new { eventId = $"e2e-erase-open-{suffix}", email, type = "opened", occurredAt = Iso(now.AddDays(-2)), campaignId = "e2e-winter" },
        });

        // The officer files the erasure request the person sent, assigns it, verifies them and links their profile.
        var page = await NewSignedInPageAsync(PortalAccount.PrivacyOfficer);
        await page.GotoAsync(PortalArea.Requests.Path);
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("new-request").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.Locator(".mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Erasure" }).First.ClickAsync();
        await dialog.Locator("input[data-testid=new-request-contact], [data-testid=new-request-contact] input").FillAsync(email);
        await dialog.Locator("textarea[data-testid=new-request-details], [data-testid=new-request-details] textarea").FillAsync("Please delete all my data.");
        await dialog.GetByTestId("new-request-file").ClickAsync();

        var detail = page.GetByTestId("request-detail");
        await Expect(detail.GetByTestId("detail-title")).ToContainTextAsync("Erasure");
        await detail.GetByTestId("assign-me").ClickAsync();
        await detail.GetByTestId("mark-verified").ClickAsync();
        await Expect(detail.GetByTestId("detail-verification")).ToHaveTextAsync("Verified");
        var match = detail.GetByTestId("profile-match");
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await detail.GetByTestId("profile-find").ClickAsync();
            try
            {
                await Expect(match).ToHaveCountAsync(1, new() { Timeout = 2_000 });
                break;
            }
            catch (PlaywrightException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
            }
        }
        await match.GetByTestId("profile-link").ClickAsync();
        var profileLink = detail.GetByTestId("detail-profile-link");
        await Expect(profileLink).ToBeVisibleAsync();
        var profilePath = (await profileLink.GetAttributeAsync("href"))!;

        // Erase: confirm with a reason, watch it run, read the receipt.
        await detail.GetByTestId("start-erasure").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).Locator("textarea").First.FillAsync("Identity verified by reply from the address on file.");
        await page.GetByTestId("reason-confirm").ClickAsync();
        await Expect(detail.GetByTestId("erasure-receipt")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(detail.GetByTestId("detail-status")).ToHaveTextAsync("Completed");
        await Expect(detail.GetByTestId("detail-outcome")).ToContainTextAsync("identifier(s) on the suppression list");
        await Expect(detail.GetByTestId("detail-outcome")).ToContainTextAsync("database log cleared");
        await Expect(detail.GetByTestId("detail-contact")).ToHaveTextAsync("[erased]");
        await Expect(page.GetByText(email)).ToHaveCountAsync(0);
        await page.SaveScreenshotAsync("privacy-erasure-receipt", Output);

        // The profile is gone for everyone.
        await page.GotoAsync(profilePath);
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByText("No such profile")).ToBeVisibleAsync();

        // The source sends the person again: nothing is stored, the answer says suppressed.
        var answer = await IngestClient.PostAsync(Portal.BaseAddress, secret, "email", Contact());
        Output.WriteLine($"Ingest answered: {answer}");
        Assert.Contains("\"status\":\"suppressed\"", answer);
        Assert.DoesNotContain("Abernathy", answer);

        Assert.Empty(BrowserErrors);
    }
}
