using System.Globalization;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Segments;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;

namespace Customer360Portal.Web.Api;

/// <summary>A page of consented segment members for an activation tool.</summary>
public sealed record SegmentMembersAnswer(long SegmentId, string Purpose, DateTime? RefreshedAt, IReadOnlyList<IReadOnlyDictionary<string, string?>> Members,
    IReadOnlyDictionary<string, int> SkippedByReason, long? NextAfter);

/// <summary>
/// Segments leaving the portal: the marketer's CSV download (signed in, Marketing policy) and the activation API for
/// email and ad tools (an activation API key). Both go through the consent check and are audited with their counts.
/// </summary>
public static class SegmentsApi
{
    public static WebApplication MapSegmentsApi(this WebApplication app)
    {
        app.MapGet("/api/segments/{id:long}/members", MembersAsync)
            .AllowAnonymous() // authenticated by an activation API key, not a sign-in cookie
            .RequireRateLimiting(IngestApi.RateLimitPolicy)
            .WithName("SegmentMembers")
            .WithSummary("Page through a segment's consented members for an activation tool.")
            .WithDescription("Authenticate with an activation API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'. " +
                             "'purpose' (EmailMarketing, SmsMarketing, PhoneMarketing, PostMarketing, Personalisation, PartnerSharing...) decides who may " +
                             "leave and which contact columns are returned. Members are those of the segment's last refresh (refreshedAt), in customer id " +
                             "order; pass 'nextAfter' as 'after' for the next page until it is null. 'skippedByReason' counts who on this page was left " +
                             "out and why. Every call is audited.")
            .Produces<SegmentMembersAnswer>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        // A plain GET, so the browser saves the file itself.
        app.MapGet("/segments/{id:long}/export.csv", ExportCsvAsync)
            .RequireAuthorization(Policies.Marketing)
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Ok<SegmentMembersAnswer>, ProblemHttpResult>> MembersAsync(long id, string? purpose, long? after, int? pageSize,
        HttpRequest request, SourceRegistry sources, SegmentExport export, CancellationToken cancellationToken)
    {
        var tool = await sources.VerifyAsync(PresentedKey(request), ApiKeyKind.Activation, cancellationToken);
        if (tool is null) return ApiRequests.Problem(StatusCodes.Status401Unauthorized, "Missing, unknown or revoked activation API key.");
        if (!TryPurpose(purpose, out var parsed))
            return ApiRequests.Problem(StatusCodes.Status400BadRequest, $"'purpose' must be one of {string.Join(", ", Enum.GetNames<ConsentPurpose>())}.");
        if (pageSize is < 1 or > SegmentExport.MaxPageSize)
            return ApiRequests.Problem(StatusCodes.Status400BadRequest, $"'pageSize' must be between 1 and {SegmentExport.MaxPageSize}.");
        try
        {
            var page = await export.PageAsync(id, parsed, after ?? 0, pageSize ?? 500, Core.Audit.AuditActor.System($"activation:{tool}"), cancellationToken);
            return TypedResults.Ok(new SegmentMembersAnswer(page.SegmentId, page.Purpose.ToString(), page.RefreshedAt, page.Members, page.SkippedByReason, page.NextAfter));
        }
        catch (SegmentNotFoundException e)
        {
            return ApiRequests.Problem(StatusCodes.Status404NotFound, e.Message);
        }
        catch (SegmentRuleException e)
        {
            return ApiRequests.Problem(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    private static async Task<IResult> ExportCsvAsync(long id, string? purpose, ClaimsPrincipal user, SegmentExport export, TimeProvider clock,
        HttpResponse response, CancellationToken cancellationToken)
    {
        if (!TryPurpose(purpose, out var parsed))
            return ApiRequests.Problem(StatusCodes.Status400BadRequest, $"'purpose' must be one of {string.Join(", ", Enum.GetNames<ConsentPurpose>())}.");
        // Buffered: a rule that no longer validates must answer with a problem, not half a file.
        using var buffer = new MemoryStream();
        try
        {
            var result = await export.WriteCsvAsync(id, parsed, buffer, user.ToAuditActor(), cancellationToken);
            response.Headers["X-Exported"] = result.Exported.ToString(CultureInfo.InvariantCulture);
            response.Headers["X-Skipped"] = result.SkippedCount.ToString(CultureInfo.InvariantCulture);
        }
        catch (SegmentNotFoundException e)
        {
            return ApiRequests.Problem(StatusCodes.Status404NotFound, e.Message);
        }
        catch (SegmentRuleException e)
        {
            return ApiRequests.Problem(StatusCodes.Status409Conflict, e.Message);
        }
        var stamp = clock.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return TypedResults.File(buffer.ToArray(), "text/csv", $"segment-{id.ToString(CultureInfo.InvariantCulture)}-{parsed}-{stamp}.csv");
    }

    private static bool TryPurpose(string? text, out ConsentPurpose purpose) =>
        Enum.TryParse(text?.Trim(), ignoreCase: true, out purpose) && Enum.IsDefined(purpose) && !char.IsDigit(text!.Trim()[0]);

    private static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization[7..].Trim();
        var header = request.Headers["X-Api-Key"].ToString();
        return header.Length > 0 ? header : null;
    }
}
