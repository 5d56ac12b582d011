using System.Text.RegularExpressions;

namespace Customer360Portal.E2E.Account;

/// <summary>
/// Before sign-in: pages send visitors to the login page, but the login page's own styles and scripts must load
/// (a fallback policy that demands sign-in everywhere would otherwise redirect them too).
/// </summary>
public sealed class AnonymousAccessTests(PortalFixture portal, ITestOutputHelper output) : PortalTest(portal, output)
{
    [Fact]
    public async Task AdminUsers_Anonymous_RedirectsToTheLoginPage()
    {
        var page = await NewAnonymousPageAsync();

        await page.GotoAsync(PortalArea.Users.Path);

        await page.ExpectLoginPageAsync();
        Assert.Contains("ReturnUrl=%2Fadmin%2Fusers", page.Url, StringComparison.OrdinalIgnoreCase);
        await Expect(page.Heading("Users", level: 4)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task LoginPage_Anonymous_LoadsItsStylesAndScripts()
    {
        var page = await NewAnonymousPageAsync();
        var assets = new List<IResponse>();
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType is "stylesheet" or "script")
                lock (assets) assets.Add(response);
        };

        await page.GotoAsync(PortalPage.LoginPath, new() { WaitUntil = WaitUntilState.Load });
        await page.ExpectLoginPageAsync();
        await page.SaveScreenshotAsync("login", Output);

        IResponse[] loaded;
        lock (assets) loaded = [.. assets];
        foreach (var response in loaded)
            Output.WriteLine($"{response.Status} {response.Url}");
        Assert.All(loaded, response =>
        {
            Assert.True(response.Ok, $"{response.Url} answered {response.Status}.");
            Assert.Null(response.Request.RedirectedFrom);
            Assert.DoesNotMatch(PortalPage.LoginUrl(), response.Url);
        });
        // The page references fingerprinted names (app.<hash>.css) through @Assets[...].
        string[] expected = ["app.css", "_content/MudBlazor/MudBlazor.min.css", "_framework/blazor.web.js", "lib/apexcharts/apexcharts.min.js"];
        foreach (var asset in expected)
            Assert.True(loaded.Any(response => AssetPattern(asset).IsMatch(new Uri(response.Url).AbsolutePath)),
                $"The login page did not load {asset}.");
    }

    [Theory]
    [InlineData("app.css", "text/css")]
    [InlineData("_content/MudBlazor/MudBlazor.min.css", "text/css")]
    [InlineData("_framework/blazor.web.js", "javascript")]
    [InlineData("lib/apexcharts/apexcharts.min.js", "javascript")]
    public async Task StaticAsset_Anonymous_IsServedWithoutSignIn(string path, string contentType)
    {
        var page = await NewAnonymousPageAsync();

        // No redirects followed: a redirect to the login page would otherwise end in a 200 HTML page.
        var response = await page.APIRequest.GetAsync(path, new() { MaxRedirects = 0 });

        Assert.Equal(200, response.Status);
        Assert.Contains(contentType, response.Headers["content-type"], StringComparison.OrdinalIgnoreCase);
        Assert.True((await response.BodyAsync()).Length > 100, $"{path} is (nearly) empty.");
    }

    /// <summary>"app.css" also matches the fingerprinted "app.k2x8l3.css".</summary>
    private static Regex AssetPattern(string asset)
    {
        var extension = Path.GetExtension(asset);
        var stem = asset[..^extension.Length];
        return new Regex($"^/{Regex.Escape(stem)}(\\.[a-z0-9]+)?{Regex.Escape(extension)}$", RegexOptions.IgnoreCase);
    }
}
