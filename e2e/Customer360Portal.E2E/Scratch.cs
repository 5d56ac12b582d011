namespace Customer360Portal.E2E;

public sealed class Scratch(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    [Fact]
    public async Task Explore()
    {
        var page = await NewSignedInPageAsync(PortalAccount.Agent);
        await page.GotoAsync("");
        await page.WaitForInteractiveAsync();
        await page.Navigation().GetByRole(AriaRole.Link, new() { Name = "My account", Exact = true }).ClickAsync();
        await page.WaitForTimeoutAsync(3000);
        Output.WriteLine("after My account: " + page.Url);
        await page.ScreenshotAsync(new() { Path = "/tmp/scratch/myaccount.png", FullPage = true });
        Output.WriteLine(await page.Locator("body").InnerTextAsync());
        await page.GoBackAsync();
        await page.WaitForTimeoutAsync(2000);
        await page.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark theme" }).ClickAsync();
        await page.WaitForTimeoutAsync(1000);
        await page.ScreenshotAsync(new() { Path = "/tmp/scratch/dark.png", FullPage = true });
        await page.GetByLabel("Search customers").FillAsync("smith");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForTimeoutAsync(2000);
        Output.WriteLine("after search: " + page.Url);
        await page.ScreenshotAsync(new() { Path = "/tmp/scratch/search.png", FullPage = true });
        await page.GotoAsync("segments");
        await page.ScreenshotAsync(new() { Path = "/tmp/scratch/denied-direct.png", FullPage = true });
        await page.GotoAsync("nope/nothing");
        await page.ScreenshotAsync(new() { Path = "/tmp/scratch/notfound.png", FullPage = true });
        Output.WriteLine("notfound: " + page.Url + " " + await page.Locator("body").InnerTextAsync());
        var anon = await NewAnonymousPageAsync();
        await anon.GotoAsync("Account/Login");
        await anon.ScreenshotAsync(new() { Path = "/tmp/scratch/login.png", FullPage = true });
        await anon.SubmitSignInAsync("x@y.z", "nope");
        await anon.ScreenshotAsync(new() { Path = "/tmp/scratch/login-failed.png", FullPage = true });
        await anon.SubmitSignInAsync("", "");
        await anon.ScreenshotAsync(new() { Path = "/tmp/scratch/login-empty.png", FullPage = true });
        foreach (var e in BrowserErrors) Output.WriteLine(e);
    }
}
