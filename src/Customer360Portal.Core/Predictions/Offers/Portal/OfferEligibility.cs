using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Predictions.Offers.Portal;

/// <summary>What eligibility looks at for one customer: country, lifecycle stage, orders, lifetime value and the consents they have given.</summary>
public sealed record CustomerFacts(long CustomerId, string? Country, LifecycleStage Stage, int Orders, long LifetimeValueMinor,
    IReadOnlySet<ConsentPurpose> Consents);

/// <summary>
/// The business's rules for who may get an offer, checked before any ranking: active, within its validity dates,
/// the customer's country and lifecycle stage among the allowed ones (none listed means all), at least the minimum
/// orders and lifetime value, and the consent the offer needs. <see cref="WhyNot"/> says which rule failed, in words.
/// </summary>
public static class OfferEligibility
{
    public const string Inactive = "offer inactive";
    public const string NotYetValid = "not valid yet";
    public const string Expired = "validity ended";
    public const string Country = "country not eligible";
    public const string Stage = "lifecycle stage not eligible";
    public const string Orders = "too few orders";
    public const string LifetimeValue = "lifetime value too low";
    public const string Consent = "required consent missing";

    /// <summary>Null when the customer is eligible; otherwise the first rule that fails.</summary>
    public static string? WhyNot(MarketingOffer offer, CustomerFacts customer, DateTime now)
    {
        if (!offer.Active) return Inactive;
        if (!IsValidAt(offer, now)) return offer.ValidFrom is { } from && now < from ? NotYetValid : Expired;
        var countries = List(offer.Countries);
        if (countries.Count > 0 && (customer.Country is null || !countries.Contains(customer.Country, StringComparer.OrdinalIgnoreCase))) return Country;
        var stages = List(offer.LifecycleStages);
        if (stages.Count > 0 && !stages.Contains(customer.Stage.ToString(), StringComparer.OrdinalIgnoreCase)) return Stage;
        if (offer.MinimumOrders is { } orders && customer.Orders < orders) return Orders;
        if (offer.MinimumLifetimeValueMinor is { } value && customer.LifetimeValueMinor < value) return LifetimeValue;
        if (offer.RequiredConsent is { } purpose && !customer.Consents.Contains(purpose)) return Consent;
        return null;
    }

    /// <summary>Valid from its start (inclusive) until its end (exclusive); open ends are unbounded.</summary>
    public static bool IsValidAt(MarketingOffer offer, DateTime now) =>
        (offer.ValidFrom is not { } from || now >= from) && (offer.ValidUntil is not { } until || now < until);

    /// <summary>A comma-separated rule value as its trimmed, non-empty parts.</summary>
    public static IReadOnlyList<string> List(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A customer as <see cref="OfferRules"/> reads them: the consents they gave as bits (1 &lt;&lt; purpose).</summary>
internal readonly record struct EligibilityFacts(string? Country, LifecycleStage Stage, int Orders, long LifetimeValueMinor, ulong Consents)
{
    public static ulong Bit(ConsentPurpose purpose) => 1UL << (int)purpose;

    public static EligibilityFacts From(CustomerFacts customer) =>
        new(customer.Country, customer.Stage, customer.Orders, customer.LifetimeValueMinor, customer.Consents.Aggregate(0UL, (bits, p) => bits | Bit(p)));
}

/// <summary>
/// One offer's rules parsed once, for passes over many customers (scoring a whole store): decides exactly as
/// <see cref="OfferEligibility.WhyNot"/> does, without splitting the rule texts again for every customer.
/// </summary>
internal sealed class OfferRules
{
    private readonly MarketingOffer offer;
    private readonly HashSet<string>? countries;
    private readonly IReadOnlyList<string> stages;
    private readonly bool[] stageAllowed;

    public OfferRules(MarketingOffer offer)
    {
        this.offer = offer;
        var listed = OfferEligibility.List(offer.Countries);
        countries = listed.Count == 0 ? null : listed.ToHashSet(StringComparer.OrdinalIgnoreCase);
        stages = OfferEligibility.List(offer.LifecycleStages);
        stageAllowed = Enum.GetValues<LifecycleStage>().Select(s => stages.Contains(s.ToString(), StringComparer.OrdinalIgnoreCase)).ToArray();
    }

    public MarketingOffer Offer => offer;

    /// <summary>Null when the customer is eligible; otherwise the first rule that fails (as <see cref="OfferEligibility.WhyNot"/>).</summary>
    public string? WhyNot(in EligibilityFacts customer, DateTime now)
    {
        if (!offer.Active) return OfferEligibility.Inactive;
        if (!OfferEligibility.IsValidAt(offer, now)) return offer.ValidFrom is { } from && now < from ? OfferEligibility.NotYetValid : OfferEligibility.Expired;
        if (countries is not null && (customer.Country is null || !countries.Contains(customer.Country))) return OfferEligibility.Country;
        if (stages.Count > 0 && !StageAllowed(customer.Stage)) return OfferEligibility.Stage;
        if (offer.MinimumOrders is { } orders && customer.Orders < orders) return OfferEligibility.Orders;
        if (offer.MinimumLifetimeValueMinor is { } value && customer.LifetimeValueMinor < value) return OfferEligibility.LifetimeValue;
        if (offer.RequiredConsent is { } purpose && (customer.Consents & EligibilityFacts.Bit(purpose)) == 0) return OfferEligibility.Consent;
        return null;
    }

    // A stage outside the enum's names (a number) is compared as its text, as WhyNot does.
    private bool StageAllowed(LifecycleStage stage) =>
        (uint)stage < (uint)stageAllowed.Length && Enum.IsDefined(stage) ? stageAllowed[(int)stage] : stages.Contains(stage.ToString(), StringComparer.OrdinalIgnoreCase);
}
