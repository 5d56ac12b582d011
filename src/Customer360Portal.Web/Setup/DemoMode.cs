using Customer360Portal.Core.Access;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Sync;
using Customer360Portal.Data;
using Customer360Portal.Web.Demo;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Customer360Portal.Web.Setup;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>
    /// Demo mode: one demo user per role, and five simulated source systems whose data flows through the real sync
    /// services. Off unless asked for: a plain start never creates demo users or data.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>People in the simulated company (0 turns the simulated source systems off, users stay).</summary>
    public int People { get; set; } = 2_000;
    public const int MaxPeople = 100_000;
    public int Seed { get; set; } = 360;
    /// <summary>New events per hour after the backfill, so the portal feels alive.</summary>
    public int LiveEventsPerHour { get; set; } = 1_200;
    /// <summary>How often the push-style demo sources send what is new.</summary>
    public TimeSpan FeedInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Root of the file-drop folders of the demo (default: "demo-drop" in the profile store's data folder).</summary>
    public string? DropRoot { get; set; }

    public string DropFolder(string sourceKey) => Path.Combine(DropRoot ?? "demo-drop", sourceKey);
}

public static class DemoMode
{
    /// <summary>Lets the README say <c>dotnet run ... -- --demo</c> instead of <c>--Demo:Enabled=true</c>.</summary>
    public static string[] ExpandFlag(string[] args) =>
        args.Select(a => a == "--demo" ? "--Demo:Enabled=true" : a).ToArray();

    /// <summary>Call before AddSourceSync: demo mode configures the demo's pull and file-drop sources.</summary>
    public static IHostApplicationBuilder AddDemoMode(this IHostApplicationBuilder builder)
    {
        var dataFolder = builder.Configuration["ProfileStore:DataFolder"] is { Length: > 0 } configured
            ? (Path.IsPathRooted(configured) ? configured : Path.Combine(builder.Environment.ContentRootPath, configured))
            : ProfileStoreOptions.DefaultDataFolder;
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section)
            .PostConfigure(o => o.DropRoot ??= Path.Combine(dataFolder, "demo-drop"))
            // The simulated source systems keep their records in memory; larger companies are for `c360 bench`.
            .Validate(o => o.People is >= 0 and <= DemoOptions.MaxPeople, $"Demo:People must be between 0 and {DemoOptions.MaxPeople}.")
            .ValidateOnStart();
        var demo = builder.Configuration.GetSection(DemoOptions.Section).Get<DemoOptions>() ?? new();
        if (!demo.Enabled || demo.People <= 0) return builder;

        var dropRoot = demo.DropRoot ?? Path.Combine(dataFolder, "demo-drop");
        var index = 0;
        var sources = new Dictionary<string, string?>();
        foreach (var source in DemoSources.All.Where(s => s.Connector is Data.Model.ConnectorStyle.Pull or Data.Model.ConnectorStyle.FileDrop))
        {
            var prefix = $"{SyncOptions.Section}:Sources:{index++}:";
            sources[prefix + "Key"] = source.Key;
            sources[prefix + "DisplayName"] = source.DisplayName;
            sources[prefix + "Kind"] = source.Kind.ToString();
            sources[prefix + "Connector"] = source.Connector.ToString();
            sources[prefix + "RecordKind"] = source.RecordKind;
            sources[prefix + "TrustRank"] = source.TrustRank.ToString(System.Globalization.CultureInfo.InvariantCulture);
            sources[prefix + "Interval"] = "00:00:10";
            if (source.Connector == Data.Model.ConnectorStyle.Pull)
                sources[prefix + "BaseUrl"] = $"http://{DemoLoopbackHandler.Host}{DemoSourceApi.BasePath}/{source.Key}";
            else
                sources[prefix + "Folder"] = Path.Combine(dropRoot, source.Key);
        }
        builder.Configuration.AddInMemoryCollection(sources);
        // The demo fills up in minutes: its insights refresh every two minutes instead of hourly, and rebuild every ten
        // minutes instead of daily (unless configured), so the charts follow the backfill.
        var insights = new Dictionary<string, string?>();
        if (builder.Configuration["Insights:Interval"] is null) insights["Insights:Interval"] = "00:02:00";
        if (builder.Configuration["Insights:FullRebuildInterval"] is null) insights["Insights:FullRebuildInterval"] = "00:10:00";
        builder.Configuration.AddInMemoryCollection(insights);

        builder.Services.AddSingleton<DemoWorld>();
        builder.Services.AddHostedService<DemoFeeder>();
        builder.Services.AddHttpClient(DemoFeeder.HttpClientName).AddStandardResilienceHandler();
        builder.Services.AddTransient<DemoLoopbackHandler>();
        builder.Services.AddHttpClient(PullSyncService.HttpClientName).AddHttpMessageHandler<DemoLoopbackHandler>();
        return builder;
    }

    /// <summary>Registers the demo's sources (so push sources exist before their first batch) and maps the simulated APIs.</summary>
    public static async Task StartDemoSourcesAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DemoOptions>>().Value;
        if (options.People <= 0) return;
        var registry = app.Services.GetRequiredService<Core.Ingestion.SourceRegistry>();
        foreach (var source in DemoSources.All)
            await registry.EnsureSourceAsync(source.Key, source.DisplayName, source.Kind, source.Connector, trustRank: source.TrustRank);
        app.MapDemoSourceApi();
    }

    public static bool IsDemo(this IHost app) =>
        app.Services.GetRequiredService<IConfiguration>().GetValue<bool>($"{DemoOptions.Section}:{nameof(DemoOptions.Enabled)}");

    /// <summary>Prints where the portal listens and how to sign in, once the server has its addresses.</summary>
    public static void PrintDemoBanner(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var lines = new List<string> { "", "Customer360 Portal is running in demo mode.", $"Open {string.Join(" or ", addresses)} and sign in as:" };
            lines.AddRange(DemoUsers.All.Select(u => $"  {u.Role,-15} {u.Email,-28} {u.Password}"));
            Console.WriteLine(string.Join(Environment.NewLine, lines) + Environment.NewLine);
        });
    }
}
