using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Customer360Portal.Web.Api;

public sealed class IngestApiOptions
{
    public const string Section = "Intake:Api";
    /// <summary>Largest request body accepted; larger requests get 413 before anything is parsed.</summary>
    public int MaxRequestBytes { get; set; } = 5 * 1024 * 1024;
    public int MaxRecordsPerBatch { get; set; } = 1_000;
    /// <summary>Requests per second per key before 429.</summary>
    public int RequestsPerSecond { get; set; } = 50;
}

public sealed record IngestRecord(string Kind, JsonElement Data);
public sealed record IngestRequest(IReadOnlyList<IngestRecord> Records);
public sealed record IngestRecordResult(int Index, string? ExternalId, string Status, IReadOnlyList<string> Reasons);
public sealed record IngestResponse(string Source, int Received, int Stored, int Duplicates, int Quarantined, IReadOnlyList<IngestRecordResult> Results,
    int Suppressed = 0);

/// <summary>
/// <c>POST /api/ingest/{source}</c>: the push connector. Authenticated by the source's API key (Bearer or X-Api-Key),
/// rate-limited per key, answered per record. Hostile input gets 400/413 with a reason, never a crash.
/// </summary>
public static class IngestApi
{
    public const string RateLimitPolicy = "ingest";

    public static IHostApplicationBuilder AddIngestApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestApiOptions>().BindConfiguration(IngestApiOptions.Section);
        var perSecond = builder.Configuration.GetValue<int?>($"{IngestApiOptions.Section}:{nameof(IngestApiOptions.RequestsPerSecond)}") ?? 50;
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // A body of its own, so the status-code pages do not turn the 429 into an HTML page.
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await TypedResults.Problem(detail: "Too many requests for this key; retry after a second.", statusCode: StatusCodes.Status429TooManyRequests)
                    .ExecuteAsync(context.HttpContext);
            };
            limiter.AddPolicy(RateLimitPolicy, context => RateLimitPartition.GetTokenBucketLimiter(
                PresentedKey(context.Request) is { Length: > 13 } key ? key[..13] : "anonymous",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perSecond, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0,
                }));
        });
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapIngestApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapPost("/api/ingest/{source}", IngestAsync)
            .AllowAnonymous() // authenticated by the source's API key, not a sign-in cookie
            .AddEndpointFilter<StoreBusyFilter>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimitPolicy)
            .WithName("IngestRecords")
            .WithSummary("Push a batch of records from a source.")
            .WithDescription("Body: { \"records\": [ { \"kind\": \"contact|order|ticket|email_event|web_event\", \"data\": { ... } } ] }. " +
                             "Authenticate with the source's API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'. " +
                             "Each record is stored, reported as a duplicate, or quarantined with its reasons.")
            .Accepts<IngestRequest>("application/json")
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization[7..].Trim();
        var header = request.Headers["X-Api-Key"].ToString();
        return header.Length > 0 ? header : null;
    }

    private static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> IngestAsync(
        string source, HttpRequest request, SourceRegistry sources, IntakePipeline pipeline,
        Microsoft.Extensions.Options.IOptions<IngestApiOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var keySource = await sources.VerifyAsync(PresentedKey(request), ApiKeyKind.Ingest, cancellationToken);
        if (keySource is null || keySource != source)
            return ApiRequests.Problem(StatusCodes.Status401Unauthorized, "Missing, unknown or revoked API key for this source.");

        var body = await ApiRequests.ReadBodyAsync(request, limits.MaxRequestBytes, cancellationToken);
        if (body is null)
            return ApiRequests.Problem(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {limits.MaxRequestBytes} bytes; send smaller batches.");

        List<(string Kind, byte[] Data)> records;
        try
        {
            records = ParseEnvelope(body, limits.MaxRecordsPerBatch, out var envelopeError);
            if (envelopeError is not null)
                return ApiRequests.Problem(envelopeError.Value.Status, envelopeError.Value.Message);
        }
        catch (JsonException e)
        {
            // The parser's message names a line and byte position, never the content.
            return ApiRequests.Problem(StatusCodes.Status400BadRequest, $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}).");
        }
        catch (DecoderFallbackException)
        {
            return ApiRequests.Problem(StatusCodes.Status400BadRequest, "The body is not valid UTF-8.");
        }

        var receivedAt = clock.GetUtcNow().UtcDateTime;
        var incoming = records.Select(r => new IncomingRecord(source, r.Kind, r.Data, receivedAt)).ToList();
        var items = incoming.Select(pipeline.Prepare).ToList();
        var outcome = await pipeline.WriteAsync(source, items, cancellationToken);

        var results = items.Select((item, i) => new IngestRecordResult(i, item.ExternalId, outcome.Statuses[i] switch
        {
            IntakeStatus.Stored => "stored",
            IntakeStatus.Duplicate or IntakeStatus.QuarantinedDuplicate => "duplicate",
            IntakeStatus.Suppressed => "suppressed",
            _ => "quarantined",
        }, item.Reasons)).ToList();
        return TypedResults.Ok(new IngestResponse(source, items.Count, outcome.Stored, outcome.Duplicates, outcome.Quarantined, results, outcome.Suppressed));
    }

    private static List<(string Kind, byte[] Data)> ParseEnvelope(byte[] body, int maxRecords, out (int Status, string Message)? error)
    {
        error = null;
        // Strict UTF-8 first: JsonDocument would otherwise reject it with a less helpful message.
        new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(body);
        using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("records", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            error = (StatusCodes.Status400BadRequest, "The body must be an object with a 'records' array.");
            return [];
        }
        if (array.GetArrayLength() > maxRecords)
        {
            error = (StatusCodes.Status413PayloadTooLarge, $"At most {maxRecords} records per request.");
            return [];
        }
        var records = new List<(string, byte[])>(array.GetArrayLength());
        foreach (var element in array.EnumerateArray())
        {
            // A record without a usable kind or data still goes through intake, which quarantines it with the reason.
            var kind = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String
                ? k.GetString()! : "(missing kind)";
            var data = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("data", out var d) ? d : element;
            records.Add((kind, Encoding.UTF8.GetBytes(data.GetRawText())));
        }
        return records;
    }

}
