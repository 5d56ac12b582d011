using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Customer360Portal.Web.Tests.Setup;

/// <summary>The real portal in memory on a real SQLite file in a temp folder, in demo mode (one user per role).</summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    public string DataFolder { get; } = Directory.CreateTempSubdirectory("c360-web-tests-").FullName;
    public string Environment { get; init; } = "Development";
    public CapturingLoggerProvider Logs { get; } = new();
    /// <summary>Extra settings applied before the portal builds its services.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        // UseSetting, not ConfigureAppConfiguration: the portal reads these while it builds its services.
        builder.UseSetting("ProfileStore:DataFolder", DataFolder);
        builder.UseSetting("Demo:Enabled", "true");
        // Demo users, but no simulated source systems: tests add the data they need.
        builder.UseSetting("Demo:People", "0");
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public HttpClient CreatePortalClient(bool https = false) =>
        CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = new Uri(https ? "https://localhost" : "http://localhost"),
        });

    /// <summary>Signs in through the real login form (antiforgery token included), as a browser would.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/Account/Login");
        var fields = Regex.Matches(form, "<input[^>]*type=\"hidden\"[^>]*>")
            .Select(m => (Name: Attribute(m.Value, "name"), Value: WebUtility.HtmlDecode(Attribute(m.Value, "value"))))
            .Where(f => f.Name is not null)
            .ToDictionary(f => f.Name!, f => f.Value ?? "");
        fields["Input.Email"] = email;
        fields["Input.Password"] = password;
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
    }

    private static string? Attribute(string tag, string name) =>
        Regex.Match(tag, $"{name}=\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value : null;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}

/// <summary>Keeps every formatted log message so tests can check that no personal data was logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> messages = new();
    public IReadOnlyCollection<string> Messages => messages;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.messages.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}
