using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Customer360Portal.Cli.Tests.Sync;

/// <summary>
/// A source's REST API in the test process, on a loopback port (Kestrel), for a worker in another process:
/// <c>GET /records?limit=&amp;cursor=</c> answering <c>{ records, nextCursor, hasMore, total }</c>.
/// </summary>
public sealed class PagedSourceApi : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly IReadOnlyList<byte[]> records;

    private PagedSourceApi(WebApplication app, IReadOnlyList<byte[]> records) => (this.app, this.records) = (app, records);

    public string BaseUrl { get; private set; } = "";

    public static string CursorAt(int position) => $"pos-{position}";

    public static async Task<PagedSourceApi> StartAsync(IReadOnlyList<byte[]> records)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var api = new PagedSourceApi(app, records);
        app.MapGet("/records", (int? limit, string? cursor) => api.Page(Math.Clamp(limit ?? 100, 1, 5_000), cursor));
        await app.StartAsync();
        api.BaseUrl = app.Urls.Single() + "/records";
        return api;
    }

    private IResult Page(int limit, string? cursor)
    {
        var from = cursor is { Length: > 4 } && cursor.StartsWith("pos-", StringComparison.Ordinal) ? int.Parse(cursor[4..], System.Globalization.CultureInfo.InvariantCulture) : 0;
        var next = Math.Min(records.Count, from + limit);
        var body = new StringBuilder("{\"records\":[");
        for (var i = from; i < next; i++)
        {
            if (i > from) body.Append(',');
            body.Append(Encoding.UTF8.GetString(records[i]));
        }
        body.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"],\"nextCursor\":\"{CursorAt(next)}\",\"hasMore\":{(next < records.Count ? "true" : "false")},\"total\":{records.Count}}}");
        return Results.Text(body.ToString(), "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
