using System.Collections.Concurrent;

namespace Customer360Portal.E2E.Infrastructure;

/// <summary>
/// Base of every end-to-end test: fresh browser contexts per test (closed afterwards), and the browser's own errors
/// (uncaught exceptions, console errors) written to the test output.
/// </summary>
[Collection(PortalCollection.Name)]
public abstract class PortalTest(PortalFixture portal, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<IBrowserContext> contexts = [];

    protected PortalFixture Portal { get; } = portal;

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>Uncaught page exceptions and console errors seen in this test's pages.</summary>
    protected ConcurrentQueue<string> BrowserErrors { get; } = new();

    /// <summary>A page in a new context with no cookies: an anonymous visitor.</summary>
    protected async Task<IPage> NewAnonymousPageAsync() => await NewPageAsync(storageState: null);

    /// <summary>A page in a new context that is already signed in as the account (signed in once per run).</summary>
    protected async Task<IPage> NewSignedInPageAsync(PortalAccount account) =>
        await NewPageAsync(await Portal.StorageStateAsync(account));

    private async Task<IPage> NewPageAsync(string? storageState)
    {
        var context = await Portal.NewContextAsync(storageState);
        contexts.Add(context);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => BrowserErrors.Enqueue($"page error on {page.Url}: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                BrowserErrors.Enqueue($"console error on {page.Url}: {message.Text}");
        };
        return page;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var error in BrowserErrors)
            Output.WriteLine(error);
        foreach (var context in contexts)
            await context.CloseAsync();
    }
}
