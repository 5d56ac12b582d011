using System.CommandLine;

namespace Customer360Portal.Cli.Commands;

/// <summary>The options every command that opens the profile store takes, and the settings they override.</summary>
internal static class StoreOptions
{
    public static readonly Option<string?> DataFolder = new("--data-folder")
    {
        Description = "Folder of the embedded SQLite store (default: the per-user application data folder).",
    };
    public static readonly Option<string?> Provider = new("--provider") { Description = "Sqlite (default) or SqlServer." };
    public static readonly Option<string?> Connection = new("--connection")
    {
        Description = "Connection string of the profile store (required for SqlServer).",
    };

    public static void AddTo(Command command)
    {
        command.Options.Add(DataFolder);
        command.Options.Add(Provider);
        command.Options.Add(Connection);
    }

    /// <summary>Configuration keys set by the given option values (unset options leave the settings alone).</summary>
    public static Dictionary<string, string?> Overrides(string? dataFolder, string? provider, string? connection)
    {
        var overrides = new Dictionary<string, string?>();
        if (dataFolder is not null) overrides["ProfileStore:DataFolder"] = Path.GetFullPath(dataFolder);
        if (provider is not null) overrides["ProfileStore:Provider"] = provider;
        if (connection is not null) overrides["ConnectionStrings:ProfileStore"] = connection;
        return overrides;
    }

    public static Dictionary<string, string?> Overrides(ParseResult parse) =>
        Overrides(parse.GetValue(DataFolder), parse.GetValue(Provider), parse.GetValue(Connection));
}
