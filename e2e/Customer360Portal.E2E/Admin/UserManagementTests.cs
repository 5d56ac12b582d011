namespace Customer360Portal.E2E.Admin;

/// <summary>An admin creates a user on the Users page, the user signs in with the role given, and a lock keeps them out.</summary>
public sealed class UserManagementTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    [Fact]
    public async Task CreateUser_AsMarketer_SignsInWithMarketerAreasUntilLocked()
    {
        var suffix = DateTime.UtcNow.ToString("HHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var newUser = new PortalAccount("Marketer", $"new-marketer-{suffix}@e2e.test", "e2e-marketer-2026", $"New Marketer {suffix}",
            PortalAccount.Marketer.Areas);

        // Create: the admin fills the create panel on the Users page.
        var admin = await NewSignedInPageAsync(PortalAccount.Admin);
        await admin.GotoAsync(PortalArea.Users.Path);
        await admin.WaitForInteractiveAsync();
        var table = admin.GetByTestId("users-table");
        await Expect(table.GetByRole(AriaRole.Cell, new() { Name = PortalAccount.Admin.Email, Exact = true })).ToBeVisibleAsync();

        var create = admin.GetByTestId("create-user");
        await create.GetByLabel("Email", new() { Exact = true }).FillAsync(newUser.Email);
        await create.GetByLabel("Display name", new() { Exact = true }).FillAsync(newUser.DisplayName);
        await create.GetByLabel("Initial password", new() { Exact = true }).FillAsync(newUser.Password);
        var marketerBox = create.GetByRole(AriaRole.Checkbox, new() { Name = "Marketer", Exact = true });
        await marketerBox.CheckAsync();
        await Expect(marketerBox).ToBeCheckedAsync();
        await create.GetByRole(AriaRole.Button, new() { Name = "Create user", Exact = true }).ClickAsync();

        await Expect(admin.GetByText("User created.", new() { Exact = true })).ToBeVisibleAsync();
        var row = table.GetByRole(AriaRole.Row).Filter(new() { HasText = newUser.Email });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByRole(AriaRole.Cell, new() { Name = newUser.DisplayName, Exact = true })).ToBeVisibleAsync();
        await Expect(row.Locator(".mud-chip", new() { HasText = "Marketer" })).ToBeVisibleAsync();
        await Expect(row.Locator(".mud-chip", new() { HasText = "Active" })).ToBeVisibleAsync();

        // The new user signs in and sees the Marketer areas.
        var user = await NewAnonymousPageAsync();
        await user.SignInAsync(newUser);
        await Expect(user.Navigation().GetByRole(AriaRole.Link)).ToHaveTextAsync(["Home", "Segments", "Insights", "Offers", "Models", "My account"]);
        await user.SignOutAsync();

        // Lock: the admin selects the row and locks the account.
        await row.ClickAsync();
        var editor = admin.GetByTestId("user-editor");
        await Expect(editor.GetByRole(AriaRole.Heading, new() { Name = newUser.Email, Exact = true })).ToBeVisibleAsync();
        await editor.GetByRole(AriaRole.Button, new() { Name = "Lock", Exact = true }).ClickAsync();
        await Expect(admin.GetByText("User locked.", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(editor.GetByRole(AriaRole.Button, new() { Name = "Unlock", Exact = true })).ToBeVisibleAsync();
        await Expect(row.Locator(".mud-chip", new() { HasText = "Locked" })).ToBeVisibleAsync();

        // The locked user can no longer sign in: the lockout page (or at least a refused attempt).
        var locked = await NewAnonymousPageAsync();
        await locked.SubmitSignInAsync(newUser.Email, newUser.Password);
        var refused = locked.Heading("Account locked", level: 1)
            .Or(locked.GetByText("Error: Invalid sign-in attempt.", new() { Exact = true }));
        await Expect(refused).ToBeVisibleAsync();
        await Expect(locked).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/(Lockout|Login)"));
        await Expect(locked.Navigation()).ToHaveCountAsync(0);
        Output.WriteLine($"Sign-in of the locked user ended on {locked.Url}");
    }
}
