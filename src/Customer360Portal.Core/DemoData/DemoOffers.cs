using Customer360Portal.Core.Audit;
using Customer360Portal.Core.DemoData.Tables;
using Customer360Portal.Core.Predictions.Offers.Portal;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.DemoData;

/// <summary>
/// The offers the demo company's marketing team runs: a few products and category campaigns with the kinds of rules
/// real ones have (countries, stages, minimum spend, validity, an extra consent), one of them already expired. Saved
/// through <see cref="OfferDefinitions"/> like a marketer's, once, when the store has no offers yet.
/// </summary>
public static class DemoOffers
{
    private static readonly AuditActor Actor = AuditActor.System("demo company");

    public static IReadOnlyList<OfferDraft> Drafts(DateTime now)
    {
        string Sku(string name) => DemoCatalog.Products.Single(p => p.Name == name).Sku;
        var today = now.Date;
        return
        [
            new() { Code = "coffee-grinder", Title = "Burr Coffee Grinder", Kind = OfferKind.Product, Sku = Sku("Burr Coffee Grinder"),
                Description = "Freshly ground coffee for people who cook: suggest it with the skillet or the casserole dish." },
            new() { Code = "wool-throw", Title = "Wool Throw for the colder months", Kind = OfferKind.Product, Sku = Sku("Wool Throw"),
                Description = "Our best-selling throw; free delivery on it this season.", MinimumOrders = 2 },
            new() { Code = "bistro-set-uk", Title = "Folding Bistro Set, UK delivery", Kind = OfferKind.Product, Sku = Sku("Folding Bistro Set"),
                Description = "Two chairs and a table for a balcony or small garden; UK only (delivered flat).", Countries = "GB", MinimumLifetimeValue = 100 },
            new() { Code = "bedding-refresh-15", Title = "15% off bedding", Kind = OfferKind.Campaign, Category = "Bedding",
                Description = "A code for 15% off any bedding, sent by email.", ValidFrom = today.AddDays(-7), ValidUntil = today.AddDays(60),
                RequiredConsent = ConsentPurpose.EmailMarketing },
            new() { Code = "garden-season", Title = "Garden season picks", Kind = OfferKind.Campaign, Category = "Garden",
                Description = "Pots, tools and planters for customers who already shop with us.",
                Stages = [LifecycleStage.Purchase, LifecycleStage.Onboarding, LifecycleStage.Retention, LifecycleStage.Advocacy] },
            new() { Code = "kitchen-essentials", Title = "Kitchen essentials", Kind = OfferKind.Campaign, Category = "Kitchen",
                Description = "Everyday kitchen pieces that go with what they have." },
            new() { Code = "winter-fragrance", Title = "Winter candles (ended)", Kind = OfferKind.Campaign, Category = "Home Fragrance",
                Description = "Last winter's candle campaign: kept to show that expired offers are never made.",
                ValidFrom = today.AddDays(-120), ValidUntil = today.AddDays(-30) },
        ];
    }

    /// <summary>Saves the demo offers when no offer exists yet; returns how many were added.</summary>
    public static async Task<int> EnsureAsync(OfferDefinitions definitions, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        if ((await definitions.ListAsync(cancellationToken)).Count > 0) return 0;
        var added = 0;
        foreach (var draft in Drafts(clock.GetUtcNow().UtcDateTime))
            if ((await definitions.SaveAsync(draft, Actor, cancellationToken)).Saved) added++;
        return added;
    }
}
