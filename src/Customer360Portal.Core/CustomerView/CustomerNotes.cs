using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.CustomerView;

/// <summary>
/// Agents' notes and follow-up tasks on a profile, attributed and timestamped. Writing one is audited (without its text)
/// and announced, so the note shows on every open copy of the profile.
/// </summary>
public sealed class CustomerNotes(IDbContextFactory<ProfileStore> stores, TimeProvider clock, ProfileChangeNotifier notifier)
{
    public const int MaxLength = 4_000;

    public async Task<long> AddAsync(long customerId, string text, DateOnly? followUpDue, AuditActor actor, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is null) throw new InvalidOperationException("Notes are written by signed-in users.");
        text = text.Trim();
        if (text.Length == 0) throw new ArgumentException("The note is empty.", nameof(text));
        if (text.Length > MaxLength) throw new ArgumentException($"A note holds at most {MaxLength:N0} characters.", nameof(text));
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        if (!await store.Customers.AnyAsync(c => c.Id == customerId && c.Status == CustomerStatus.Active, cancellationToken))
            throw new InvalidOperationException("Notes can be added only to an active profile.");
        var now = clock.GetUtcNow().UtcDateTime;
        var note = new CustomerNote
        {
            CustomerId = customerId, OriginCustomerId = customerId, AuthorUserId = actor.UserId, Text = text, CreatedAt = now,
            FollowUpDueAt = followUpDue?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        };
        store.Notes.Add(note);
        await store.SaveChangesAsync(cancellationToken);
        store.AuditLog.Add(Audit(actor, followUpDue is null ? "note.added" : "task.added", customerId, $"note {note.Id.ToString(CultureInfo.InvariantCulture)}", now));
        await store.SaveChangesAsync(cancellationToken);
        notifier.PublishProfiles([customerId]);
        return note.Id;
    }

    public async Task CompleteTaskAsync(long customerId, long noteId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var note = await store.Notes.SingleOrDefaultAsync(n => n.Id == noteId && n.CustomerId == customerId, cancellationToken)
            ?? throw new InvalidOperationException("The task is not on this profile any more.");
        if (note.FollowUpDueAt is null) throw new InvalidOperationException("This note has no follow-up to complete.");
        if (note.CompletedAt is not null) return;
        var now = clock.GetUtcNow().UtcDateTime;
        note.CompletedAt = now;
        store.AuditLog.Add(Audit(actor, "task.completed", customerId, $"note {noteId.ToString(CultureInfo.InvariantCulture)}", now));
        await store.SaveChangesAsync(cancellationToken);
        notifier.PublishProfiles([customerId]);
    }

    private static AuditEntry Audit(AuditActor actor, string action, long customerId, string details, DateTime at) => new()
    {
        At = at, UserId = actor.UserId, UserName = actor.Name, Action = action, TargetType = "customer",
        TargetId = customerId.ToString(CultureInfo.InvariantCulture), Details = details,
    };
}
