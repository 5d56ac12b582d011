using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Quality;

/// <summary>What a bulk task creation did: created, skipped because the same task is already open, or skipped because the profile is not active.</summary>
public sealed record EnrichmentResult(int Created, int AlreadyOpen, int NotActive);

/// <summary>
/// The incomplete-data process: follow-up tasks ("Data quality: add the missing email") on many profiles at once.
/// They are ordinary follow-up notes with a due date, so they show on each profile's follow-up list and agents close
/// them there. Each task is audited on its profile (without text), the batch once more with its size; profiles that
/// already have the same open task are left alone, so running it twice does not double the work.
/// </summary>
public sealed class EnrichmentTasks(IDbContextFactory<ProfileStore> stores, TimeProvider clock, ProfileChangeNotifier notifier)
{
    /// <summary>Most profiles one request may touch: enough for a working week, small enough to keep the writer moving.</summary>
    public const int MaxProfiles = 5_000;
    private const int ChunkSize = 500;

    /// <summary>The task text for a filter (its start identifies an open task of the same kind).</summary>
    public static string TextFor(string field) => field == IncompleteFilter.StaleFilter
        ? "Data quality: confirm the customer's details are still current"
        : $"Data quality: add the missing {FieldLabels.Of(field).ToLowerInvariant()}";

    public async Task<EnrichmentResult> CreateAsync(IReadOnlyCollection<long> customerIds, string field, DateOnly due, string? instructions,
        AuditActor actor, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is null) throw new InvalidOperationException("Tasks are created by signed-in users.");
        if (!IncompleteProfiles.Filters.Contains(field)) throw new ArgumentException($"{field} is not a field the quality centre lists.", nameof(field));
        if (customerIds.Count == 0) throw new ArgumentException("Select at least one profile.", nameof(customerIds));
        if (customerIds.Count > MaxProfiles) throw new ArgumentException($"At most {MaxProfiles:N0} profiles at a time.", nameof(customerIds));
        var now = clock.GetUtcNow().UtcDateTime;
        if (due < DateOnly.FromDateTime(now)) throw new ArgumentException("The due date is in the past.", nameof(due));
        var prefix = TextFor(field);
        var text = string.IsNullOrWhiteSpace(instructions) ? prefix + "." : $"{prefix}. {instructions.Trim()}";
        if (text.Length > CustomerView.CustomerNotes.MaxLength) throw new ArgumentException("The instructions are too long.", nameof(instructions));

        int created = 0, alreadyOpen = 0, notActive = 0;
        var touched = new List<long>();
        foreach (var chunk in customerIds.Distinct().Chunk(ChunkSize))
        {
            await using var store = await stores.CreateDbContextAsync(cancellationToken);
            var active = (await store.Customers.Where(c => chunk.Contains(c.Id) && c.Status == CustomerStatus.Active).Select(c => c.Id).ToListAsync(cancellationToken)).ToHashSet();
            var open = (await store.Notes.Where(n => chunk.Contains(n.CustomerId) && n.FollowUpDueAt != null && n.CompletedAt == null && n.Text.StartsWith(prefix))
                .Select(n => n.CustomerId).Distinct().ToListAsync(cancellationToken)).ToHashSet();
            var notes = new List<CustomerNote>();
            foreach (var id in chunk)
            {
                if (!active.Contains(id)) notActive++;
                else if (open.Contains(id)) alreadyOpen++;
                else notes.Add(new CustomerNote
                {
                    CustomerId = id, OriginCustomerId = id, AuthorUserId = actor.UserId, Text = text, CreatedAt = now,
                    FollowUpDueAt = due.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                });
            }
            if (notes.Count == 0) continue;
            await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
            store.Notes.AddRange(notes);
            await store.SaveChangesAsync(cancellationToken);
            store.AuditLog.AddRange(notes.Select(n => new AuditEntry
            {
                At = now, UserId = actor.UserId, UserName = actor.Name, Action = "task.added", TargetType = "customer",
                TargetId = n.CustomerId.ToString(CultureInfo.InvariantCulture),
                Details = $"note {n.Id.ToString(CultureInfo.InvariantCulture)}; data quality: {field}",
            }));
            await store.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            created += notes.Count;
            touched.AddRange(notes.Select(n => n.CustomerId));
        }
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            store.AuditLog.Add(new AuditEntry
            {
                At = now, UserId = actor.UserId, UserName = actor.Name, Action = "quality.tasks-created", TargetType = "quality",
                Details = string.Create(CultureInfo.InvariantCulture, $"{field}: {created} created, {alreadyOpen} already open, {notActive} not active; due {due:yyyy-MM-dd}"),
            });
            await store.SaveChangesAsync(cancellationToken);
        }
        notifier.PublishProfiles(touched);
        return new EnrichmentResult(created, alreadyOpen, notActive);
    }
}
