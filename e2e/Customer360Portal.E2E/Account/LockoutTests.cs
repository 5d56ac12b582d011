namespace Customer360Portal.E2E.Account;

/// <summary>
/// Five wrong passwords lock an account. Uses its own user (created with c360 before the portal starts) so the shared
/// role users are never locked.
/// </summary>
public sealed class LockoutTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    private const int MaxFailedAttempts = 5;

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LocksTheAccountEvenForTheRightPassword()
    {
        var account = PortalAccount.LockoutTarget;
        var page = await NewAnonymousPageAsync();

        for (var attempt = 1; attempt < MaxFailedAttempts; attempt++)
        {
            await page.SubmitSignInAsync(account.Email, $"wrong-password-{attempt}");
            await Expect(page.GetByText("Error: Invalid sign-in attempt.", new() { Exact = true })).ToBeVisibleAsync();
            await Expect(page).ToHaveURLAsync(PortalPage.LoginUrl());
        }

        await page.SubmitSignInAsync(account.Email, $"wrong-password-{MaxFailedAttempts}");
        await page.ExpectLockoutPageAsync();

        await page.SubmitSignInAsync(account.Email, account.Password);
        await page.ExpectLockoutPageAsync();
        await page.GotoAsync("");
        await page.ExpectLoginPageAsync();
    }
}
