using Customer360Portal.Core.Predictions.Offers.Portal;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Tests.Predictions.Offers.Portal;

public sealed class OfferEligibilityTests
{
    private static readonly DateTime Now = new(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc);

    private static CustomerFacts Customer(string? country = "GB", LifecycleStage stage = LifecycleStage.Retention, int orders = 3, long value = 15000,
        params ConsentPurpose[] consents) => new(1, country, stage, orders, value, consents.ToHashSet());

    private static MarketingOffer Offer() => new() { Code = "o", Title = "O", Kind = OfferKind.Product, Sku = "A", Active = true };

    [Fact]
    public void WhyNot_NoRules_IsEligible() => Assert.Null(OfferEligibility.WhyNot(Offer(), Customer(), Now));

    [Fact]
    public void WhyNot_Inactive_IsNotEligible()
    {
        var offer = Offer();
        offer.Active = false;
        Assert.Equal(OfferEligibility.Inactive, OfferEligibility.WhyNot(offer, Customer(), Now));
    }

    [Theory]
    [InlineData(-1, 1, null)] // started yesterday, ends tomorrow
    [InlineData(1, 5, OfferEligibility.NotYetValid)]
    [InlineData(-5, -1, OfferEligibility.Expired)]
    [InlineData(-5, 0, OfferEligibility.Expired)] // the end is exclusive
    [InlineData(0, 5, null)] // the start is inclusive
    public void WhyNot_ValidityDates_AreRespected(int fromDays, int untilDays, string? expected)
    {
        var offer = Offer();
        offer.ValidFrom = Now.AddDays(fromDays);
        offer.ValidUntil = Now.AddDays(untilDays);
        Assert.Equal(expected, OfferEligibility.WhyNot(offer, Customer(), Now));
    }

    [Theory]
    [InlineData("GB", null)]
    [InlineData("gb", null)]
    [InlineData("US", OfferEligibility.Country)]
    [InlineData(null, OfferEligibility.Country)]
    public void WhyNot_Countries_OnlyListedCountriesQualify(string? country, string? expected)
    {
        var offer = Offer();
        offer.Countries = "GB,IE";
        Assert.Equal(expected, OfferEligibility.WhyNot(offer, Customer(country), Now));
    }

    [Theory]
    [InlineData(LifecycleStage.Retention, null)]
    [InlineData(LifecycleStage.Lapsed, OfferEligibility.Stage)]
    public void WhyNot_LifecycleStages_OnlyListedStagesQualify(LifecycleStage stage, string? expected)
    {
        var offer = Offer();
        offer.LifecycleStages = "Retention,Advocacy";
        Assert.Equal(expected, OfferEligibility.WhyNot(offer, Customer(stage: stage), Now));
    }

    [Theory]
    [InlineData(3, null)]
    [InlineData(2, OfferEligibility.Orders)]
    public void WhyNot_MinimumOrders_IsInclusive(int orders, string? expected)
    {
        var offer = Offer();
        offer.MinimumOrders = 3;
        Assert.Equal(expected, OfferEligibility.WhyNot(offer, Customer(orders: orders), Now));
    }

    [Theory]
    [InlineData(10000, null)]
    [InlineData(9999, OfferEligibility.LifetimeValue)]
    public void WhyNot_MinimumLifetimeValue_IsInclusive(long value, string? expected)
    {
        var offer = Offer();
        offer.MinimumLifetimeValueMinor = 10000;
        Assert.Equal(expected, OfferEligibility.WhyNot(offer, Customer(value: value), Now));
    }

    [Fact]
    public void WhyNot_RequiredConsent_MissingConsentExcludes()
    {
        var offer = Offer();
        offer.RequiredConsent = ConsentPurpose.EmailMarketing;
        Assert.Equal(OfferEligibility.Consent, OfferEligibility.WhyNot(offer, Customer(), Now));
        Assert.Null(OfferEligibility.WhyNot(offer, Customer(consents: ConsentPurpose.EmailMarketing), Now));
    }

    [Fact]
    public void Validate_ProductWithoutSkuAndBadFields_NamesEachField()
    {
        var errors = OfferDefinitions.Validate(new OfferDraft
        {
            Code = "Bad Code!", Title = "", Kind = OfferKind.Product, Countries = "GB, Narnia", MinimumOrders = -1,
            ValidFrom = Now, ValidUntil = Now.AddDays(-1),
        });

        Assert.Equal(
            [nameof(OfferDraft.Code), nameof(OfferDraft.Countries), nameof(OfferDraft.MinimumOrders), nameof(OfferDraft.Sku), nameof(OfferDraft.Title), nameof(OfferDraft.ValidUntil)],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("Narnia", errors[nameof(OfferDraft.Countries)]);
    }

    [Fact]
    public void Validate_CampaignNeedsACategory()
    {
        var errors = OfferDefinitions.Validate(new OfferDraft { Code = "spring", Title = "Spring", Kind = OfferKind.Campaign });
        Assert.Equal([nameof(OfferDraft.Category)], errors.Keys);
    }

    [Fact]
    public void OfferRules_EveryRuleAndCustomerCombination_DecidesAsWhyNot()
    {
        // Scoring a whole store parses each offer's rules once (OfferRules): it must decide exactly as WhyNot.
        var offers = new List<MarketingOffer>();
        foreach (var countries in new[] { null, "", "GB", "gb, de", " US ,FR" })
        foreach (var stages in new[] { null, "Retention", "retention,AtRisk", "Lapsed, Advocacy", "7" })
        foreach (var (orders, value) in new[] { ((int?)null, (long?)null), (3, null), (null, 15000L), (4, 20000L) })
        foreach (var consent in new ConsentPurpose?[] { null, ConsentPurpose.EmailMarketing, ConsentPurpose.SmsMarketing })
        {
            var offer = Offer();
            (offer.Countries, offer.LifecycleStages, offer.MinimumOrders, offer.MinimumLifetimeValueMinor, offer.RequiredConsent) = (countries, stages, orders, value, consent);
            offers.Add(offer);
        }
        var inactive = Offer();
        inactive.Active = false;
        var expired = Offer();
        (expired.ValidFrom, expired.ValidUntil) = (Now.AddDays(-5), Now);
        var later = Offer();
        later.ValidFrom = Now.AddDays(1);
        offers.AddRange([inactive, expired, later]);
        var customers = new List<CustomerFacts>();
        foreach (var country in new[] { null, "GB", "gb", "DE", "US", "NL" })
        foreach (var stage in new[] { LifecycleStage.Unknown, LifecycleStage.Retention, LifecycleStage.AtRisk, LifecycleStage.Lapsed, (LifecycleStage)7, (LifecycleStage)42 })
        foreach (var (orders, value) in new[] { (0, 0L), (3, 14999L), (4, 15000L), (9, 90000L) })
        foreach (var consents in new[] { Array.Empty<ConsentPurpose>(), [ConsentPurpose.EmailMarketing], [ConsentPurpose.SmsMarketing, ConsentPurpose.Personalisation] })
            customers.Add(Customer(country, stage, orders, value, consents));

        var differences = (from offer in offers
                           let rules = new OfferRules(offer)
                           from customer in customers
                           let expected = OfferEligibility.WhyNot(offer, customer, Now)
                           let actual = rules.WhyNot(EligibilityFacts.From(customer), Now)
                           where expected != actual
                           select $"{offer.Countries}|{offer.LifecycleStages}|{customer}: {expected} vs {actual}").ToList();

        Assert.Empty(differences);
    }
}
