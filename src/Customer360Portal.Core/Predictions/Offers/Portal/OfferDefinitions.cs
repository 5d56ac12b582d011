using System.Globalization;
using System.Text.RegularExpressions;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion.Normalisation;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Offers.Portal;

/// <summary>An offer as the marketer's form edits it; money in major units, countries and stages as typed.</summary>
public sealed class OfferDraft
{
    public long? Id { get; set; }
    public string Code { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public OfferKind Kind { get; set; } = OfferKind.Product;
    public string? Sku { get; set; }
    public string? Category { get; set; }
    public string? Countries { get; set; }
    public IReadOnlyCollection<LifecycleStage> Stages { get; set; } = [];
    public int? MinimumOrders { get; set; }
    public decimal? MinimumLifetimeValue { get; set; }
    public DateTime? ValidFrom { get; set; }
    public DateTime? ValidUntil { get; set; }
    public ConsentPurpose? RequiredConsent { get; set; }
    public bool Active { get; set; } = true;

    public static OfferDraft From(MarketingOffer offer) => new()
    {
        Id = offer.Id, Code = offer.Code, Title = offer.Title, Description = offer.Description, Kind = offer.Kind, Sku = offer.Sku,
        Category = offer.Category, Countries = offer.Countries,
        Stages = OfferEligibility.List(offer.LifecycleStages).Select(s => Enum.Parse<LifecycleStage>(s, ignoreCase: true)).ToList(),
        MinimumOrders = offer.MinimumOrders, MinimumLifetimeValue = offer.MinimumLifetimeValueMinor / 100m, ValidFrom = offer.ValidFrom,
        ValidUntil = offer.ValidUntil, RequiredConsent = offer.RequiredConsent, Active = offer.Active,
    };
}

/// <summary>Saved, or the problems per field (field name → message) that stopped it.</summary>
public sealed record OfferSaveResult(MarketingOffer? Offer, IReadOnlyDictionary<string, string> Errors)
{
    public bool Saved => Offer is not null;
}

/// <summary>
/// The offers the business defines: listed, validated and saved (every change audited), deactivated rather than
/// deleted so scores and feedback that name an offer keep meaning.
/// </summary>
public sealed partial class OfferDefinitions(IDbContextFactory<ProfileStore> stores, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<MarketingOffer>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.Offers.AsNoTracking().OrderByDescending(o => o.Active).ThenBy(o => o.Code).ToListAsync(cancellationToken);
    }

    /// <summary>How many customers each offer is currently proposed to (offer code → customers).</summary>
    public async Task<IReadOnlyDictionary<string, int>> ReachAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.Scores.AsNoTracking().Where(s => s.Kind == ScoreKind.NextBestOffer && s.Label != null)
            .GroupBy(s => s.Label!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
    }

    /// <summary>Field problems, in words a marketer can act on; empty when the draft can be saved.</summary>
    public static Dictionary<string, string> Validate(OfferDraft draft)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var code = draft.Code?.Trim() ?? "";
        if (code.Length == 0) errors[nameof(OfferDraft.Code)] = "Enter a code, e.g. summer-garden-10.";
        else if (!CodePattern().IsMatch(code)) errors[nameof(OfferDraft.Code)] = "Use 2 to 64 lower-case letters, digits and hyphens, starting with a letter or digit.";
        if (string.IsNullOrWhiteSpace(draft.Title)) errors[nameof(OfferDraft.Title)] = "Enter a title the agent can read out.";
        else if (draft.Title.Trim().Length > 200) errors[nameof(OfferDraft.Title)] = "Keep the title to 200 characters.";
        if (draft.Description is { Length: > 2000 }) errors[nameof(OfferDraft.Description)] = "Keep the description to 2000 characters.";
        if (draft.Kind == OfferKind.Product && string.IsNullOrWhiteSpace(draft.Sku))
            errors[nameof(OfferDraft.Sku)] = "A product offer needs the sku of the product it promotes.";
        if (draft.Kind == OfferKind.Campaign && string.IsNullOrWhiteSpace(draft.Category))
            errors[nameof(OfferDraft.Category)] = "A campaign needs the category it promotes.";
        var badCountries = OfferEligibility.List(draft.Countries).Where(c => !Countries.TryNormalise(c, out _)).ToList();
        if (badCountries.Count > 0) errors[nameof(OfferDraft.Countries)] = $"Not ISO country codes: {string.Join(", ", badCountries)}. Use two-letter codes such as GB, US, DE.";
        if (draft.MinimumOrders is < 0) errors[nameof(OfferDraft.MinimumOrders)] = "Minimum orders cannot be negative.";
        if (draft.MinimumLifetimeValue is < 0) errors[nameof(OfferDraft.MinimumLifetimeValue)] = "Minimum lifetime value cannot be negative.";
        if (draft.ValidFrom is { } from && draft.ValidUntil is { } until && until <= from)
            errors[nameof(OfferDraft.ValidUntil)] = "The offer must end after it starts.";
        return errors;
    }

    public async Task<OfferSaveResult> SaveAsync(OfferDraft draft, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var errors = Validate(draft);
        if (errors.Count > 0) return new OfferSaveResult(null, errors);
        var code = draft.Code.Trim();
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        if (await store.Offers.AnyAsync(o => o.Code == code && o.Id != (draft.Id ?? 0), cancellationToken))
            return new OfferSaveResult(null, new Dictionary<string, string> { [nameof(OfferDraft.Code)] = $"Another offer already uses the code {code}." });
        var now = clock.GetUtcNow().UtcDateTime;
        MarketingOffer? offer;
        if (draft.Id is { } id)
        {
            offer = await store.Offers.SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
            if (offer is null) return new OfferSaveResult(null, new Dictionary<string, string> { [""] = "This offer no longer exists." });
        }
        else
        {
            offer = new MarketingOffer { CreatedAt = now };
            store.Offers.Add(offer);
        }
        offer.Code = code;
        offer.Title = draft.Title.Trim();
        offer.Description = string.IsNullOrWhiteSpace(draft.Description) ? null : draft.Description.Trim();
        offer.Kind = draft.Kind;
        offer.Sku = draft.Kind == OfferKind.Product ? draft.Sku?.Trim() : null;
        offer.Category = draft.Kind == OfferKind.Campaign ? draft.Category?.Trim() : null;
        offer.Countries = Joined(OfferEligibility.List(draft.Countries).Select(c => { Countries.TryNormalise(c, out var n); return n!; }).Distinct());
        offer.LifecycleStages = Joined(draft.Stages.Distinct().Order().Select(s => s.ToString()));
        offer.MinimumOrders = draft.MinimumOrders is > 0 ? draft.MinimumOrders : null;
        offer.MinimumLifetimeValueMinor = draft.MinimumLifetimeValue is > 0 ? (long)Math.Round(draft.MinimumLifetimeValue.Value * 100m) : null;
        offer.ValidFrom = Utc(draft.ValidFrom);
        offer.ValidUntil = Utc(draft.ValidUntil);
        offer.RequiredConsent = draft.RequiredConsent;
        offer.Active = draft.Active;
        offer.UpdatedAt = now;
        offer.UpdatedByUserId = actor.UserId;
        await store.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(actor, draft.Id is null ? "offer.created" : "offer.updated", "offer", offer.Id.ToString(CultureInfo.InvariantCulture),
            $"{offer.Code} ({offer.Kind}, {(offer.Active ? "active" : "inactive")})", cancellationToken);
        return new OfferSaveResult(offer, new Dictionary<string, string>());
    }

    /// <summary>Stops an offer being made (its scores go at the next scoring pass); false when there is no such offer.</summary>
    public async Task<bool> SetActiveAsync(long id, bool active, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var offer = await store.Offers.SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (offer is null) return false;
        offer.Active = active;
        offer.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        offer.UpdatedByUserId = actor.UserId;
        await store.SaveChangesAsync(cancellationToken);
        if (!active)
            await store.Scores.Where(s => s.Kind == ScoreKind.NextBestOffer && s.Label == offer.Code).ExecuteDeleteAsync(cancellationToken);
        await audit.WriteAsync(actor, active ? "offer.activated" : "offer.deactivated", "offer", id.ToString(CultureInfo.InvariantCulture), offer.Code, cancellationToken);
        return true;
    }

    private static string? Joined(IEnumerable<string> parts)
    {
        var text = string.Join(",", parts);
        return text.Length == 0 ? null : text;
    }

    private static DateTime? Utc(DateTime? at) => at is { } value ? DateTime.SpecifyKind(value, value.Kind == DateTimeKind.Local ? DateTimeKind.Local : DateTimeKind.Utc).ToUniversalTime() : null;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,63}$")]
    private static partial Regex CodePattern();
}
