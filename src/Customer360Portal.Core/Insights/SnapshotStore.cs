using System.Text.Json;
using System.Text.Json.Serialization;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Insights;

/// <summary>A chart's figures with when they were computed and the newest data they cover.</summary>
public sealed record Figure<T>(T Data, DateTime ComputedAt, DateTime? DataThrough, long DurationMs);

/// <summary>Reads and writes the insights snapshot rows (one per kind, figures as JSON).</summary>
internal static class SnapshotStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<Figure<T>?> ReadAsync<T>(ProfileStore store, string kind, CancellationToken cancellationToken)
    {
        var row = await store.InsightsSnapshots.AsNoTracking().SingleOrDefaultAsync(s => s.Kind == kind, cancellationToken);
        return row is null ? null : ToFigure<T>(row);
    }

    public static Figure<T>? ToFigure<T>(InsightsSnapshot? row)
    {
        if (row is null) return null;
        var data = JsonSerializer.Deserialize<T>(row.Json, Json);
        return data is null ? null : new Figure<T>(data, row.ComputedAt, row.DataThrough, row.DurationMs);
    }

    /// <summary>Replaces the row of this kind (one short write).</summary>
    public static async Task WriteAsync<T>(ProfileStore store, string kind, T data, DateTime computedAt, DateTime? dataThrough, long durationMs,
        CancellationToken cancellationToken)
    {
        var row = await store.InsightsSnapshots.SingleOrDefaultAsync(s => s.Kind == kind, cancellationToken);
        if (row is null) store.InsightsSnapshots.Add(row = new InsightsSnapshot { Kind = kind });
        row.Json = JsonSerializer.Serialize(data, Json);
        row.ComputedAt = computedAt;
        row.DataThrough = dataThrough;
        row.DurationMs = durationMs;
        await store.SaveChangesAsync(cancellationToken);
    }
}
