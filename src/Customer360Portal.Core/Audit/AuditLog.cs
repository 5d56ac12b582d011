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

    public async Task<IReadOnlyList<AuditEntry>> RecentAsync(int take, string? actionPrefix = null, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var query = store.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(actionPrefix))
            query = query.Where(a => a.Action.StartsWith(actionPrefix));
        return await query.OrderByDescending(a => a.Id).Take(take).ToListAsync(cancellationToken);
    }
}

public static class AuditSetup
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLog>();
        return builder;
    }
}
