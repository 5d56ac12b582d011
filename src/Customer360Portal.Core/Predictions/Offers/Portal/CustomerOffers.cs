using System.Globalization;
using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Offers.Portal;

/// <summary>An offer ranked for the customer, as the profile shows it.</summary>
public sealed record RankedOffer(string Code, string Title, string? Description, OfferKind Kind, double Score, string ModelVersion, DateTime ScoredAt,
    IReadOnlyList<string> Reasons);

/// <summary>An answer an agent recorded.</summary>
public sealed record OfferAnswer(long Id, string Code, string? Title, OfferOutcome Outcome, DateTime RecordedAt, string? RecordedByUserId, string? ModelVersion);

public sealed record CustomerOfferView(IReadOnlyList<RankedOffer> Offers, IReadOnlyList<OfferAnswer> History);

/// <summary>
/// The offers on a profile (best first, only those still active) and the accepts and declines agents recorded there.
/// Recording an answer is audited, removes the offer from the customer's list at once, and feeds the next training.
/// </summary>
public sealed class CustomerOffers(IDbContextFactory<ProfileStore> stores, AuditLog audit, TimeProvider clock, ProfileChangeNotifier changes)
{
    public const string AcceptedAction = "offer.accepted";
    public const string DeclinedAction = "offer.declined";

    public async Task<CustomerOfferView> LoadAsync(long customerId, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var scores = await store.Scores.AsNoTracking().Where(s => s.CustomerId == customerId && s.Kind == ScoreKind.NextBestOffer)
            .OrderByDescending(s => s.Value).ToListAsync(cancellationToken);
        var codes = scores.Select(s => s.Label).OfType<string>().ToList();
        var answers = await store.OfferFeedback.AsNoTracking().Where(f => f.CustomerId == customerId).OrderByDescending(f => f.RecordedAt).ThenByDescending(f => f.Id)
            .ToListAsync(cancellationToken);
        codes.AddRange(answers.Select(a => a.OfferCode));
        var offers = await store.Offers.AsNoTracking().Where(o => codes.Contains(o.Code)).ToDictionaryAsync(o => o.Code, cancellationToken);
        var ranked = scores.Where(s => s.Label is { } code && offers.TryGetValue(code, out var o) && o.Active)
            .Select(s =>
            {
                var offer = offers[s.Label!];
                return new RankedOffer(offer.Code, offer.Title, offer.Description, offer.Kind, s.Value, s.ModelVersion, s.ScoredAt, ReadReasons(s.ReasonsJson));
            }).ToList();
        var history = answers.Select(a => new OfferAnswer(a.Id, a.OfferCode, offers.GetValueOrDefault(a.OfferCode)?.Title, a.Outcome, a.RecordedAt,
            a.RecordedByUserId, a.ModelVersion)).ToList();
        return new CustomerOfferView(ranked, history);
    }

    /// <summary>Records the customer's answer to an offer on their profile; false when the offer is not offered to them (any more).</summary>
    public async Task<bool> RecordAsync(long customerId, string offerCode, OfferOutcome outcome, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            var score = await store.Scores.Where(s => s.CustomerId == customerId && s.Kind == ScoreKind.NextBestOffer && s.Label == offerCode)
                .FirstOrDefaultAsync(cancellationToken);
            var offer = await store.Offers.AsNoTracking().SingleOrDefaultAsync(o => o.Code == offerCode, cancellationToken);
            if (score is null || offer is null) return false;
            store.OfferFeedback.Add(new OfferFeedback
            {
                CustomerId = customerId, OriginCustomerId = customerId, OfferCode = offerCode, Item = await ItemOfAsync(store, customerId, offer, cancellationToken),
                Outcome = outcome, ModelVersion = score.ModelVersion, RecordedAt = clock.GetUtcNow().UtcDateTime, RecordedByUserId = actor.UserId,
            });
            // Answered: not shown again until the next scoring pass decides (accepted ones never come back, declined ones after the cool-down).
            store.Scores.Remove(score);
            await store.SaveChangesAsync(cancellationToken);
        }
        await audit.WriteAsync(actor, outcome == OfferOutcome.Accepted ? AcceptedAction : DeclinedAction, "customer",
            customerId.ToString(CultureInfo.InvariantCulture), offerCode, cancellationToken);
        changes.PublishProfiles([customerId]);
        return true;
    }

    /// <summary>
    /// The product the answer is about, for training: a product offer's sku; for a campaign, the most bought product of
    /// its category the customer does not own (the one scoring ranked it through, unless the catalogue has moved since).
    /// </summary>
    private static async Task<string?> ItemOfAsync(ProfileStore store, long customerId, MarketingOffer offer, CancellationToken cancellationToken)
    {
        if (offer.Kind == OfferKind.Product) return offer.Sku;
        var owned = store.PurchasedItems.Where(i => i.CustomerId == customerId).Select(i => i.Sku);
        return await store.PurchasedItems.AsNoTracking().Where(i => i.Category == offer.Category && !owned.Contains(i.Sku))
            .GroupBy(i => i.Sku).OrderByDescending(g => g.Select(i => i.CustomerId).Distinct().Count()).ThenBy(g => g.Key)
            .Select(g => g.Key).FirstOrDefaultAsync(cancellationToken);
    }

    private static IReadOnlyList<string> ReadReasons(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try { return JsonSerializer.Deserialize<List<string>>(json) ?? []; }
        catch (JsonException) { return []; }
    }
}
