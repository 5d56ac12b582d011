namespace Customer360Portal.E2E.Infrastructure;

/// <summary>All end-to-end tests share one portal process and one browser; tests in one collection run in series.</summary>
[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "Portal";
}

/// <summary>
/// Starts the portal (with the lockout test's own user created by c360 first) and one headless Chromium for the
/// whole run. Each test opens its own browser contexts; a signed-in state per account is made once and reused.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    /// <summary>Per expectation and per action. The machines have 2 cores and Blazor Server does a round trip per event.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly string[] ChromiumArgs =
    [
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly Dictionary<string, string> storageStates = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim storageStateLock = new(1, 1);
    private PortalServer? server;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public PortalServer Server => server ?? throw new InvalidOperationException("The portal has not started.");

    public IBrowser Browser => browser ?? throw new InvalidOperationException("The browser has not started.");

    public Uri BaseAddress => Server.BaseAddress;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout((float)Timeout.TotalMilliseconds);
        var chromium = ChromiumPath();
        server = await PortalServer.StartAsync([PortalAccount.LockoutTarget]);
        try
        {
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ChromiumArgs,
                Timeout = 60_000,
            });
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed: do not leave the portal running.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>A fresh browser context (no cookies unless a storage state is given) with the portal as base URL.</summary>
    public async Task<IBrowserContext> NewContextAsync(string? storageState = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            StorageState = storageState,
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            ColorScheme = ColorScheme.Light,
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        context.SetDefaultNavigationTimeout(30_000);
        return context;
    }

    /// <summary>
    /// The cookies of a signed-in session for the account, made once per run through the login page. Use it where
    /// signing in is not what the test is about.
    /// </summary>
    public async Task<string> StorageStateAsync(PortalAccount account)
    {
        await storageStateLock.WaitAsync();
        try
        {
            if (storageStates.TryGetValue(account.Email, out var cached))
                return cached;
            await using var context = await NewContextAsync();
            var page = await context.NewPageAsync();
            await page.SignInAsync(account);
            var state = await context.StorageStateAsync();
            storageStates[account.Email] = state;
            return state;
        }
        finally
        {
            storageStateLock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
            await browser.CloseAsync();
        browser = null;
        playwright?.Dispose();
        playwright = null;
        if (server is not null)
        {
            // Keep the portal's console output next to the screenshots: the first place to look when a test fails.
            await File.WriteAllTextAsync(Path.Combine(RepoPaths.Artifacts, "portal.log"), server.Output);
            await server.DisposeAsync();
            server = null;
        }
    }

    private static string ChromiumPath()
    {
        var configured = Environment.GetEnvironmentVariable("C360_CHROMIUM");
        var path = string.IsNullOrWhiteSpace(configured) ? "/usr/bin/chromium" : configured;
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"Chromium was not found at {path}. Install it (Debian: apt-get install -y chromium) or set C360_CHROMIUM " +
                "to the browser executable (for example Playwright's own build after 'playwright.ps1 install chromium').", path);
        return path;
    }
}
