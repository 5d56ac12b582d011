using System.Text.Json;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Names;
using static Customer360Portal.Core.Tests.DemoData.DemoCompanyFixture;

namespace Customer360Portal.Core.Tests.DemoData;

/// <summary>The truth behind the records holds together, and the fragmentation a resolver must undo is there.</summary>
[Collection(DemoCompanyCollection.Name)]
public class DemoTruthTests(DemoCompanyFixture demo)
{
    [Fact]
    public void Records_BelongToTheirSlicePerson_OrToNobodyOnTheWeb()
    {
        foreach (var person in demo.People)
        {
            foreach (var record in person.Records)
            {
                if (record.PersonId is null) Assert.Equal(DemoSources.Web.Key, record.SourceKey);
                else Assert.Equal(person.PersonId, record.PersonId);
            }
        }
        Assert.Contains(demo.Records, r => r.PersonId is null);
    }

    [Fact]
    public void StrongIdentifiers_BelongToOnePersonEach()
    {
        Assert.Equal(demo.People.Count, demo.People.Select(p => p.Email).Distinct().Count());
        var emails = demo.People.SelectMany(p => new[] { p.Email, p.AlternateEmail }).OfType<string>().ToList();
        Assert.Equal(emails.Count, emails.Distinct().Count());
        var accounts = demo.People.Where(p => p.AccountId is not null).Select(p => p.AccountId).ToList();
        Assert.Equal(accounts.Count, accounts.Distinct().Count());
        var cookies = demo.People.SelectMany(p => p.AnonymousIds).ToList();
        Assert.Equal(cookies.Count, cookies.Distinct().Count());
        var contacts = demo.People.SelectMany(p => p.CrmContactIds).ToList();
        Assert.Equal(contacts.Count, contacts.Distinct().Count());
    }

    [Fact]
    public void Identifiers_InRecords_AreTheirPersons()
    {
        foreach (var (person, _, json) in demo.Valid(DemoSources.Shop.Key))
            if (Text(json, "accountId") is { } account) Assert.Equal(person.AccountId, account);
        foreach (var (person, _, json) in demo.Valid(DemoSources.Crm.Key))
        {
            if (Text(json, "accountId") is { } account) Assert.Equal(person.AccountId, account);
            Assert.Contains(Text(json, "id"), person.CrmContactIds);
        }
        foreach (var (person, _, json) in demo.Valid(DemoSources.Email.Key))
            Assert.Equal(person.Email, Text(json, "email")!.Trim().ToLowerInvariant());
        foreach (var (person, _, json) in demo.Valid(DemoSources.Web.Key))
        {
            if (Text(json, "userId") is { } user) Assert.Equal(person.AccountId, user);
            if (Text(json, "anonymousId") is { } cookie) Assert.Contains(cookie, person.AnonymousIds);
            if (Text(json, "previousId") is { } previous) Assert.Contains(previous, person.AnonymousIds);
        }
    }

    [Fact]
    public void TypedEmails_AreTheirPersons_ExceptTheOddTypo()
    {
        var typed = demo.Valid(DemoSources.Shop.Key).Concat(demo.Valid(DemoSources.HelpDesk.Key)).Concat(demo.Valid(DemoSources.Crm.Key))
            .Select(x => (x.Person, Email: Text(x.Json, "email")?.Trim().ToLowerInvariant()))
            .Where(x => x.Email is not null).ToList();
        var exact = typed.Count(x => x.Email == x.Person.Email || x.Email == x.Person.AlternateEmail);
        Assert.InRange(exact / (double)typed.Count, 0.98, 0.9999);
        var nobodys = typed.Where(x => x.Email != x.Person.Email && x.Email != x.Person.AlternateEmail).Select(x => x.Email).ToHashSet();
        Assert.DoesNotContain(demo.People, p => nobodys.Contains(p.Email));
    }

    [Fact]
    public void Orders_TicketsAndTracking_ReferToTheSamePersonsOrders()
    {
        var orderOwner = demo.Records.Where(r => r.SourceKey == DemoSources.Shop.Key && r.ExternalId is not null && !r.ExpectedInvalid)
            .ToDictionary(r => r.ExternalId!, r => r.PersonId);
        var completed = 0;
        foreach (var (person, _, json) in demo.Valid(DemoSources.Web.Key))
        {
            if (Text(json, "event") != "Order Completed") continue;
            var orderId = json.GetProperty("properties").GetProperty("orderId").GetString()!;
            if (orderOwner.TryGetValue(orderId, out var owner)) Assert.Equal(person.PersonId, owner);
            completed++;
        }
        Assert.True(completed > 500);
        foreach (var (person, ticket, json) in demo.Valid(DemoSources.HelpDesk.Key))
        {
            var subject = Text(json, "subject")!;
            var mentioned = orderOwner.Keys.FirstOrDefault(n => subject.Contains(n, StringComparison.Ordinal));
            if (mentioned is null) continue;
            Assert.Equal(person.PersonId, orderOwner[mentioned]);
            var order = person.Records.First(r => r.ExternalId == mentioned);
            Assert.True(ticket.At > order.At, "a ticket about an order comes after the order");
        }
    }

    [Fact]
    public void Web_AnonymousBrowsingComesBeforeSigningUp()
    {
        var withoutIdentify = 0;
        foreach (var person in demo.People.Where(p => p.AccountId is not null).Take(300))
        {
            var web = person.Records.Where(r => r.SourceKey == DemoSources.Web.Key && r.PersonId is not null && !r.ExpectedInvalid)
                .Select(r => (r.At, Json: JsonDocument.Parse(r.Payload).RootElement)).ToList();
            var signUp = web.FirstOrDefault(x => Text(x.Json, "event") == "Signed Up");
            if (signUp.Json.ValueKind == JsonValueKind.Undefined) continue; // that one record was made malformed
            Assert.All(web.Where(x => x.At < signUp.At), x => Assert.Null(Text(x.Json, "userId")));
            Assert.Contains(web, x => x.At < signUp.At);
            if (!web.Any(x => Text(x.Json, "type") == "identify" && Text(x.Json, "anonymousId") is not null && Text(x.Json, "userId") is not null))
                withoutIdentify++;
        }
        Assert.True(withoutIdentify <= 10, $"{withoutIdentify} account holders never identified (only malformed records may hide it)");
    }

    [Fact]
    public void Households_ArePairsWithOneSurnameAndAddress()
    {
        var byId = demo.People.ToDictionary(p => p.PersonId);
        var members = demo.People.Where(p => p.HouseholdPartnerId is not null).ToList();
        Assert.InRange(members.Count / (double)demo.People.Count, 0.11, 0.19);
        foreach (var person in members)
        {
            var partner = byId[person.HouseholdPartnerId!];
            Assert.Equal(person.PersonId, partner.HouseholdPartnerId);
            Assert.Equal(person.FamilyName, partner.FamilyName);
            Assert.Equal(person.Address, partner.Address);
            Assert.NotEqual(person.Email, partner.Email);
        }
    }

    [Fact]
    public void SameNames_AreDistinctPeople()
    {
        var byId = demo.People.ToDictionary(p => p.PersonId);
        var namesakes = demo.People.Where(p => p.SharesNameWithPersonId is not null).ToList();
        Assert.InRange(namesakes.Count, 5, 60);
        foreach (var person in namesakes)
        {
            var other = byId[person.SharesNameWithPersonId!];
            Assert.Equal((other.GivenName, other.FamilyName), (person.GivenName, person.FamilyName));
            Assert.NotEqual(other.Email, person.Email);
            Assert.NotEqual(other.DateOfBirth, person.DateOfBirth);
        }
    }

    [Fact]
    public void Nicknames_DifferAcrossSources()
    {
        // Jonathan in the CRM, Jon in the shop: the same person.
        var people = 0;
        foreach (var person in demo.People.Where(p => p.Nickname is not null))
        {
            var crm = person.Records.Where(r => r.SourceKey == DemoSources.Crm.Key && !r.ExpectedInvalid)
                .Select(r => Text(JsonDocument.Parse(r.Payload).RootElement, "firstName")).ToList();
            var shop = person.Records.Where(r => r.SourceKey == DemoSources.Shop.Key && !r.ExpectedInvalid)
                .Select(r => Text(JsonDocument.Parse(r.Payload).RootElement, "firstName")?.Trim()).ToList();
            if (crm.Contains(person.GivenName) && shop.Contains(person.Nickname))
            {
                Assert.True(GivenNameVariants.AreVariants(person.GivenName, person.Nickname));
                people++;
            }
        }
        Assert.True(people >= 40, $"{people} people with a nickname in the shop and the formal name in the CRM");
    }

    [Fact]
    public void Phones_AppearInSeveralFormatsForOnePerson()
    {
        var people = 0;
        foreach (var person in demo.People.Where(p => p.Phone is not null))
        {
            var written = person.Records.Where(r => !r.ExpectedInvalid && r.PersonId is not null)
                .Select(r => JsonDocument.Parse(r.Payload).RootElement)
                .Select(j => Text(j, "phone") ?? (j.TryGetProperty("traits", out var t) ? Text(t, "phone") : null))
                .OfType<string>().Distinct().ToList();
            var national = person.Phone!.StartsWith("+1") ? person.Phone[2..] : person.Phone[3..];
            Assert.All(written, w => Assert.EndsWith(national[^6..], new string(w.Where(char.IsAsciiDigit).ToArray())));
            if (written.Count >= 2) people++;
        }
        Assert.True(people >= 100, $"{people} people with two or more phone styles");
    }

    [Fact]
    public void Noise_TyposSwapsCaseAndDuplicates_AreThere()
    {
        var shopNames = demo.Valid(DemoSources.Shop.Key).Select(x => (x.Person, First: Text(x.Json, "firstName")!.Trim(), Last: Text(x.Json, "lastName")!.Trim())).ToList();
        var swapped = shopNames.Count(x => x.First == x.Person.FamilyName && x.Last != x.Person.FamilyName);
        var typos = shopNames.Count(x => x.Last != x.Person.FamilyName && x.First != x.Person.FamilyName
            && !x.Last.Equals(x.Person.FamilyName, StringComparison.OrdinalIgnoreCase));
        var caseOnly = shopNames.Count(x => x.Last != x.Person.FamilyName && x.Last.Equals(x.Person.FamilyName, StringComparison.OrdinalIgnoreCase));
        Assert.True(swapped >= 10, $"{swapped} swapped names");
        Assert.True(typos >= 20, $"{typos} family-name typos");
        Assert.True(caseOnly >= 20, $"{caseOnly} names in other case");

        var emails = demo.Valid(DemoSources.Shop.Key).Select(x => Text(x.Json, "email")).OfType<string>().ToList();
        Assert.True(emails.Count(e => e.Trim() != e.Trim().ToLowerInvariant()) >= 50);

        Assert.True(demo.People.Count(p => p.CrmContactIds.Count == 2) >= 20);
        var alternates = demo.Valid(DemoSources.Shop.Key).Count(x => x.Person.AlternateEmail is not null
            && Text(x.Json, "email")?.Trim().ToLowerInvariant() == x.Person.AlternateEmail);
        Assert.True(alternates >= 50, $"{alternates} orders with a second email");
        var guestOnlyEmail = demo.Valid(DemoSources.Shop.Key).Count(x => Text(x.Json, "accountId") is null && Text(x.Json, "phone") is null);
        Assert.True(guestOnlyEmail >= 300, $"{guestOnlyEmail} orders identified by email alone");
    }

    [Fact]
    public void Shipping_SometimesGoesElsewhere()
    {
        var elsewhere = 0;
        foreach (var (person, _, json) in demo.Valid(DemoSources.Shop.Key))
        {
            var postcode = json.GetProperty("shippingAddress").GetProperty("postcode").GetString()!;
            string Squash(string s) => s.Replace(" ", "").Split('-')[0].ToUpperInvariant();
            if (Squash(postcode) != Squash(person.Address.Postcode) && Squash(postcode) != Squash(person.PreviousAddress?.Postcode ?? "")) elsewhere++;
        }
        Assert.True(elsewhere >= 100, $"{elsewhere} orders shipped to another address");
    }
}
