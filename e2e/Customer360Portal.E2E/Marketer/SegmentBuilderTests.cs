using System.Diagnostics;
using System.Globalization;

namespace Customer360Portal.E2E.Marketer;

/// <summary>
/// A marketer builds a segment with nested rules, watches its live size follow the rules, saves it and exports it for
/// email marketing: the CSV holds the person who granted email marketing and leaves out the one who withdrew it and the
/// one who never chose, and the export is audited with those counts. The people arrive through the real ingest API.
/// </summary>
public sealed class SegmentBuilderTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    private static string Iso(DateTime at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Marketer_BuildsNestedSegment_SeesSize_SavesAndExports_WithoutTheNonConsented()
    {
        var suffix = DateTime.UtcNow.ToString("HHmmssfff", CultureInfo.InvariantCulture);
        // A town nobody else lives in (letters only: cities are validated as names).
        var town = "Segmentbury " + string.Concat(suffix.Select(d => (char)('a' + d - '0')));
        var now = DateTime.UtcNow;
        object Contact(string id, string first, string email, object consent) => new
        {
            kind = "contact",
            data = new { id = $"E2E-SEG-{suffix}-{id}", updatedAt = Iso(now.AddDays(-3)), firstName = first, lastName = "Segmentson", email,
                address = new { line1 = "1 Market Street", city = town, postcode = "SG1 1AA", country = "GB" }, consent },
        };
        var admin = await NewSignedInPageAsync(PortalAccount.Admin);
        var secret = await IngestClient.IssueKeyAsync(admin, "CRM contacts");
        await IngestClient.PostAsync(Portal.BaseAddress, secret, "crm",
            Contact("1", "Gwen", $"gwen.{suffix}@example.com", new { emailMarketing = true }),
            Contact("2", "Walter", $"walter.{suffix}@example.com", new { emailMarketing = "withdrawn" }),
            Contact("3", "Nora", $"nora.{suffix}@example.com", new { analytics = true }));

        var page = await NewSignedInPageAsync(PortalAccount.Marketer);
        await page.GotoAsync("segments/new");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("size-value")).ToBeVisibleAsync(); // no rules yet: every active customer

        // Rule 1: lives in the town. Group 2 (any of): lives in the town, or has granted email marketing.
        var root = page.Locator("[data-testid=rule-group][data-path='']");
        await page.PickFromMenuAsync(root.GetByTestId("add-rule").Last, "add-rule-field");
        var townInput = page.Locator("[data-testid=rule][data-path='1']").Locator("input[data-testid=rule-value], [data-testid=rule-value] input");
        await townInput.FillAsync(town);
        await root.GetByTestId("add-group").Last.ClickAsync();
        var group = page.Locator("[data-testid=rule-group][data-path='2']");
        await page.PickFromMenuAsync(group.GetByTestId("add-rule"), "add-rule-field");
        await page.Locator("[data-testid=rule][data-path='2.1']").Locator("input[data-testid=rule-value], [data-testid=rule-value] input").FillAsync(town);
        await page.PickFromMenuAsync(group.GetByTestId("add-rule"), "add-rule-consent");
        await Expect(page.Locator("[data-testid=rule][data-path='2.2'][data-type=consent]")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("segment-sentence")).ToContainTextAsync($"Customers whose city is \"{town.ToLowerInvariant()}\"", new() { IgnoreCase = true });
        await Expect(page.GetByTestId("segment-sentence")).ToContainTextAsync("or who have granted email marketing");

        // The size follows the rules: the three people once resolution has projected them (a few seconds), retyping to re-estimate.
        var size = page.GetByTestId("size-value");
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await Expect(size).ToHaveAttributeAsync("data-size", "3", new() { Timeout = 3_000 });
                break;
            }
            catch (PlaywrightException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await townInput.FillAsync(town + " ");
                await townInput.FillAsync(town);
            }
        }
        await Expect(page.Locator("[data-testid=channel-size][data-channel=Email]")).ToHaveAttributeAsync("data-size", "1");
        await Expect(page.GetByTestId("preview-row")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("segment-preview")).Not.ToContainTextAsync($"gwen.{suffix}@example.com"); // masked for marketers
        await page.SaveScreenshotAsync("segment-builder", Output);

        // Save, then export for email marketing.
        await page.Locator("input[data-testid=segment-name], [data-testid=segment-name] input").FillAsync($"Segmentbury residents {suffix}");
        await page.GetByTestId("save-segment").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/segments/\d+$"));
        await Expect(page.GetByTestId("segment-export")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("segment-versions")).ToContainTextAsync("Version 1 (current)");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        Assert.Matches(@"^segment-\d+-EmailMarketing-\d{8}-\d{6}\.csv$", download.SuggestedFilename);
        var path = Path.Combine(Path.GetTempPath(), $"e2e-{suffix}-{download.SuggestedFilename}");
        await download.SaveAsAsync(path);
        try
        {
            var csv = await File.ReadAllTextAsync(path);
            Assert.StartsWith("customer_id,given_name,family_name,email\n", csv);
            Assert.Contains($"gwen.{suffix}@example.com", csv);
            Assert.DoesNotContain($"walter.{suffix}@example.com", csv);
            Assert.DoesNotContain($"nora.{suffix}@example.com", csv);
        }
        finally
        {
            File.Delete(path);
        }
        await Expect(page.GetByTestId("export-entry").First).ToContainTextAsync("EmailMarketing: 1 exported, 2 skipped", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("export-entry").First).ToContainTextAsync("consent withdrawn: 1");
        await page.SaveScreenshotAsync("segment-exported", Output);

        Assert.Empty(BrowserErrors);
    }
}
