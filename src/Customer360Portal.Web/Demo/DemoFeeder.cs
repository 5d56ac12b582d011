using System.Net.Http.Headers;
using System.Text;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Customer360Portal.Web.Setup;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Web.Demo;

/// <summary>
/// Plays the demo's push-style source systems against the portal's real front doors: the help desk drops JSON-lines
/// files into its watched folder, the email platform posts batches to the ingest API with its API key, and the web
/// analytics sends its events to the Segment-compatible <c>/v1/batch</c> with its write key (the few records that are
/// not even JSON go to the ingest API, as a broken tag would). It sends the backfill, then follows the live trickle.
/// </summary>
public sealed class DemoFeeder(DemoWorld world, SourceRegistry sources, IServer server, IHostApplicationLifetime lifetime,
    IHttpClientFactory http, IOptions<DemoOptions> options, ILogger<DemoFeeder> logger) : BackgroundService
{
    public const string HttpClientName = "demo-feeder";
    private readonly Dictionary<string, int> sent = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await WaitForStartAsync(stoppingToken)) return;
        var baseAddress = SelfAddress(server);
        var client = http.CreateClient(HttpClientName);
        client.BaseAddress = new Uri(baseAddress);
        // Keys are issued for this run only and never leave memory.
        var actor = AuditActor.System("demo-mode");
        var keys = new Dictionary<string, string>();
        foreach (var source in new[] { DemoSources.Email, DemoSources.Web })
            keys[source.Key] = (await sources.RotateKeyAsync(source.Key, ApiKeyKind.Ingest, actor, stoppingToken)).Secret;
        var writeKey = (await sources.RotateKeyAsync(DemoSources.Web.Key, ApiKeyKind.WriteKey, actor, stoppingToken)).Secret;

        using var ticks = new PeriodicTimer(options.Value.FeedInterval);
        do
        {
            try
            {
                await DropFilesAsync(DemoSources.HelpDesk, stoppingToken);
                await PushAsync(client, DemoSources.Email.Key, Take(DemoSources.Email.Key, int.MaxValue), keys[DemoSources.Email.Key], stoppingToken);
                var web = Take(DemoSources.Web.Key, int.MaxValue);
                var (tracked, broken) = (web.Where(r => DemoJson.IsObject(r.Payload)).ToList(), web.Where(r => !DemoJson.IsObject(r.Payload)).ToList());
                await TrackAsync(client, tracked, writeKey, stoppingToken);
                await PushAsync(client, DemoSources.Web.Key, broken, keys[DemoSources.Web.Key], stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Demo feeder pass failed: {ExceptionType}", e.GetType().Name);
            }
        } while (await ticks.WaitForNextTickAsync(stoppingToken));
    }

    private async Task DropFilesAsync(DemoSources.DemoSource source, CancellationToken cancellationToken)
    {
        var records = Take(source.Key, 50_000);
        if (records.Count == 0) return;
        var incoming = Directory.CreateDirectory(Path.Combine(options.Value.DropFolder(source.Key), "incoming")).FullName;
        var name = $"{source.RecordKind}-{DateTime.UtcNow:yyyyMMddHHmmssfff}.jsonl";
        // Written under a temporary name and renamed, so the watcher never reads half a file.
        var temporary = Path.Combine(incoming, name + ".partial");
        await using (var file = new StreamWriter(temporary, append: false, new UTF8Encoding(false)))
            foreach (var record in records)
                await file.WriteLineAsync(Encoding.UTF8.GetString(record.Payload).AsMemory(), cancellationToken);
        File.Move(temporary, Path.Combine(incoming, name));
    }

    private static async Task PushAsync(HttpClient client, string sourceKey, IReadOnlyList<DemoRecord> records, string key, CancellationToken cancellationToken)
    {
        foreach (var chunk in records.Chunk(500))
        {
            var body = new StringBuilder("{\"records\":[");
            for (var i = 0; i < chunk.Length; i++)
            {
                if (i > 0) body.Append(',');
                body.Append("{\"kind\":\"").Append(chunk[i].Kind).Append("\",\"data\":").Append(DemoJson.AsJsonValue(chunk[i].Payload)).Append('}');
            }
            body.Append("]}");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ingest/{sourceKey}")
            {
                Content = new StringContent(body.ToString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Web events as a site's Segment SDK sends them: batches to /v1/batch, the write key as Basic user name.</summary>
    private static async Task TrackAsync(HttpClient client, IReadOnlyList<DemoRecord> records, string writeKey, CancellationToken cancellationToken)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":"));
        foreach (var chunk in records.Chunk(100))
        {
            var body = "{\"batch\":[" + string.Join(",", chunk.Select(r => Encoding.UTF8.GetString(r.Payload))) + "]}";
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>The records of a source not handed over yet (the world only grows).</summary>
    private IReadOnlyList<DemoRecord> Take(string sourceKey, int max)
    {
        var offset = sent.GetValueOrDefault(sourceKey);
        var records = world.Read(sourceKey, offset, max, out _);
        sent[sourceKey] = offset + records.Count;
        return records;
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var stopping = stoppingToken.Register(() => started.TrySetCanceled());
        try { await started.Task; return true; }
        catch (TaskCanceledException) { return false; }
    }

    /// <summary>Where this portal listens, as a loopback URL the demo's source systems can call.</summary>
    public static string SelfAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
            ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? "http://127.0.0.1:5000";
        return address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1")
            .Replace("://[::]", "://127.0.0.1").Replace("://localhost", "://127.0.0.1");
    }
}

/// <summary>
/// Sends the demo pull connectors' requests for <c>http://demo-sources.invalid/...</c> to this portal's own address,
/// once it listens: the simulated CRM and shop live inside the portal, reached over real loopback HTTP.
/// </summary>
public sealed class DemoLoopbackHandler(IServer server, IHostApplicationLifetime lifetime) : DelegatingHandler
{
    public const string Host = "demo-sources.invalid";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { Host: Host } uri)
        {
            if (!lifetime.ApplicationStarted.IsCancellationRequested)
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            request.RequestUri = new Uri(new Uri(DemoFeeder.SelfAddress(server)), uri.PathAndQuery);
        }
        return await base.SendAsync(request, cancellationToken);
    }
}
