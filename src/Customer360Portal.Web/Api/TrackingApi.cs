using System.Buffers;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.RateLimiting;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Web.Api;

public sealed class TrackingApiOptions
{
    public const string Section = "Intake:Tracking";
    /// <summary>Largest single message (the body of /v1/track and the like, or one item of a batch): the spec's 32 KB.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 32 * 1024;
    /// <summary>Largest /v1/batch body: the spec's 500 KB.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 500 * 1024;
    /// <summary>
    /// Requests per second per write key (or, for browsers that put the key in the body, per client address) before 429.
    /// Higher than the ingest API's: every visitor of an instrumented site sends its own small requests.
    /// </summary>
    [Range(1, 100_000)]
    public int RequestsPerSecond { get; set; } = 200;
}

/// <summary>What Segment answers: the SDKs only look at the status code.</summary>
public sealed record TrackingResponse(bool Success);

/// <summary>One message of the tracking spec, as the OpenAPI document describes it (any other field is kept as sent).</summary>
public sealed record TrackingMessage(
    string? Type, string? MessageId, string? AnonymousId, string? UserId, string? Event, string? Name, string? PreviousId,
    string? GroupId, DateTimeOffset? Timestamp, DateTimeOffset? SentAt, JsonElement? Traits, JsonElement? Properties,
    JsonElement? Context, JsonElement? Integrations, string? WriteKey);

/// <summary>The body of /v1/batch: messages with their own <c>type</c>, and the batch's <c>sentAt</c>, <c>context</c> and <c>writeKey</c>.</summary>
public sealed record TrackingBatch(IReadOnlyList<TrackingMessage> Batch, DateTimeOffset? SentAt, JsonElement? Context, string? WriteKey);

/// <summary>
/// The Segment-compatible tracking API: <c>POST /v1/batch</c>, <c>/v1/identify</c>, <c>/v1/track</c>, <c>/v1/page</c>,
/// <c>/v1/screen</c>, <c>/v1/group</c>, <c>/v1/alias</c> (plus the short paths analytics.js uses: <c>/v1/b</c>,
/// <c>/v1/t</c>, <c>/v1/p</c>, <c>/v1/i</c>, <c>/v1/s</c>, <c>/v1/g</c>, <c>/v1/a</c>, and <c>/v1/import</c>), so a site
/// instrumented with a Segment or RudderStack SDK only changes the host. Authenticated by the source's write key as the
/// HTTP Basic user name or as <c>writeKey</c> in the body. Each message becomes one <c>web_event</c> record for intake,
/// with the spec's clock-skew correction applied; invalid messages are quarantined by intake and still answered 200,
/// so SDKs do not retry them forever.
/// </summary>
public static class TrackingApi
{
    public const string RateLimitPolicy = "tracking";

    /// <summary>The single-message endpoints and the short path analytics.js posts each to.</summary>
    private static readonly (string Type, string ShortPath)[] MessageEndpoints =
        [("identify", "i"), ("track", "t"), ("page", "p"), ("screen", "s"), ("group", "g"), ("alias", "a")];

    public static IHostApplicationBuilder AddTrackingApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrackingApiOptions>().BindConfiguration(TrackingApiOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        // A policy of its own (limit, partition and rejection body); the OpenAPI document is the ingest API's.
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy<string, TrackingRateLimiterPolicy>(RateLimitPolicy));
        return builder;
    }

    public static WebApplication MapTrackingApi(this WebApplication app)
    {
        var v1 = app.MapGroup("/v1")
            .AllowAnonymous() // authenticated by the source's write key, not a sign-in cookie
            .AddEndpointFilter<StoreBusyFilter>()
            .DisableAntiforgery()
            .WithTags("Tracking");

        var batch = v1.MapPost("/batch", Handler(null))
            .WithName("TrackingBatch")
            .WithSummary("Send a batch of tracking messages (Segment spec).")
            .WithDescription("Body: { \"batch\": [ { \"type\": \"identify|track|page|screen|group|alias\", \"messageId\": ..., ... } ], " +
                             "\"sentAt\": ..., \"context\": { ... } }; at most 500 KB, each message at most 32 KB. Authenticate with the " +
                             "source's write key as the HTTP Basic user name (empty password) or as \"writeKey\" in the body. " +
                             "Also served at /v1/b and /v1/import.");
        Describe(batch, typeof(TrackingBatch));
        foreach (var alias in new[] { "/b", "/import" })
        {
            v1.MapPost(alias, Handler(null))
                .RequireRateLimiting(RateLimitPolicy)
                .ExcludeFromDescription();
        }

        foreach (var (type, shortPath) in MessageEndpoints)
        {
            var endpoint = v1.MapPost("/" + type, Handler(type))
                .WithName("Tracking" + char.ToUpperInvariant(type[0]) + type[1..])
                .WithSummary($"Send one {type} message (Segment spec).")
                .WithDescription($"Body: one {type} message of at most 32 KB; its type is set from the path. Authenticate with the " +
                                 "source's write key as the HTTP Basic user name (empty password) or as \"writeKey\" in the body. " +
                                 $"Also served at /v1/{shortPath}.");
            Describe(endpoint, typeof(TrackingMessage));
            v1.MapPost("/" + shortPath, Handler(type))
                .RequireRateLimiting(RateLimitPolicy)
                .ExcludeFromDescription();
        }

        // Browsers: SDKs that send JSON with an Authorization header ask first (analytics.js avoids it with text/plain).
        v1.MapMethods("/{**path}", [HttpMethods.Options], (HttpContext http) =>
        {
            AllowAnyOrigin(http.Response);
            http.Response.Headers.AccessControlAllowMethods = "POST, OPTIONS";
            http.Response.Headers.AccessControlAllowHeaders = "Content-Type, Authorization";
            http.Response.Headers.AccessControlMaxAge = "86400";
            return TypedResults.NoContent();
        }).ExcludeFromDescription();
        return app;
    }

    /// <param name="type">The message type of a single-message endpoint; null for a batch.</param>
    private static Delegate Handler(string? type) =>
        (HttpContext http, SourceRegistry sources, IntakePipeline pipeline, IOptions<TrackingApiOptions> options, TimeProvider clock,
            CancellationToken cancellationToken) => AcceptAsync(type, http, sources, pipeline, options.Value, clock, cancellationToken);

    private static void Describe(RouteHandlerBuilder endpoint, Type body) =>
        endpoint
            .RequireRateLimiting(RateLimitPolicy)
            .Accepts(body, "application/json", "text/plain")
            .Produces<TrackingResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static async Task<Results<Ok<TrackingResponse>, ProblemHttpResult>> AcceptAsync(string? type, HttpContext http,
        SourceRegistry sources, IntakePipeline pipeline, TrackingApiOptions limits, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Browsers post from the instrumented site's origin; without this they report a failure and send again.
        AllowAnyOrigin(http.Response);
        var request = http.Request;

        // A key in the header is checked before the body is read; the spec lets it win over a key in the body.
        var headerKey = BasicUser(request);
        string? source = null;
        if (headerKey is not null)
        {
            source = await sources.VerifyAsync(headerKey, ApiKeyKind.WriteKey, cancellationToken);
            if (source is null) return Unauthorized();
        }

        var limit = type is null ? limits.MaxBatchBytes : limits.MaxMessageBytes;
        var body = await ApiRequests.ReadBodyAsync(request, limit, cancellationToken);
        if (body is null)
        {
            return ApiRequests.Problem(StatusCodes.Status413PayloadTooLarge, type is null
                ? $"The batch is larger than {Kilobytes(limit)}; send smaller batches."
                : $"The message is larger than {Kilobytes(limit)}.");
        }

        var receivedAt = clock.GetUtcNow().UtcDateTime;
        TrackingRequest parsed;
        try
        {
            parsed = TrackingMessages.Parse(body, type, limits.MaxMessageBytes, receivedAt);
        }
        catch (JsonException e)
        {
            // The parser's message names a line and byte position, never the content.
            return ApiRequests.Problem(StatusCodes.Status400BadRequest, $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}).");
        }
        if (parsed.Error is { } error) return ApiRequests.Problem(error.Status, error.Message);

        if (source is null)
        {
            if (parsed.WriteKey is null)
                return Unauthorized();
            source = await sources.VerifyAsync(parsed.WriteKey, ApiKeyKind.WriteKey, cancellationToken);
            if (source is null) return Unauthorized();
        }

        if (parsed.Messages.Count > 0)
        {
            var items = new List<IntakeItem>(parsed.Messages.Count);
            foreach (var message in parsed.Messages)
            {
                // Intake validates and normalises; the key it de-duplicates on is the message's identity, not its bytes,
                // because the corrected timestamp and receivedAt differ on every retry of the same message.
                var item = pipeline.Prepare(new IncomingRecord(source, RecordKinds.WebEvent, message.Payload, receivedAt));
                items.Add(item with { PayloadHash = message.IdentityHash });
            }
            try
            {
                await pipeline.WriteAsync(source, items, cancellationToken);
            }
            catch (UnknownSourceException)
            {
                // The key outlived its source.
                return Unauthorized();
            }
        }
        return TypedResults.Ok(new TrackingResponse(true));
    }

    internal static void AllowAnyOrigin(HttpResponse response)
    {
        // No cookies are involved (the write key is the credential), so any origin may call.
        response.Headers.AccessControlAllowOrigin = "*";
        response.Headers.AccessControlExposeHeaders = "Retry-After, X-RateLimit-Reset";
    }

    /// <summary>The user name of an HTTP Basic Authorization header (the write key), or null when there is none.</summary>
    internal static string? BasicUser(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || authorization.Length > 512) return null;
        Span<byte> decoded = stackalloc byte[384];
        if (!Convert.TryFromBase64String(authorization[6..].Trim(), decoded, out var length)) return "";
        string credentials;
        try
        {
            credentials = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(decoded[..length]);
        }
        catch (DecoderFallbackException)
        {
            return "";
        }
        var colon = credentials.IndexOf(':');
        return colon < 0 ? credentials : credentials[..colon];
    }

    private static string Kilobytes(int bytes) => $"{bytes / 1024} KB";

    private static ProblemHttpResult Unauthorized() =>
        ApiRequests.Problem(StatusCodes.Status401Unauthorized, "Missing, unknown or revoked write key: send the source's write key as the HTTP Basic user name.");

}

/// <summary>
/// The tracking API's own rate limit: a token bucket per write key (from the Basic header), or per client address when
/// the key travels in the body (browsers). A rejection carries a problem body, or the status-code pages would turn it
/// into an HTML page, plus the headers Segment's SDKs wait on.
/// </summary>
internal sealed class TrackingRateLimiterPolicy(IOptions<TrackingApiOptions> options) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, _) =>
    {
        var response = context.HttpContext.Response;
        TrackingApi.AllowAnyOrigin(response);
        response.Headers.RetryAfter = "1";
        response.Headers["X-RateLimit-Reset"] = "1";
        await TypedResults.Problem(detail: "Too many requests for this write key; retry after a second.",
            statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context.HttpContext);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var key = TrackingApi.BasicUser(httpContext.Request) is { Length: > 0 } writeKey
            ? "key:" + (writeKey.Length > 13 ? writeKey[..13] : writeKey)
            : "ip:" + httpContext.Connection.RemoteIpAddress;
        var perSecond = options.Value.RequestsPerSecond;
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0,
        });
    }
}

/// <summary>One message ready for intake: the rewritten payload and the identity intake de-duplicates it on.</summary>
internal sealed record TrackingPayload(byte[] Payload, string IdentityHash);

internal sealed record TrackingRequest(IReadOnlyList<TrackingPayload> Messages, string? WriteKey, (int Status, string Message)? Error)
{
    public static TrackingRequest Failed(int status, string message) => new([], null, (status, message));
}

/// <summary>
/// Reads tracking requests and rewrites each message for intake, per the spec: the endpoint's <c>type</c>, a
/// <c>messageId</c> (a deterministic one when missing, so retries still de-duplicate), the clock-skew correction
/// <c>timestamp = receivedAt - (sentAt - timestamp)</c> with the client's value kept in <c>originalTimestamp</c>,
/// <c>sentAt</c> and <c>receivedAt</c>, the batch's <c>context</c> and <c>integrations</c> merged in, and the write key
/// removed (it is a credential). Everything else, <c>context.consent</c> included, is copied byte for byte, so values
/// are never re-encoded and anything hostile reaches intake's checks exactly as sent.
/// </summary>
internal static class TrackingMessages
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };
    private static readonly string[] EnvelopeNames = ["batch", "sentAt", "writeKey", "context", "integrations"];

    /// <param name="type">The single-message endpoint's type, or null for a batch.</param>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static TrackingRequest Parse(byte[] body, string? type, int maxMessageBytes, DateTime receivedAt)
    {
        ReadOnlyMemory<byte> json = body;
        if (json.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) json = json[3..];
        if (json.IsEmpty) return TrackingRequest.Failed(StatusCodes.Status400BadRequest, "The body is empty.");
        if (!System.Text.Unicode.Utf8.IsValid(json.Span)) return TrackingRequest.Failed(StatusCodes.Status400BadRequest, "The body is not valid UTF-8.");

        using var document = JsonDocument.Parse(json, DocumentOptions);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return TrackingRequest.Failed(StatusCodes.Status400BadRequest,
                type is null ? "The body must be an object with a 'batch' array." : "The body must be one message: a JSON object.");
        }

        if (type is not null)
        {
            var message = Rewrite(JsonMarshal.GetRawUtf8Value(root).ToArray(), type, BatchDefaults.None, receivedAt);
            return message.Conflict is { } conflict
                ? TrackingRequest.Failed(StatusCodes.Status400BadRequest, conflict)
                : new TrackingRequest([message.Message!], message.WriteKey, null);
        }

        JsonElement? batch = null;
        string? batchWriteKey = null;
        var defaults = BatchDefaults.None;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            // Compared, not read: a name with a broken escape is no text, and is simply none of these.
            var name = EnvelopeNames.FirstOrDefault(n => NameEquals(property, n));
            if (name is null) continue;
            if (!seen.Add(name)) return TrackingRequest.Failed(StatusCodes.Status400BadRequest, $"The body repeats the property '{name}'.");
            var value = property.Value;
            switch (name)
            {
                case "batch":
                    batch = value;
                    break;
                case "writeKey" when value.ValueKind == JsonValueKind.String:
                    var keyReader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(value));
                    keyReader.Read();
                    batchWriteKey = TryGetString(ref keyReader);
                    break;
                case "sentAt" when value.ValueKind == JsonValueKind.String:
                    var rawSentAt = JsonMarshal.GetRawUtf8Value(value).ToArray();
                    defaults = defaults with { SentAtRaw = rawSentAt, SentAt = TryParseTime(value, out var sentAt) ? sentAt : null };
                    break;
                case "context" when value.ValueKind == JsonValueKind.Object:
                    defaults = defaults with { Context = JsonMarshal.GetRawUtf8Value(value).ToArray() };
                    break;
                case "integrations" when value.ValueKind == JsonValueKind.Object:
                    defaults = defaults with { Integrations = JsonMarshal.GetRawUtf8Value(value).ToArray() };
                    break;
            }
        }
        if (batch is not { ValueKind: JsonValueKind.Array } items)
            return TrackingRequest.Failed(StatusCodes.Status400BadRequest, "The body must be an object with a 'batch' array.");

        var messages = new List<TrackingPayload>(items.GetArrayLength());
        string? messageWriteKey = null;
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var raw = JsonMarshal.GetRawUtf8Value(item);
            if (raw.Length > maxMessageBytes)
            {
                return TrackingRequest.Failed(StatusCodes.Status413PayloadTooLarge,
                    $"Message {index} of the batch is larger than {maxMessageBytes / 1024} KB.");
            }
            if (item.ValueKind == JsonValueKind.Object)
            {
                var rewritten = Rewrite(raw.ToArray(), null, defaults, receivedAt);
                if (rewritten.Conflict is { } conflict)
                    return TrackingRequest.Failed(StatusCodes.Status400BadRequest, $"Message {index}: {conflict}");
                if (rewritten.WriteKey is { } key)
                {
                    // analytics.js puts the key in every message; they must agree, or the batch's source is ambiguous.
                    if (messageWriteKey is not null && messageWriteKey != key)
                        return TrackingRequest.Failed(StatusCodes.Status400BadRequest, "The messages of the batch carry different write keys.");
                    messageWriteKey = key;
                }
                messages.Add(rewritten.Message!);
            }
            else
            {
                // Not a message at all: intake quarantines it with the reason.
                var bytes = raw.ToArray();
                messages.Add(new TrackingPayload(bytes, Convert.ToHexStringLower(SHA256.HashData(bytes))));
            }
            index++;
        }
        return new TrackingRequest(messages, batchWriteKey ?? messageWriteKey, null);
    }

    /// <summary>What a batch gives every message that lacks its own.</summary>
    private sealed record BatchDefaults(byte[]? SentAtRaw, DateTime? SentAt, byte[]? Context, byte[]? Integrations)
    {
        public static readonly BatchDefaults None = new(null, null, null, null);
    }

    private enum Field { Other, Type, MessageId, Timestamp, OriginalTimestamp, SentAt, ReceivedAt, WriteKey, Context, Integrations, Metadata }

    private static readonly (Field Field, byte[] Name)[] Fields =
    [
        (Field.Type, "type"u8.ToArray()), (Field.MessageId, "messageId"u8.ToArray()), (Field.Timestamp, "timestamp"u8.ToArray()),
        (Field.OriginalTimestamp, "originalTimestamp"u8.ToArray()), (Field.SentAt, "sentAt"u8.ToArray()),
        (Field.ReceivedAt, "receivedAt"u8.ToArray()), (Field.WriteKey, "writeKey"u8.ToArray()), (Field.Context, "context"u8.ToArray()),
        (Field.Integrations, "integrations"u8.ToArray()), (Field.Metadata, "_metadata"u8.ToArray()),
    ];

    /// <summary>A top-level property of a message: where its raw name (with quotes) and raw value are.</summary>
    private readonly record struct RawProperty(Field Field, int NameStart, int NameLength, int ValueStart, int ValueLength, JsonTokenType ValueType);

    private readonly record struct Rewritten(TrackingPayload? Message, string? WriteKey, string? Conflict);

    private static Rewritten Rewrite(byte[] message, string? endpointType, BatchDefaults defaults, DateTime receivedAt)
    {
        var properties = new List<RawProperty>(16);
        var found = new RawProperty?[Fields.Length + 1];
        var repeated = false;
        string? writeKey = null, messageId = null;
        DateTime? timestamp = null, sentAt = null;

        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 64 });
        reader.Read(); // the message's own StartObject
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var nameStart = (int)reader.TokenStartIndex;
            var nameLength = reader.ValueSpan.Length + 2;
            var field = Classify(ref reader);
            reader.Read();
            var valueStart = (int)reader.TokenStartIndex;
            var valueType = reader.TokenType;
            switch (field)
            {
                case Field.WriteKey when valueType == JsonTokenType.String:
                    writeKey = TryGetString(ref reader);
                    break;
                case Field.MessageId when valueType == JsonTokenType.String:
                    messageId = TryGetString(ref reader);
                    break;
                case Field.Timestamp when valueType == JsonTokenType.String:
                    timestamp = TryParseTime(ref reader);
                    break;
                case Field.SentAt when valueType == JsonTokenType.String:
                    sentAt = TryParseTime(ref reader);
                    break;
            }
            reader.Skip();
            var property = new RawProperty(field, nameStart, nameLength, valueStart, (int)reader.BytesConsumed - valueStart, valueType);
            properties.Add(property);
            if (field != Field.Other)
            {
                if (found[(int)field].HasValue)
                {
                    // Two write keys: which source the message belongs to would be a guess.
                    if (field == Field.WriteKey) return new Rewritten(null, null, "the message repeats 'writeKey'.");
                    repeated = true;
                }
                found[(int)field] = property;
            }
        }

        byte[] Value(RawProperty p) => message.AsSpan(p.ValueStart, p.ValueLength).ToArray();
        (byte[] Name, byte[] Value) Pair(RawProperty p) => (message.AsSpan(p.NameStart, p.NameLength).ToArray(), Value(p));
        if (repeated)
        {
            // Which value counts would be a guess too: keep every property as sent (without the key) and let intake's
            // repeated-names check quarantine the message with its reason.
            var kept = Join(properties.Where(p => p.Field != Field.WriteKey).Select(Pair));
            return new Rewritten(new TrackingPayload(kept, Hash(kept)), writeKey, null);
        }
        RawProperty? Get(Field field) => found[(int)field];

        // The client's own fields, with the batch's context and integrations under the message's own.
        var own = new List<(byte[] Name, byte[] Value)>(properties.Count + 2);
        foreach (var property in properties)
        {
            if (property.Field is Field.Context or Field.Integrations)
            {
                var inherited = property.Field == Field.Context ? defaults.Context : defaults.Integrations;
                own.Add(inherited is not null && property.ValueType == JsonTokenType.StartObject
                    ? (Pair(property).Name, Merge(inherited, Value(property)))
                    : Pair(property));
            }
            else if (property.Field == Field.Other)
            {
                own.Add(Pair(property));
            }
        }
        if (defaults.Context is not null && Get(Field.Context) is null) own.Add((Names.Context, defaults.Context));
        if (defaults.Integrations is not null && Get(Field.Integrations) is null) own.Add((Names.Integrations, defaults.Integrations));

        var type = endpointType is not null ? Quoted(endpointType) : Get(Field.Type) is { } clientType ? Value(clientType) : null;
        var clientTimestamp = Get(Field.Timestamp) is { } ts && ts.ValueType != JsonTokenType.Null
            && !(ts.ValueType == JsonTokenType.String && ts.ValueLength == 2) ? Value(ts) : null;
        var clientOriginal = Get(Field.OriginalTimestamp) is { } ots ? Value(ots) : null;

        // The message's identity, which intake de-duplicates on. The spec de-duplicates on messageId alone (retries may
        // differ in metadata such as a retry count); without one, on what the client said, less what changes per send.
        var extra = new List<(byte[] Name, byte[] Value)>(7);
        if (type is not null) extra.Add((Names.Type, type));
        string identityHash;
        var id = Get(Field.MessageId);
        if (id is { } given && given.ValueType != JsonTokenType.Null && !(given.ValueType == JsonTokenType.String && messageId == ""))
        {
            extra.Add((Names.MessageId, Value(given)));
            identityHash = messageId is not null ? IdHash(messageId)
                : given.ValueType == JsonTokenType.Number ? IdHash(Encoding.UTF8.GetString(Value(given)))
                : Hash(Value(given)); // not a usable id: intake quarantines the message and says why
        }
        else
        {
            var identity = new List<(byte[] Name, byte[] Value)>(own);
            if (type is not null) identity.Add((Names.Type, type));
            if (clientTimestamp is not null) identity.Add((Names.Timestamp, clientTimestamp));
            if (clientOriginal is not null) identity.Add((Names.OriginalTimestamp, clientOriginal));
            var generated = "c360-" + Hash(Join(identity))[..32];
            extra.Add((Names.MessageId, Quoted(generated)));
            identityHash = IdHash(generated);
        }

        // Clock skew: the client's clock may be off, but the gap between its timestamp and its sentAt is real.
        var clientSentAt = Get(Field.SentAt) is not null ? sentAt : defaults.SentAt;
        if (clientTimestamp is null)
            extra.Add((Names.Timestamp, Quoted(Format(receivedAt))));
        else if (timestamp is { } time && clientSentAt is { } sent && Corrected(receivedAt, sent, time) is { } corrected)
            extra.Add((Names.Timestamp, Quoted(Format(corrected))));
        else
            extra.Add((Names.Timestamp, clientTimestamp)); // no sentAt, or not a time: intake judges it as sent
        if ((clientTimestamp ?? clientOriginal) is { } originalTimestamp) extra.Add((Names.OriginalTimestamp, originalTimestamp));
        if (Get(Field.SentAt) is { } ownSentAt) extra.Add((Names.SentAt, Value(ownSentAt)));
        else if (defaults.SentAtRaw is not null) extra.Add((Names.SentAt, defaults.SentAtRaw));
        extra.Add((Names.ReceivedAt, Quoted(Format(receivedAt))));
        if (Get(Field.Metadata) is { } metadata) extra.Add(Pair(metadata));

        return new Rewritten(new TrackingPayload(Join(own.Concat(extra)), identityHash), writeKey, null);
    }

    /// <summary>The names this API writes, quoted as they appear in JSON.</summary>
    private static class Names
    {
        public static readonly byte[] Type = "\"type\""u8.ToArray();
        public static readonly byte[] MessageId = "\"messageId\""u8.ToArray();
        public static readonly byte[] Timestamp = "\"timestamp\""u8.ToArray();
        public static readonly byte[] OriginalTimestamp = "\"originalTimestamp\""u8.ToArray();
        public static readonly byte[] SentAt = "\"sentAt\""u8.ToArray();
        public static readonly byte[] ReceivedAt = "\"receivedAt\""u8.ToArray();
        public static readonly byte[] Context = "\"context\""u8.ToArray();
        public static readonly byte[] Integrations = "\"integrations\""u8.ToArray();
    }

    private static Field Classify(ref Utf8JsonReader reader)
    {
        try
        {
            foreach (var (field, name) in Fields)
            {
                if (reader.ValueTextEquals(name)) return field;
            }
        }
        catch (InvalidOperationException)
        {
            // A name with an escape that is no text (an unpaired surrogate) is none of ours; intake reports it.
        }
        return Field.Other;
    }

    private static bool NameEquals(JsonProperty property, string name)
    {
        try
        {
            return property.NameEquals(name);
        }
        catch (InvalidOperationException)
        {
            return false; // as above
        }
    }

    private static string? TryGetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null; // an escape that is no text (a lone surrogate): intake reports it
        }
    }

    private static DateTime? TryParseTime(ref Utf8JsonReader reader)
    {
        if (!reader.TryGetDateTime(out var value)) return null;
        if (value.Kind != DateTimeKind.Local) return DateTime.SpecifyKind(value, DateTimeKind.Utc);
        return reader.TryGetDateTimeOffset(out var withOffset) ? withOffset.UtcDateTime : null;
    }

    /// <summary>As intake reads times: ISO 8601, no offset means UTC, an explicit offset is honoured.</summary>
    private static bool TryParseTime(JsonElement element, out DateTime utc)
    {
        utc = default;
        if (!element.TryGetDateTime(out var value)) return false;
        if (value.Kind != DateTimeKind.Local)
        {
            utc = DateTime.SpecifyKind(value, DateTimeKind.Utc);
            return true;
        }
        if (!element.TryGetDateTimeOffset(out var withOffset)) return false;
        utc = withOffset.UtcDateTime;
        return true;
    }

    /// <summary><c>receivedAt - (sentAt - timestamp)</c>, or null when absurd times would leave the calendar.</summary>
    private static DateTime? Corrected(DateTime receivedAt, DateTime sentAt, DateTime timestamp)
    {
        var ticks = (Int128)receivedAt.Ticks - ((Int128)sentAt.Ticks - timestamp.Ticks);
        return ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks ? new DateTime((long)ticks, DateTimeKind.Utc) : null;
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static byte[] Quoted(string text) =>
        Encoding.UTF8.GetBytes("\"" + JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"");

    /// <summary>Writes an object from raw names (quoted, as sent) and raw values.</summary>
    private static byte[] Join(IEnumerable<(byte[] Name, byte[] Value)> pairs)
    {
        var output = new ArrayBufferWriter<byte>(1024);
        output.Write("{"u8);
        var first = true;
        foreach (var (name, value) in pairs)
        {
            if (!first) output.Write(","u8);
            first = false;
            output.Write(name);
            output.Write(":"u8);
            output.Write(value);
        }
        output.Write("}"u8);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The batch's object (context or integrations) under the message's own: the message wins per key.</summary>
    private static byte[] Merge(byte[] batchObject, byte[] messageObject)
    {
        var own = TopLevel(messageObject);
        var ownNames = own.Select(p => p.Name).ToList();
        var inherited = TopLevel(batchObject).Where(p => !ownNames.Any(n => n.AsSpan().SequenceEqual(p.Name)));
        return Join(own.Concat(inherited));
    }

    private static List<(byte[] Name, byte[] Value)> TopLevel(ReadOnlySpan<byte> obj)
    {
        var pairs = new List<(byte[] Name, byte[] Value)>();
        var reader = new Utf8JsonReader(obj, new JsonReaderOptions { MaxDepth = 64 });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = obj.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2).ToArray();
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            pairs.Add((name, obj[start..(int)reader.BytesConsumed].ToArray()));
        }
        return pairs;
    }

    private static string IdHash(string messageId) => Hash(Encoding.UTF8.GetBytes("web_event/messageId/" + messageId));

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
