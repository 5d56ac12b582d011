using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Core.Audit;

/// <summary>Who acts: a signed-in user, or a named system process (CLI, sync service).</summary>
public sealed record AuditActor(string? UserId, string Name)
{
    public static AuditActor System(string process) => new(null, process);
}

/// <summary>
/// Writes the audit trail. Callers pass ids and verbs only: details must never carry a customer's personal data,
/// because the audit log outlives erasure.
/// </summary>
public sealed class AuditLog(IDbContextFactory<ProfileStore> stores, TimeProvider clock)
{
    public async Task WriteAsync(AuditActor actor, string action, string? targetType = null, string? targetId = null,
        string? details = null, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        store.AuditLog.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            UserId = actor.UserId,
            UserName = actor.Name,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Details = details,
            CorrelationId = System.Diagnostics.Activity.Current?.TraceId.ToString(),
        });
        await store.SaveChangesAsync(cancellationToken);
    }

    public Task<IReadOnlyList<AuditEntry>> RecentAsync(int take, string? actionPrefix = null, CancellationToken cancellationToken = default) =>
        SearchAsync(new AuditQuery { ActionPrefix = actionPrefix }, take, cancellationToken);

    /// <summary>Newest first. The log is append-only: the product reads it here and never updates or deletes an entry
    /// (erasure only redacts a personal value that should never have been written).</summary>
    public async Task<IReadOnlyList<AuditEntry>> SearchAsync(AuditQuery query, int take, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var entries = store.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.ActionPrefix))
        {
            var prefix = query.ActionPrefix.Trim();
            entries = entries.Where(a => a.Action.StartsWith(prefix));
        }
        if (!string.IsNullOrWhiteSpace(query.User))
        {
            var user = query.User.Trim();
            entries = entries.Where(a => (a.UserName != null && a.UserName.Contains(user)) || a.UserId == user);
        }
        if (!string.IsNullOrWhiteSpace(query.TargetType)) entries = entries.Where(a => a.TargetType == query.TargetType.Trim());
        if (!string.IsNullOrWhiteSpace(query.TargetId)) entries = entries.Where(a => a.TargetId == query.TargetId.Trim());
        if (query.From is { } from)
        {
            var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(a => a.At >= start);
        }
        if (query.To is { } to)
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(a => a.At < end);
        }
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = query.Text.Trim();
            entries = entries.Where(a => a.Details != null && a.Details.Contains(text));
        }
        return await entries.OrderByDescending(a => a.Id).Take(take).ToListAsync(cancellationToken);
    }
}

/// <summary>What a privacy officer looks for in the audit log; empty fields match everything.</summary>
public sealed record AuditQuery
{
    public string? ActionPrefix { get; init; }
    /// <summary>Part of the user's name, or their exact user id.</summary>
    public string? User { get; init; }
    public string? TargetType { get; init; }
    public string? TargetId { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    /// <summary>Words in the details.</summary>
    public string? Text { get; init; }
}

public static class AuditSetup
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLog>();
        return builder;
    }
}
