using Customer360Portal.Core.DemoData;
using static Customer360Portal.Core.Tests.DemoData.DemoCompanyFixture;

namespace Customer360Portal.Core.Tests.DemoData;

/// <summary>The configured shares hold for the default 2,000 people, within sampling tolerance.</summary>
[Collection(DemoCompanyCollection.Name)]
public class DemoSharesTests(DemoCompanyFixture demo)
{
    private double ShareOfPeople(Func<DemoPerson, bool> predicate) => demo.People.Count(predicate) / (double)demo.People.Count;

    private static bool HasRecords(DemoPerson p, string source) => p.Records.Any(r => r.SourceKey == source && r.PersonId is not null);

    [Fact]
    public void Countries_AreSixtyPercentUk()
    {
        Assert.Equal(0.60, ShareOfPeople(p => p.Country == "GB"), 3);
        Assert.Equal(0.20, ShareOfPeople(p => p.Country == "US"), 3);
        Assert.Equal(0.10, ShareOfPeople(p => p.Country == "DE"), 3);
        Assert.Equal(0.10, ShareOfPeople(p => p.Country == "FR"), 3);
    }

    [Fact]
    public void Sources_SeeTheConfiguredShares()
    {
        var options = demo.Company.Options;
        Assert.InRange(ShareOfPeople(p => HasRecords(p, DemoSources.Crm.Key)), options.CrmShare - 0.03, options.CrmShare + 0.03);
        Assert.InRange(ShareOfPeople(p => p.AccountId is not null), options.AccountShare - 0.03, options.AccountShare + 0.03);
        Assert.InRange(ShareOfPeople(p => HasRecords(p, DemoSources.Shop.Key)), options.OrderShare - 0.03, options.OrderShare + 0.03);
        Assert.InRange(ShareOfPeople(p => HasRecords(p, DemoSources.HelpDesk.Key)), options.TicketShare - 0.03, options.TicketShare + 0.03);
        Assert.InRange(ShareOfPeople(p => p.EmailSubscriber), options.EmailSubscriberShare - 0.03, options.EmailSubscriberShare + 0.03);
        Assert.InRange(ShareOfPeople(p => p.Phone is not null), options.PhoneShare - 0.03, options.PhoneShare + 0.03);
        Assert.All(demo.People.Where(p => HasRecords(p, DemoSources.Email.Key)), p => Assert.True(p.EmailSubscriber));
        Assert.All(demo.People.Where(p => HasRecords(p, DemoSources.Web.Key)), p => Assert.NotNull(p.AccountId));
    }

    [Fact]
    public void CrmContacts_CarryAnAccountIdForAboutSixtyPercent()
    {
        var contacts = demo.Valid(DemoSources.Crm.Key).Where(x => x.Person.CrmContactIds[0] == Text(x.Json, "id")).ToList();
        var share = contacts.Count(x => Text(x.Json, "accountId") is not null) / (double)contacts.Count;
        Assert.InRange(share, 0.55, 0.65);
        var noEmail = contacts.Count(x => Text(x.Json, "email") is null) / (double)contacts.Count;
        Assert.InRange(noEmail, 0.06, 0.14);
    }

    [Fact]
    public void Orders_AreOneToFifteenOverTwoYears_SomeAsGuests()
    {
        var perPerson = demo.People.Select(p => p.Records.Count(r => r.SourceKey == DemoSources.Shop.Key)).Where(n => n > 0).ToList();
        Assert.InRange(perPerson.Max(), 10, 15);
        Assert.InRange(perPerson.Average(), 2.0, 5.0);
        var orders = demo.Valid(DemoSources.Shop.Key).ToList();
        var withAccount = orders.Count(x => Text(x.Json, "accountId") is not null) / (double)orders.Count;
        Assert.InRange(withAccount, 0.45, 0.80);
        var accountOnly = orders.Count(x => Text(x.Json, "accountId") is not null && Text(x.Json, "email") is null);
        Assert.True(accountOnly > 50);
    }

    [Fact]
    public void EmailEvents_HaveRealisticRates()
    {
        var types = demo.Valid(DemoSources.Email.Key).GroupBy(x => Text(x.Json, "type")!).ToDictionary(g => g.Key, g => g.Count());
        var sent = types["sent"];
        Assert.InRange(types["delivered"] / (double)sent, 0.97, 0.995);
        Assert.InRange(types["opened"] / (double)types["delivered"], 0.15, 0.45);
        Assert.InRange(types["clicked"] / (double)types["delivered"], 0.02, 0.10);
        Assert.InRange(types["bounced"] / (double)sent, 0.004, 0.025);
        Assert.True(types["unsubscribed"] > 5);
        Assert.True(types.GetValueOrDefault("complained") < types["unsubscribed"]);
    }

    [Fact]
    public void Web_HasIdentifiedAndAnonymousTraffic()
    {
        var anonymousOnly = demo.Records.Where(r => r.PersonId is null).Select(r => r.PersonId).Count();
        Assert.True(anonymousOnly > 1_000);
        var visitors = demo.People.Count(p => p.Records.Any(r => r.PersonId is null)) / (double)demo.People.Count;
        Assert.InRange(visitors, demo.Company.Options.AnonymousVisitorRate - 0.04, demo.Company.Options.AnonymousVisitorRate + 0.04);
        var types = demo.Valid(DemoSources.Web.Key).Select(x => Text(x.Json, "type")).ToHashSet();
        Assert.Superset(new HashSet<string?> { "page", "track", "identify", "alias" }, types);
    }

    [Fact]
    public void Nicknames_Households_AndMoves_AreAtTheirRates()
    {
        Assert.InRange(ShareOfPeople(p => p.Nickname is not null), 0.10, 0.30);
        Assert.InRange(ShareOfPeople(p => p.PreviousAddress is not null), 0.03, 0.07);
        Assert.InRange(ShareOfPeople(p => p.AlternateEmail is not null), 0.08, 0.12);
        Assert.InRange(ShareOfPeople(p => p.CrmContactIds.Count == 2), 0.015, 0.045);
    }
}
