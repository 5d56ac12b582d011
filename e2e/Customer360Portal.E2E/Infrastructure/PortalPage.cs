using System.Text.RegularExpressions;

namespace Customer360Portal.E2E.Infrastructure;

/// <summary>What a person does on the portal's pages, found by role, label and text as a person would.</summary>
public static partial class PortalPage
{
    public const string LoginPath = "Account/Login";
    public const string LockoutPath = "Account/Lockout";

    [GeneratedRegex(@"/Account/Login(\?|$)", RegexOptions.IgnoreCase)]
    public static partial Regex LoginUrl();

    [GeneratedRegex(@"/Account/Lockout(\?|$)", RegexOptions.IgnoreCase)]
    public static partial Regex LockoutUrl();

    /// <summary>The portal's URL of a path ("" is home), with nothing after it but a query or fragment.</summary>
    public static Regex UrlOf(string path)
    {
        var trimmed = path.Trim('/');
        var pathPattern = trimmed.Length == 0 ? "" : Regex.Escape(trimmed) + "/?";
        return new Regex($"^https?://[^/]+/{pathPattern}([?#].*)?$", RegexOptions.IgnoreCase);
    }

    public static ILocator Navigation(this IPage page) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation", Exact = true });

    public static ILocator Heading(this IPage page, string name, int level) =>
        page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = level });

    /// <summary>Opens the login page and fills and submits the form; what follows is up to the caller.</summary>
    public static async Task SubmitSignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync(LoginPath);
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Signs in through the login page and waits for the interactive home page.</summary>
    public static async Task SignInAsync(this IPage page, PortalAccount account)
    {
        await page.SubmitSignInAsync(account.Email, account.Password);
        await Expect(page).ToHaveURLAsync(UrlOf(""));
        await page.WaitForInteractiveAsync();
        await Expect(page.Heading($"Welcome, {account.Email}", level: 4)).ToBeVisibleAsync();
    }

    /// <summary>
    /// Waits until the Blazor circuit has connected (the layout flips data-interactive to true): a click before that
    /// does nothing.
    /// </summary>
    /// <summary>
    /// Opens a menu and picks one of its items. Waits first for any menu still closing: on a busy machine a click that
    /// lands while the last pick's menu is closing only closes it.
    /// </summary>
    public static async Task PickFromMenuAsync(this IPage page, ILocator menuButton, string itemTestId)
    {
        await Assertions.Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await menuButton.ClickAsync();
        await page.Locator($".mud-popover-open [data-testid={itemTestId}]").ClickAsync();
    }

    public static Task WaitForInteractiveAsync(this IPage page) =>
        Expect(page.Locator("[data-interactive='true']")).ToBeAttachedAsync();

    /// <summary>Opens a path the way the portal's own links do: inside the running circuit, without a page load.</summary>
    public static async Task NavigateInAppAsync(this IPage page, string path)
    {
        await page.WaitForInteractiveAsync();
        await page.EvaluateAsync("path => window.Blazor.navigateTo(path)", path);
        await Expect(page).ToHaveURLAsync(UrlOf(path));
    }

    public static async Task SignOutAsync(this IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await page.ExpectLoginPageAsync();
    }

    public static async Task ExpectLoginPageAsync(this IPage page)
    {
        await Expect(page).ToHaveURLAsync(LoginUrl());
        await Expect(page.Heading("Sign in", level: 1)).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
    }

    public static async Task ExpectLockoutPageAsync(this IPage page)
    {
        await Expect(page).ToHaveURLAsync(LockoutUrl());
        await Expect(page.Heading("Account locked", level: 1)).ToBeVisibleAsync();
    }

    /// <summary>True once no finite CSS transition or animation is running (infinite ones, like progress bars, never end).</summary>
    private const string SettledScript = """
        () => document.getAnimations().every(a =>
            a.playState !== "running" || !Number.isFinite(a.effect?.getComputedTiming().endTime))
        """;

    /// <summary>Saves a full-page screenshot into the artefacts folder and names it in the test output.</summary>
    public static async Task<string> SaveScreenshotAsync(this IPage page, string name, ITestOutputHelper output)
    {
        var path = Path.Combine(RepoPaths.Artifacts, name + ".png");
        // Park the pointer and the focus away from the navigation and let the hover transitions of links clicked just
        // before fade out (under a second; MudBlazor restarts them on each render): otherwise several links look selected.
        await page.Mouse.MoveAsync(page.ViewportSize?.Width - 1 ?? 0, page.ViewportSize?.Height - 1 ?? 0);
        await page.EvaluateAsync("() => document.activeElement?.blur()");
        try
        {
            await page.WaitForFunctionAsync(SettledScript, null, new() { Timeout = 2_000, PollingInterval = 50 });
        }
        catch (TimeoutException)
        {
            // Cosmetic only: take the picture anyway.
        }
        await page.ScreenshotAsync(new() { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        output.WriteLine($"Screenshot: {path}");
        return path;
    }
}
