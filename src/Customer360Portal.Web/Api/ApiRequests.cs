using System.Buffers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Customer360Portal.Web.Api;

/// <summary>What the ingest and tracking APIs share: a size-capped body read and value-free problem answers.</summary>
internal static class ApiRequests
{
    /// <summary>The body, or null when it is larger than <paramref name="limit"/> (nothing past the limit is buffered).</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return null;
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            // The buffer held personal data.
            ArrayPool<byte>.Shared.Return(chunk, clearArray: true);
        }
        return buffer.ToArray();
    }

    public static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);
}
