using System.Text.RegularExpressions;

namespace Customer360Portal.E2E.Home;

/// <summary>The admin's home page charts how many users hold each role.</summary>
public sealed partial class UsersPerRoleChartTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    [Fact]
    public async Task Home_AsAdmin_ChartsUsersPerRoleMatchingTheUsersList()
    {
        var page = await NewSignedInPageAsync(PortalAccount.Admin);

        await page.GotoAsync("");
        await page.WaitForInteractiveAsync();

        var chart = page.GetByTestId("users-per-role-chart");
        await Expect(chart.Locator("svg").First).ToBeVisibleAsync();
        var summary = page.GetByTestId("users-per-role-summary");
        await Expect(summary).ToHaveTextAsync(SummaryFormat());
        var counts = ParseSummary(await summary.InnerTextAsync());
        Output.WriteLine($"Summary: {await summary.InnerTextAsync()}");

        // One entry per role, every role held by at least its demo user.
        Assert.Equal(PortalAccount.Roles.Order(), counts.Keys.Order());
        Assert.All(counts, pair => Assert.True(pair.Value >= 1, $"{pair.Key} has {pair.Value} users."));
        // The chart draws one bar per role, labelled with the role.
        foreach (var role in PortalAccount.Roles)
            await Expect(chart.Locator("svg text", new() { HasText = role }).First).ToBeAttachedAsync();
        await Expect(chart).ToHaveAttributeAsync("aria-label", await summary.InnerTextAsync());

        // The counts agree with the role chips on the Users page.
        await page.Navigation().GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();
        var table = page.GetByTestId("users-table");
        await Expect(table.GetByRole(AriaRole.Cell, new() { Name = PortalAccount.Admin.Email, Exact = true })).ToBeVisibleAsync();
        foreach (var (role, count) in counts)
        {
            var chips = table.Locator("tbody .mud-chip").Filter(new() { HasTextRegex = new Regex($"^{role}$") });
            await Expect(chips).ToHaveCountAsync(count);
        }
    }

    [GeneratedRegex(@"^\s*\w+: \d+(, \w+: \d+)*\s*$")]
    private static partial Regex SummaryFormat();

    private static Dictionary<string, int> ParseSummary(string summary) =>
        summary.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split(':', StringSplitOptions.TrimEntries))
            .ToDictionary(pair => pair[0], pair => int.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture));
}
