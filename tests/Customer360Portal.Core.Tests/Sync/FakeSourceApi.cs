using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Customer360Portal.Core.Tests.Sync;

/// <summary>
/// A source system's REST API on a real loopback port (Kestrel): <c>GET /records?limit=&amp;cursor=</c> answers
/// <c>{ records, nextCursor, hasMore, total }</c> from a list the test grows. The cursor is opaque to the client
/// ("pos-N": the next record's position). The test can make it fail: a queue of status codes answered before pages.
/// </summary>
public sealed class FakeSourceApi : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly List<byte[]> records = [];
    private readonly Queue<int> failures = new();
    private readonly object gate = new();
    private int pageRequests, failedRequests;

    private FakeSourceApi(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";
    public int PageRequests { get { lock (gate) return pageRequests; } }
    public int FailedRequests { get { lock (gate) return failedRequests; } }
    /// <summary>Answer every request with this status until cleared (a permanent failure).</summary>
    public int? FailAlways { get; set; }

    public static string CursorAt(int position) => $"pos-{position}";

    public static async Task<FakeSourceApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var api = new FakeSourceApi(app);
        app.MapGet("/records", (int? limit, string? cursor) => api.Page(limit ?? 100, cursor));
        await app.StartAsync();
        api.BaseUrl = app.Urls.Single() + "/records";
        return api;
    }

    public void Add(IEnumerable<byte[]> more)
    {
        lock (gate) records.AddRange(more);
    }

    /// <summary>The next requests answer these statuses, one each, before pages are served again.</summary>
    public void FailNext(params int[] statuses)
    {
        lock (gate) foreach (var status in statuses) failures.Enqueue(status);
    }

    private IResult Page(int limit, string? cursor)
    {
        lock (gate)
        {
            if (FailAlways is { } always || failures.TryDequeue(out always))
            {
                failedRequests++;
                // A body with a value in it: the failure recorded on the source must not repeat it.
                return Results.Text("""{"error":"backend down while reading jon.smith@example.com"}""", "application/json", statusCode: always);
            }
            pageRequests++;
            var from = cursor is { Length: > 4 } && cursor.StartsWith("pos-", StringComparison.Ordinal) ? int.Parse(cursor[4..]) : 0;
            var take = Math.Clamp(records.Count - from, 0, limit);
            var next = from + take;
            var body = new StringBuilder("{\"records\":[");
            for (var i = from; i < next; i++)
            {
                if (i > from) body.Append(',');
                body.Append(Encoding.UTF8.GetString(records[i]));
            }
            body.Append($"],\"nextCursor\":\"{CursorAt(next)}\",\"hasMore\":{(next < records.Count ? "true" : "false")},\"total\":{records.Count}}}");
            return Results.Text(body.ToString(), "application/json");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
