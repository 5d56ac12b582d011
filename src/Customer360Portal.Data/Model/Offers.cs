namespace Customer360Portal.Data.Model;

/// <summary>
/// One line of an order a customer placed (sku, name, category, quantity, unit price), projected from the order's
/// source record. It follows its record like the order's interaction does: merges, unmerges and re-resolution move it
/// by <see cref="SourceRecordId"/>; erasure deletes it with the profile.
/// </summary>
public class PurchasedItem
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public long? SourceRecordId { get; set; }
    /// <summary>The product's key: the line's sku, or its name when the source sent no sku.</summary>
    public string Sku { get; set; } = "";
    public string? Name { get; set; }
    public string? Category { get; set; }
    public int Quantity { get; set; }
    public long UnitPriceMinor { get; set; }
    public string? Currency { get; set; }
    public DateTime PurchasedAt { get; set; }
    /// <summary>The order's number, so an item can be traced to its order on the timeline.</summary>
    public string? OrderReference { get; set; }
}

public enum OfferKind { Product, Campaign }

/// <summary>
/// An offer the business defines: a product to recommend or a campaign promoting a category, with who may get it
/// (countries, lifecycle stages, minimum orders and lifetime value, the consent it needs) and when it is valid.
/// Next best offer ranks the eligible ones per customer.
/// </summary>
public class MarketingOffer
{
    public long Id { get; set; }
    /// <summary>Unique, stable and shown on scores, e.g. "coffee-beans-upsell".</summary>
    public string Code { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public OfferKind Kind { get; set; }
    /// <summary>The product a <see cref="OfferKind.Product"/> offer promotes.</summary>
    public string? Sku { get; set; }
    /// <summary>The category a <see cref="OfferKind.Campaign"/> offer promotes.</summary>
    public string? Category { get; set; }
    /// <summary>ISO 3166-1 alpha-2 codes, comma-separated; empty means every country.</summary>
    public string? Countries { get; set; }
    /// <summary><see cref="LifecycleStage"/> names, comma-separated; empty means every stage.</summary>
    public string? LifecycleStages { get; set; }
    public int? MinimumOrders { get; set; }
    public long? MinimumLifetimeValueMinor { get; set; }
    public DateTime? ValidFrom { get; set; }
    public DateTime? ValidUntil { get; set; }
    /// <summary>A consent the person must have given besides personalisation (e.g. email marketing for an emailed coupon).</summary>
    public ConsentPurpose? RequiredConsent { get; set; }
    public bool Active { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? UpdatedByUserId { get; set; }
}

public enum OfferOutcome { Accepted, Declined }

/// <summary>
/// What a customer said to an offer, as an agent recorded it. Feeds the next training (accepted = positive, declined =
/// negative) and keeps a declined offer from being offered again for a while. Belongs to the person: merges move it,
/// unmerge sends it back to <see cref="OriginCustomerId"/>, erasure deletes it.
/// </summary>
public class OfferFeedback
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public long? OriginCustomerId { get; set; }
    public string OfferCode { get; set; } = "";
    /// <summary>The product the offer was made through (the offer's sku, or the item a campaign was ranked by).</summary>
    public string? Item { get; set; }
    public OfferOutcome Outcome { get; set; }
    public string? ModelVersion { get; set; }
    public DateTime RecordedAt { get; set; }
    public string? RecordedByUserId { get; set; }
}
