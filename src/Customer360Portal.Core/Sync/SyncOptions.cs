using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Sync;

/// <summary>One configured source and its connector (section <c>Sync:Sources</c>, a list).</summary>
public sealed class SyncSourceOptions
{
    public string Key { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public SourceKind Kind { get; set; }
    public ConnectorStyle Connector { get; set; }
    /// <summary>Record kind of this source's records (pull pages and files carry bare payloads).</summary>
    public string RecordKind { get; set; } = "";
    public int TrustRank { get; set; }

    /// <summary>Pull: the list endpoint, answering <c>?cursor=&amp;limit=</c> with <c>{ records, nextCursor, hasMore, total? }</c>.</summary>
    public string? BaseUrl { get; set; }
    public int PageSize { get; set; } = 500;

    /// <summary>File drop: the folder watched; files arrive in <c>incoming/</c> and move to <c>done/</c> or <c>failed/</c>.</summary>
    public string? Folder { get; set; }
    public int LinesPerBatch { get; set; } = 1_000;

    /// <summary>Time between passes; "run now" starts one at once.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);
}

public sealed class SyncOptions
{
    public const string Section = "Sync";
    public List<SyncSourceOptions> Sources { get; set; } = [];
    /// <summary>Run the sync services in this process (the portal); false when they run as their own worker.</summary>
    public bool RunInProcess { get; set; } = true;
}
