using Customer360Portal.Core.Access;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Customer360Portal.Web.Setup;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Creates one demo user per role. Off unless asked for: a plain start never creates demo users.</summary>
    public bool Enabled { get; set; }
}

public static class DemoMode
{
    /// <summary>Lets the README say <c>dotnet run ... -- --demo</c> instead of <c>--Demo:Enabled=true</c>.</summary>
    public static string[] ExpandFlag(string[] args) =>
        args.Select(a => a == "--demo" ? "--Demo:Enabled=true" : a).ToArray();

    public static IHostApplicationBuilder AddDemoMode(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);
        return builder;
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
