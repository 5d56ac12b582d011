using System.Text.Json;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.CustomerView;

/// <summary>The last time the customer and the company spoke: a ticket, a call, a chat or a store visit.</summary>
public sealed record LastContact(DateTime At, InteractionChannel Channel, string Type);

/// <summary>Average ticket satisfaction (1 bad to 5 good) over the tickets that were rated.</summary>
public sealed record SatisfactionFigure(double Average, int Ratings);

public sealed record KeyFigures(long LifetimeValueMinor, string? Currency, int Orders, DateTime? LastPurchaseAt, int OpenTickets,
    SatisfactionFigure? Satisfaction, LastContact? LastContact);

/// <summary>A prediction with its model version and the reasons it gives; null on the summary means no model has scored the person.</summary>
public sealed record Prediction(double Value, string? Label, string ModelVersion, DateTime ScoredAt, IReadOnlyList<string> Reasons);

public sealed record ConsentFigure(ConsentPurpose Purpose, ConsentStatus Status, LawfulBasis LawfulBasis, DateTime UpdatedAt, DateTime? ExpiresAt);

public sealed record ProfileTag(string Key, string Value, string SourceKey);

/// <summary>A note with a follow-up date that nobody has completed yet.</summary>
public sealed record FollowUpTask(long NoteId, string Text, DateTime DueAt, string AuthorUserId, DateTime CreatedAt);

/// <summary>
/// What the profile header shows beside the golden record. Offers are not here: the profile's offer panel reads them
/// with their history (<c>CustomerOffers</c>).
/// </summary>
public sealed record ProfileSummary(KeyFigures Figures, IReadOnlyList<ProfileTag> Tags, Prediction? ChurnRisk,
    IReadOnlyList<ConsentFigure> Consent, IReadOnlyList<FollowUpTask> OpenTasks);

/// <summary>Reads the header's figures: each is one indexed query over the profile's own rows.</summary>
public sealed class ProfileSummaries(IDbContextFactory<ProfileStore> stores)
{
    private static readonly InteractionChannel[] ConversationChannels = [InteractionChannel.Phone, InteractionChannel.Chat, InteractionChannel.Store];

    public async Task<ProfileSummary?> LoadAsync(long customerId, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var profile = await store.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new { c.LifetimeValueMinor, c.Currency, c.OrderCount, c.LastPurchaseAt }).SingleOrDefaultAsync(cancellationToken);
        if (profile is null) return null;

        var tickets = await store.Interactions.AsNoTracking().Where(i => i.CustomerId == customerId && i.Type.StartsWith("ticket."))
            .Select(i => new { i.Reference, i.Type, i.OccurredAt, i.Id, i.DetailJson }).ToListAsync(cancellationToken);
        // A ticket is open when its latest state is: an update that solved it arrives as a later row of the same ticket.
        var openTickets = tickets.GroupBy(t => t.Reference ?? $"#{t.Id}")
            .Count(g => g.OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id).First().Type == "ticket.opened");
        var ratings = tickets.GroupBy(t => t.Reference ?? $"#{t.Id}")
            .Select(g => g.Where(t => t.DetailJson != null).OrderByDescending(t => t.OccurredAt).Select(t => InteractionDetails.Read(t.DetailJson).Satisfaction).FirstOrDefault())
            .OfType<int>().ToList();
        var contact = await store.Interactions.AsNoTracking()
            .Where(i => i.CustomerId == customerId && (i.Type.StartsWith("ticket.") || ConversationChannels.Contains(i.Channel)))
            .OrderByDescending(i => i.OccurredAt).Select(i => new LastContact(i.OccurredAt, i.Channel, i.Type)).FirstOrDefaultAsync(cancellationToken);

        var tags = await store.Traits.AsNoTracking().Where(t => t.CustomerId == customerId).OrderBy(t => t.Key)
            .Select(t => new ProfileTag(t.Key, t.Value, t.SourceKey)).ToListAsync(cancellationToken);
        var scores = await store.Scores.AsNoTracking().Where(s => s.CustomerId == customerId && s.Kind == ScoreKind.ChurnRisk).ToListAsync(cancellationToken);
        var consent = await store.ConsentStates.AsNoTracking().Where(c => c.CustomerId == customerId).OrderBy(c => c.Purpose)
            .Select(c => new ConsentFigure(c.Purpose, c.Status, c.LawfulBasis, c.UpdatedAt, c.ExpiresAt)).ToListAsync(cancellationToken);
        var tasks = await store.Notes.AsNoTracking().Where(n => n.CustomerId == customerId && n.FollowUpDueAt != null && n.CompletedAt == null)
            .OrderBy(n => n.FollowUpDueAt)
            .Select(n => new FollowUpTask(n.Id, n.Text, n.FollowUpDueAt!.Value, n.AuthorUserId, n.CreatedAt)).ToListAsync(cancellationToken);

        return new ProfileSummary(
            new KeyFigures(profile.LifetimeValueMinor, profile.Currency, profile.OrderCount, profile.LastPurchaseAt, openTickets,
                ratings.Count == 0 ? null : new SatisfactionFigure(ratings.Average(), ratings.Count),
                contact is null ? null : contact with { At = DateTime.SpecifyKind(contact.At, DateTimeKind.Utc) }),
            tags, Latest(scores, ScoreKind.ChurnRisk), consent, tasks);
    }

    private static Prediction? Latest(List<CustomerScore> scores, ScoreKind kind) =>
        scores.Where(s => s.Kind == kind).OrderByDescending(s => s.ScoredAt).FirstOrDefault() is { } score
            ? new Prediction(score.Value, score.Label, score.ModelVersion, score.ScoredAt, Reasons(score.ReasonsJson))
            : null;

    /// <summary>Reasons are stored as a JSON array of plain sentences; anything else is shown as no reasons.</summary>
    private static IReadOnlyList<string> Reasons(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return JsonSerializer.Deserialize(json, ReasonsJson.Default.ListString) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

/// <summary>
/// Source-generated, so the first profile with a scored reason does not pay for reflection-based serializer set-up
/// (a suspect for the one half-second profile load the 1M benchmark shows in every run).
/// </summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
internal sealed partial class ReasonsJson : System.Text.Json.Serialization.JsonSerializerContext;
