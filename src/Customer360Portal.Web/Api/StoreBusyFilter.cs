using System.Data.Common;

namespace Customer360Portal.Web.Api;

/// <summary>
/// Answers 503 with Retry-After when the profile store stays busy past its wait (SQLite's single writer held by a long
/// projection batch, a SQL Server lock timeout or deadlock): a sender then knows nothing from the request was stored
/// (intake writes a batch in one transaction) and that retrying is right, instead of reading a 500 as a bad request.
/// </summary>
public sealed class StoreBusyFilter(ILogger<StoreBusyFilter> logger) : IEndpointFilter
{
    public const string RetryAfterSeconds = "5";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (IsBusy(e))
        {
            logger.LogWarning("Store busy: {Path} answered 503 ({ExceptionType}).", context.HttpContext.Request.Path, e.GetType().Name);
            context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
            return TypedResults.Problem(detail: $"The profile store is busy; nothing from this request was stored. Retry after {RetryAfterSeconds} seconds.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>
    /// SQLite's busy or locked (5, 6; Microsoft.Data.Sqlite does not flag them transient) or any provider's transient
    /// error, anywhere in the chain (EF wraps the provider's exception in DbUpdateException).
    /// </summary>
    public static bool IsBusy(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 } or DbException { IsTransient: true }) return true;
        return false;
    }
}
