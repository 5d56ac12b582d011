using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;

namespace Customer360Portal.E2E.Privacy;

/// <summary>
/// A privacy officer handles an access request end to end: a customer arrives through the real ingest API; the officer
/// files the request, assigns it, verifies the person's identity, finds and links the profile by email, downloads the
/// access package (and opens it: person.json names the customer, the readable CSVs are there) and completes the request
/// with the package as its outcome.
/// </summary>
public sealed class AccessRequestTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    private static string Iso(DateTime at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static readonly string[] PackageFiles =
    [
        "README.txt", "person.json", "golden-record.csv", "identifiers.csv", "source-records.csv", "interactions.csv",
        "consent-history.csv", "scores.csv", "notes.csv", "profile-views.csv",
    ];

    [Fact]
    public async Task PrivacyOfficer_HandlesAnAccessRequest_DownloadsAndOpensThePackage_AndCompletesIt()
    {
        var suffix = DateTime.UtcNow.ToString("HHmmssfff", CultureInfo.InvariantCulture);
        var email = $"rosalind.quennell.{suffix}@example.com";
        var now = DateTime.UtcNow;

        // A source pushes the customer: a contact and an order.
        var admin = await NewSignedInPageAsync(PortalAccount.Admin);
        var secret = await IngestClient.IssueKeyAsync(admin, "Email platform");
        await IngestClient.PostAsync(Portal.BaseAddress, secret, "email",
            new
            {
                kind = "contact",
                data = new { id = $"E2E-DSR-{suffix}", updatedAt = Iso(now.AddDays(-30)), firstName = "Rosalind", lastName = "Quennell", email },
            },
            new
            {
                kind = "order",
                data = new
                {
                    orderNumber = $"E2E-DSR-{suffix}-1", placedAt = Iso(now.AddDays(-20)), currency = "GBP", total = "19.99", status = "paid", email,
                    lines = new[] { new { sku = "SKU-TROWEL", name = "Trowel", category = "Garden", quantity = 1, unitPrice = "19.99" } },
                },
            });

        // The privacy officer files the access request the person sent by email.
        var page = await NewSignedInPageAsync(PortalAccount.PrivacyOfficer);
        await page.GotoAsync(PortalArea.Requests.Path);
        await page.WaitForInteractiveAsync();
        await Expect(page.Heading("Data-subject requests", 4)).ToBeVisibleAsync();
        await page.GetByTestId("new-request").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        // MudBlazor puts the test id on the input itself.
        await dialog.Locator("input[data-testid=new-request-contact], [data-testid=new-request-contact] input").FillAsync(email);
        await dialog.Locator("textarea[data-testid=new-request-details], [data-testid=new-request-details] textarea").FillAsync("Please send me a copy of all my data.");
        await dialog.GetByTestId("new-request-file").ClickAsync();

        var detail = page.GetByTestId("request-detail");
        await Expect(detail.GetByTestId("detail-title")).ToContainTextAsync("Access · GDPR");
        await Expect(detail.GetByTestId("detail-status")).ToHaveTextAsync("Received");
        await Expect(detail.GetByTestId("detail-due")).ToHaveTextAsync(now.AddMonths(1).ToString("d MMM yyyy", CultureInfo.InvariantCulture));

        // Assign, verify, find the profile by the email on the request and link it.
        await detail.GetByTestId("assign-me").ClickAsync();
        await Expect(detail.GetByTestId("detail-assignee")).ToHaveTextAsync(PortalAccount.PrivacyOfficer.DisplayName);
        await detail.GetByTestId("mark-verified").ClickAsync();
        await Expect(detail.GetByTestId("detail-verification")).ToHaveTextAsync("Verified");

        var match = detail.GetByTestId("profile-match");
        // Resolution stores the new profile within a few seconds: search again until it is found.
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
        await Expect(match).ToContainTextAsync("Rosalind Quennell");
        await match.GetByTestId("profile-link").ClickAsync();
        await Expect(detail.GetByTestId("detail-profile-link")).ToBeVisibleAsync();
        await page.SaveScreenshotAsync("privacy-request-detail", Output);

        // Download the access package and open it.
        var download = await page.RunAndWaitForDownloadAsync(() => detail.GetByTestId("download-package").ClickAsync());
        Assert.Matches(@"^access-package-request-\d+-\d{8}-\d{6}\.zip$", download.SuggestedFilename);
        var path = Path.Combine(Path.GetTempPath(), $"e2e-{suffix}-{download.SuggestedFilename}");
        await download.SaveAsAsync(path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.All(PackageFiles, f => Assert.Contains(f, names));
            using (var reader = new StreamReader(zip.GetEntry("person.json")!.Open()))
            {
                var person = await reader.ReadToEndAsync();
                Assert.Contains("\"givenName\": \"Rosalind\"", person);
                Assert.Contains("\"familyName\": \"Quennell\"", person);
                Assert.Contains(email, person);
            }
            using (var reader = new StreamReader(zip.GetEntry("source-records.csv")!.Open()))
                Assert.Contains($"E2E-DSR-{suffix}-1", await reader.ReadToEndAsync());
        }
        finally
        {
            File.Delete(path);
        }

        // Complete: the outcome names the package, the history shows every step.
        await detail.GetByTestId("complete").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).Locator("textarea").First.FillAsync("Sent by secure email.");
        await page.GetByTestId("reason-confirm").ClickAsync();
        await Expect(detail.GetByTestId("detail-status")).ToHaveTextAsync("Completed");
        await Expect(detail.GetByTestId("detail-outcome")).ToContainTextAsync(download.SuggestedFilename);
        await Expect(detail.Locator("[data-testid=history-entry][data-action='access-package.exported']")).ToHaveCountAsync(1);
        await Expect(detail.Locator("[data-testid=history-entry][data-action='status:Completed']")).ToHaveCountAsync(1);
        await page.SaveScreenshotAsync("privacy-request-completed", Output);

        Assert.Empty(BrowserErrors);
    }
}
