using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Customer360Portal.E2E.Admin;

/// <summary>
/// A record with a bad email arrives through the real ingest API, lands in the quarantine, and an admin fixes the
/// email in the detail panel and replays it: it leaves the open list and the Sync page's counts still balance.
/// </summary>
public sealed class QuarantineTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    [Fact]
    public async Task BadEmailPushedToTheIngestApi_FixedAndReplayed_LeavesTheQuarantineWithBalancedCounts()
    {
        var suffix = DateTime.UtcNow.ToString("HHmmssfff", CultureInfo.InvariantCulture);
        var eventId = $"e2e-quarantine-{suffix}";

        // The admin issues an API key for the demo's push source on the Sync page.
        var admin = await NewSignedInPageAsync(PortalAccount.Admin);
        await admin.GotoAsync(PortalArea.Sync.Path);
        await admin.WaitForInteractiveAsync();
        var emailSource = admin.GetByTestId("sources-table").Locator("tbody tr").Filter(new() { HasText = "Email platform" });
        await emailSource.ClickAsync();
        var sourceDetail = admin.GetByTestId("source-detail");
        await sourceDetail.GetByRole(AriaRole.Button, new() { Name = "New API key", Exact = true }).ClickAsync();
        var secret = (await admin.Locator("[data-testid=issued-secret] code").InnerTextAsync()).Trim();
        Assert.StartsWith("c360_", secret);

        // The source pushes one email event with an invalid address.
        using (var http = new HttpClient { BaseAddress = Portal.BaseAddress, Timeout = TimeSpan.FromSeconds(30) })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            var body = new
            {
                records = new[]
                {
                    new
                    {
                        kind = "email_event",
                        data = new
                        {
                            eventId, email = $"e2e.{suffix}@@example.com", type = "clicked",
                            occurredAt = DateTime.UtcNow.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture),
                            campaignId = "e2e-campaign", url = "https://example.com/offer",
                        },
                    },
                },
            };
            using var response = await http.PostAsJsonAsync("api/ingest/email", body);
            var answer = await response.Content.ReadAsStringAsync();
            Output.WriteLine($"Ingest answered {(int)response.StatusCode}: {answer}");
            response.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(answer);
            var result = json.RootElement.GetProperty("results")[0];
            Assert.Equal("quarantined", result.GetProperty("status").GetString());
            Assert.Contains("email: not a valid email address", result.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        }

        // The admin finds it in the quarantine under the email source, fixes the email and replays it.
        await admin.GotoAsync(PortalArea.Quarantine.Path);
        await admin.WaitForInteractiveAsync();
        await Expect(admin.Heading(PortalArea.Quarantine.Heading, level: 4)).ToBeVisibleAsync();
        await admin.GetByTestId("quarantine-summary").Locator("[data-testid=source-chip][data-source=email]").ClickAsync();
        var table = admin.GetByTestId("quarantine-table");
        var row = table.Locator("tbody tr").Filter(new() { HasText = eventId });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("email: not a valid email address");
        await row.ClickAsync();

        var detail = admin.GetByTestId("quarantine-detail");
        await Expect(detail.GetByTestId("detail-reasons")).ToContainTextAsync("email: not a valid email address");
        var email = detail.GetByLabel("email", new() { Exact = true });
        await Expect(email).ToHaveValueAsync($"e2e.{suffix}@@example.com");
        await email.FillAsync($"e2e.{suffix}@example.com");
        await admin.SaveScreenshotAsync("quarantine-detail", Output);
        await detail.GetByRole(AriaRole.Button, new() { Name = "Replay", Exact = true }).ClickAsync();

        await Expect(admin.GetByText("Valid now: stored as source record", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(detail).ToHaveCountAsync(0);

        // The Sync page still balances for the source: the record moved from quarantined to stored.
        await admin.GotoAsync(PortalArea.Sync.Path);
        await admin.WaitForInteractiveAsync();
        var counts = admin.GetByTestId("sources-table").Locator("tbody tr").Filter(new() { HasText = "Email platform" });
        await Expect(counts.GetByTestId("received")).Not.ToHaveTextAsync("0");
        // One read of the whole row: the demo keeps pushing, and the page refreshes itself every few seconds.
        var figures = await counts.EvaluateAsync<string[]>(
            "row => ['received', 'stored', 'duplicates', 'quarantined'].map(id => row.querySelector(`[data-testid=${id}]`).innerText)");
        var (received, stored, duplicates, quarantined) = (Count(figures[0]), Count(figures[1]), Count(figures[2]), Count(figures[3]));
        Output.WriteLine($"email: received {received}, stored {stored}, duplicates {duplicates}, quarantined {quarantined}");
        Assert.True(stored >= 1);
        Assert.Equal(received, stored + duplicates + quarantined);
    }

    private static long Count(string text) => long.Parse(text.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
}
