using System.CommandLine;

namespace Customer360Portal.Cli.Commands;

/// <summary><c>c360 sync</c>: runs the configured sync services as their own process. Being built: see issue 3.</summary>
public static class SyncCommand
{
    public static Command Create() => new("sync", "Run the configured sync services as their own process (not built yet).");
}
