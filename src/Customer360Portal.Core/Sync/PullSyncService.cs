using System.Text;
using System.Text.Json;
using Customer360Portal.Core.Ingestion;
using Microsoft.Extensions.Logging;

namespace Customer360Portal.Core.Sync;

/// <summary>
/// Pulls pages from a source's REST API with a cursor: <c>GET {BaseUrl}?cursor=..&amp;limit=..</c> answering
/// <c>{ "records": [...], "nextCursor": "...", "hasMore": true, "total": 1234 }</c>. Each page is ingested in one
/// transaction with its next cursor, so a restart resumes at the first page not committed. Retries with back-off,
/// timeouts and a circuit breaker come from the HttpClient's resilience pipeline (Polly).
/// </summary>
public sealed class PullSyncService(SyncSourceOptions source, IHttpClientFactory http, IntakePipeline pipeline, SourceRegistry registry,
    TimeProvider clock, ILogger<PullSyncService> logger) : SourceSyncService(source, registry, clock, logger)
{
    public const string HttpClientName = "sync-pull";

    protected override async Task<long> RunPassAsync(CancellationToken cancellationToken)
    {
        var client = http.CreateClient(HttpClientName);
        long taken = 0;
        while (true)
        {
            var state = await Registry.FindAsync(Source.Key, cancellationToken);
            if (state is null || state.State == Data.Model.SyncState.Paused) return taken;
            var url = PageUrl(Source.BaseUrl!, Source.PageSize, state.Cursor);
            using var response = await client.GetAsync(url, cancellationToken);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var page = ParsePage(body, Source.RecordKind, Source.Key, Clock.GetUtcNow().UtcDateTime);
            if (page.Records.Count > 0 || page.NextCursor != state.Cursor)
                await pipeline.IngestAsync(Source.Key, page.Records, page.NextCursor ?? state.Cursor, cancellationToken);
            taken += page.Records.Count;
            if (page.Total is { } total)
                await Registry.ReportBackfillAsync(Source.Key, total, cancellationToken);
            // A source that says "more" without moving its cursor would be asked for the same page forever.
            if (!page.HasMore || page.Records.Count == 0 || page.NextCursor is null || page.NextCursor == state.Cursor) return taken;
        }
    }

    /// <summary>The list endpoint with <c>limit</c> and, after the first page, <c>cursor</c> (kept apart from any query the base URL has).</summary>
    internal static string PageUrl(string baseUrl, int pageSize, string? cursor)
    {
        var separator = baseUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var url = $"{baseUrl}{separator}limit={pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        return cursor is { Length: > 0 } ? $"{url}&cursor={Uri.EscapeDataString(cursor)}" : url;
    }

    internal sealed record Page(IReadOnlyList<IncomingRecord> Records, string? NextCursor, bool HasMore, long? Total);

    internal static Page ParsePage(byte[] body, string kind, string sourceKey, DateTime receivedAt)
    {
        using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        var root = document.RootElement;
        var records = new List<IncomingRecord>();
        if (root.TryGetProperty("records", out var array) && array.ValueKind == JsonValueKind.Array)
            foreach (var element in array.EnumerateArray())
                records.Add(new IncomingRecord(sourceKey, kind, Encoding.UTF8.GetBytes(element.GetRawText()), receivedAt));
        var next = root.TryGetProperty("nextCursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        var hasMore = root.TryGetProperty("hasMore", out var h) && h.ValueKind == JsonValueKind.True;
        long? total = root.TryGetProperty("total", out var t) && t.TryGetInt64(out var n) ? n : null;
        return new Page(records, next, hasMore, total);
    }
}
