using System.Text.RegularExpressions;

namespace Customer360Portal.E2E.Roles;

/// <summary>One walk through the portal per role: sign in, see exactly the role's areas, open them, be kept out of the rest, sign out.</summary>
public sealed class RoleAccessTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    public static TheoryData<string> Roles => new(PortalAccount.Roles);

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task SignIn_AsRole_ShowsOnlyTheRolesAreasAndSignsOutToTheLoginPage(string role)
    {
        var account = PortalAccount.ForRole(role);
        var page = await NewAnonymousPageAsync();

        // Sign in: anonymous visitors land on the login page first.
        await page.GotoAsync("");
        await page.ExpectLoginPageAsync();
        await page.SignInAsync(account);

        // The navigation lists Home, the role's areas in order and My account; nothing else.
        // Match review may carry the number of open reviews beside its name (hidden from the link's accessible name).
        var navLinks = page.Navigation().GetByRole(AriaRole.Link);
        string[] expectedLinks = ["Home", .. account.Areas.Select(a => a.Title), "My account"];
        await Expect(navLinks).ToHaveTextAsync(expectedLinks.Select(title =>
            new Regex("^" + Regex.Escape(title) + (title == PortalArea.MatchReview.Title ? @"(\s*\d+\+?)?" : "") + "$")));
        foreach (var other in account.ForbiddenAreas)
            await Expect(page.Navigation().GetByRole(AriaRole.Link, new() { Name = other.Title, Exact = true })).ToHaveCountAsync(0);

        // The app bar names the user; only roles that work with customers get the customer search.
        await Expect(page.GetByRole(AriaRole.Banner).GetByText(account.Email, new() { Exact = true })).ToBeVisibleAsync();
        var mayOpenCustomers = account.Areas.Contains(PortalArea.Customers);
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Search customers", Exact = true })).ToHaveCountAsync(mayOpenCustomers ? 1 : 0);

        // The home page has one card per area.
        foreach (var area in account.Areas)
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Open {area.Title}", Exact = true })).ToBeVisibleAsync();
        if (account.Role == "Admin")
            await Expect(page.Locator("[data-testid=users-per-role-chart] svg").First).ToBeVisibleAsync();
        await page.SaveScreenshotAsync($"home-{role}", Output);

        // Each of the role's areas opens from the navigation and shows its heading.
        foreach (var area in account.Areas)
        {
            await page.Navigation().GetByRole(AriaRole.Link, new() { Name = area.Title, Exact = true }).ClickAsync();
            await Expect(page).ToHaveURLAsync(PortalPage.UrlOf(area.Path));
            await Expect(page.Heading(area.Heading, level: 4)).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Access denied" })).ToHaveCountAsync(0);
            if (area == PortalArea.AuditLog)
            {
                // This user's own sign-in, and the creation of the demo users, are on record.
                var audit = page.GetByTestId("audit-table");
                await Expect(audit.GetByRole(AriaRole.Cell, new() { Name = "user.signed-in", Exact = true }).First).ToBeVisibleAsync();
                await Expect(audit.GetByRole(AriaRole.Cell, new() { Name = "user.created", Exact = true }).First).ToBeVisibleAsync();
            }
            if (account.Role == "Admin")
                await page.SaveScreenshotAsync($"page-{area.Path.Replace('/', '-')}", Output);
        }

        // Other roles' pages: inside the circuit the layout shows "Access denied" and the URL stays; a direct page
        // load is refused by the server (cookie AccessDeniedPath).
        foreach (var other in account.ForbiddenAreas)
        {
            await page.NavigateInAppAsync(other.Path);
            await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Access denied" })).ToBeVisibleAsync();
            await Expect(page.Heading(other.Heading, level: 4)).ToHaveCountAsync(0);
            await Expect(page.Navigation()).ToBeVisibleAsync();
            await Expect(page).ToHaveURLAsync(PortalPage.UrlOf(other.Path));
        }
        if (account.ForbiddenAreas.FirstOrDefault() is { } forbidden)
        {
            await page.GotoAsync(forbidden.Path);
            await Expect(page.GetByText("Access denied", new() { Exact = true }).First).ToBeVisibleAsync();
            await Expect(page.Heading(forbidden.Heading, level: 4)).ToHaveCountAsync(0);
            Output.WriteLine($"Direct load of /{forbidden.Path} as {role} ended on {page.Url}");
            await page.GotoAsync("");
            await page.WaitForInteractiveAsync();
        }

        // Sign out: back on the login page, and the role's pages ask for sign-in again.
        await page.SignOutAsync();
        var lastArea = account.Areas[^1];
        await page.GotoAsync(lastArea.Path);
        await page.ExpectLoginPageAsync();
        Assert.Contains("ReturnUrl=" + Uri.EscapeDataString("/" + lastArea.Path), page.Url, StringComparison.OrdinalIgnoreCase);
    }
}
