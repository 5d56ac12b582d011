using System.Security.Claims;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Customer360Portal.Web.Api;

/// <summary>Body of <c>POST /api/privacy/requests</c>: type and regulation by name, case-insensitive.</summary>
public sealed record FilePrivacyRequest(string? Type, string? Regulation, string? Contact, string? Details);

public sealed record PrivacyRequestFiled(long Id, string Type, string Regulation, string Status, DateTime ReceivedAt, DateTime DueAt);

public sealed record PrivacyRequestStatusAnswer(long Id, string Type, string Regulation, string Status, string Verification,
    DateTime ReceivedAt, DateTime DueAt, DateTime? CompletedAt, string? Outcome);

/// <summary>
/// Intake of data-subject requests from other systems (a web form, a help desk) and their status for the filer, plus the
/// access package download for privacy officers.
/// <para>
/// Who may file: a signed-in privacy officer or admin (the portal's cookie), or a system holding one of the sources'
/// ingest API keys (the channel records which source). A separate key kind for privacy intake would need a model change
/// (<see cref="ApiKeyKind"/>), so ingest keys are accepted; a key only sees the status of requests it filed itself.
/// The endpoints accept JSON only, which a browser cannot send cross-site without CORS, so a signed-in officer's cookie
/// cannot be abused by another site.
/// </para>
/// </summary>
public static class PrivacyRequestsApi
{
    public static WebApplication MapPrivacyRequestsApi(this WebApplication app)
    {
        app.MapPost("/api/privacy/requests", FileAsync)
            .AllowAnonymous() // a privacy officer's cookie or a source's API key, checked in the handler
            .DisableAntiforgery()
            .RequireRateLimiting(IngestApi.RateLimitPolicy)
            .WithName("FilePrivacyRequest")
            .WithSummary("File a data-subject request (access, rectification, erasure, restriction, objection).")
            .WithDescription("Body: { \"type\": \"access|rectification|erasure|restriction|objection\", \"regulation\": \"gdpr|ccpa\", " +
                             "\"contact\": \"how to reach the person, usually their email\", \"details\": \"what they asked for, in their words (optional)\" }. " +
                             "Authenticate with a source's ingest API key ('Authorization: Bearer <key>' or 'X-Api-Key: <key>') or as a signed-in privacy officer. " +
                             "Answers the request id and the due date the regulation sets (GDPR: one month; CCPA: 45 days).")
            .Accepts<FilePrivacyRequest>("application/json")
            .Produces<PrivacyRequestFiled>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        app.MapGet("/api/privacy/requests/{id:long}", StatusAsync)
            .AllowAnonymous()
            .RequireRateLimiting(IngestApi.RateLimitPolicy)
            .WithName("GetPrivacyRequestStatus")
            .WithSummary("The status of a data-subject request, for the system that filed it.")
            .WithDescription("Status, identity verification, due date and outcome; never the person's details. An API key sees only requests filed with its source's keys.")
            .Produces<PrivacyRequestStatusAnswer>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        // The download is a plain GET, so the browser saves the file itself (no JS interop, works with Playwright downloads).
        app.MapGet("/privacy/requests/{id:long}/access-package", DownloadPackageAsync)
            .RequireAuthorization(Policies.Privacy)
            .ExcludeFromDescription();
        return app;
    }

    private sealed record Caller(AuditActor Actor, string Channel, string? SourceKey);

    private static async Task<Caller?> IdentifyAsync(HttpContext context, SourceRegistry sources, CancellationToken cancellationToken)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && (user.IsInRole(PortalRoles.PrivacyOfficer) || user.IsInRole(PortalRoles.Admin)))
            return new Caller(user.ToAuditActor(), "api", null);
        var source = await sources.VerifyAsync(PresentedKey(context.Request), ApiKeyKind.Ingest, cancellationToken);
        return source is null ? null : new Caller(AuditActor.System($"api:{source}"), $"api:{source}", source);
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization[7..].Trim();
        var header = request.Headers["X-Api-Key"].ToString();
        return header.Length > 0 ? header : null;
    }

    private static async Task<Results<Created<PrivacyRequestFiled>, ProblemHttpResult>> FileAsync(
        HttpContext context, SourceRegistry sources, PrivacyRequests requests, CancellationToken cancellationToken)
    {
        var caller = await IdentifyAsync(context, sources, cancellationToken);
        if (caller is null)
            return ApiRequests.Problem(StatusCodes.Status401Unauthorized, "Sign in as a privacy officer or present a source's API key.");
        if (!context.Request.HasJsonContentType())
            return ApiRequests.Problem(StatusCodes.Status400BadRequest, "Send the request as application/json.");

        FilePrivacyRequest? body;
        try
        {
            body = await context.Request.ReadFromJsonAsync<FilePrivacyRequest>(cancellationToken);
        }
        catch (System.Text.Json.JsonException e)
        {
            return ApiRequests.Problem(StatusCodes.Status400BadRequest, $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}).");
        }
        if (body is null) return ApiRequests.Problem(StatusCodes.Status400BadRequest, "The body is empty.");
        if (!Enum.TryParse<PrivacyRequestType>(body.Type, ignoreCase: true, out var type) || !Enum.IsDefined(type) || int.TryParse(body.Type, out _))
            return ApiRequests.Problem(StatusCodes.Status400BadRequest, "type must be one of access, rectification, erasure, restriction, objection.");
        if (!Enum.TryParse<Regulation>(body.Regulation, ignoreCase: true, out var regulation) || !Enum.IsDefined(regulation) || int.TryParse(body.Regulation, out _))
            return ApiRequests.Problem(StatusCodes.Status400BadRequest, "regulation must be gdpr or ccpa.");
        try
        {
            var filed = await requests.FileAsync(new NewPrivacyRequest(type, regulation, body.Contact ?? "", body.Details, caller.Channel), caller.Actor, cancellationToken);
            return TypedResults.Created($"/api/privacy/requests/{filed.Id}",
                new PrivacyRequestFiled(filed.Id, Name(filed.Type), Name(filed.Regulation), Name(filed.Status), filed.ReceivedAt, filed.DueAt));
        }
        catch (ArgumentException e)
        {
            // The service's messages name the field and the rule, never the value.
            return ApiRequests.Problem(StatusCodes.Status400BadRequest, e.Message.Split(" (Parameter")[0]);
        }
    }

    private static async Task<Results<Ok<PrivacyRequestStatusAnswer>, ProblemHttpResult>> StatusAsync(
        long id, HttpContext context, SourceRegistry sources, PrivacyRequests requests, CancellationToken cancellationToken)
    {
        var caller = await IdentifyAsync(context, sources, cancellationToken);
        if (caller is null)
            return ApiRequests.Problem(StatusCodes.Status401Unauthorized, "Sign in as a privacy officer or present a source's API key.");
        var detail = await requests.GetAsync(id, cancellationToken);
        if (detail is null || (caller.SourceKey is not null && detail.Request.Channel != caller.Channel))
            return ApiRequests.Problem(StatusCodes.Status404NotFound, "No such request for this caller.");
        var r = detail.Request;
        return TypedResults.Ok(new PrivacyRequestStatusAnswer(r.Id, Name(r.Type), Name(r.Regulation), Name(r.Status), Name(r.Verification),
            r.ReceivedAt, r.DueAt, r.CompletedAt, r.Outcome));
    }

    private static async Task<IResult> DownloadPackageAsync(long id, ClaimsPrincipal user, AccessPackage packages, CancellationToken cancellationToken)
    {
        try
        {
            var package = await packages.BuildForRequestAsync(id, user.ToAuditActor(), cancellationToken);
            return TypedResults.File(package.Content, AccessPackageFile.ContentType, package.FileName);
        }
        catch (InvalidOperationException e)
        {
            // Written for people, without personal data.
            return ApiRequests.Problem(StatusCodes.Status409Conflict, e.Message);
        }
    }

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
