using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Ingestion.Normalisation;
using static Customer360Portal.Core.Tests.Ingestion.Normalisation.NormalisationTestKit;

namespace Customer360Portal.Core.Tests.Ingestion.Normalisation;

public class ContactNormalisationTests
{
    private const string Contact = RecordKinds.Contact;

    [Fact]
    public void Normalise_ExampleContact_GivesCanonicalValues()
    {
        var record = AssertValid(Contact, ExampleContact);

        Assert.Equal(Contact, record.Kind);
        Assert.Equal("CRM-000123", record.ExternalId);
        Assert.Equal(new DateTime(2026, 5, 1, 7, 30, 0, DateTimeKind.Utc), record.OccurredAt);
        Assert.Equal(DateTimeKind.Utc, record.OccurredAt.Kind);
        Assert.Equal("ACC-77", record.AccountId);
        Assert.Equal("LOY123456", record.LoyaltyNumber);
        Assert.Equal("Jane", record.GivenName);
        Assert.Equal("O'Neil", record.FamilyName);
        Assert.Equal("jane.oneil@example.com", record.Email);
        Assert.Equal("+442079460018", record.Phone);
        Assert.Equal(new DateOnly(1985, 3, 14), record.DateOfBirth);
        Assert.Equal("10 Downing Street", record.AddressLine);
        Assert.Equal("London", record.City);
        Assert.Equal("SW1A 2AA", record.Postcode);
        Assert.Equal("GB", record.Country);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "gold", ["visits"] = "12", ["vip"] = "true" }, record.Traits);
        Assert.Null(record.InteractionType);
        Assert.Null(record.Channel);
        Assert.Null(record.Summary);
        Assert.Null(record.AmountMinor);
    }

    [Fact]
    public void Normalise_OnlyAnAccountId_IsEnoughIdentity()
    {
        var record = AssertValid(Contact, """{"id":"C-1","updatedAt":"2026-01-01T00:00:00Z","accountId":"ACC-1"}""");

        Assert.Equal("ACC-1", record.AccountId);
        Assert.Null(record.Email);
        Assert.Empty(record.Traits);
    }

    [Fact]
    public void Normalise_NoNameEmailPhoneOrAccount_IsRefused()
    {
        var errors = AssertInvalid(Contact, """{"id":"C-1","updatedAt":"2026-01-01T00:00:00Z","loyaltyNumber":"L-1"}""");

        Assert.Equal(["firstName/lastName/email/phone/accountId: at least one is required"], errors);
    }

    [Fact]
    public void Normalise_MissingRequiredFields_NamesEach()
    {
        var errors = AssertInvalid(Contact, """{"email":"a@example.com"}""");

        Assert.Equal(["id: is required", "updatedAt: is required"], errors);
    }

    [Theory]
    [InlineData("  Jane.Doe@Example.COM ", "jane.doe@example.com")]
    [InlineData("O'Neil+news@sub.example.co.uk", "o'neil+news@sub.example.co.uk")]
    [InlineData("x@y.io", "x@y.io")]
    [InlineData("info@Bücher.de", "info@xn--bcher-kva.de")]
    public void Normalise_Email_IsTrimmedLowerCasedAndPunycoded(string email, string expected)
    {
        Assert.Equal(expected, AssertValid(Contact, With(Contact, ("email", email))).Email);
    }

    [Theory]
    [InlineData("jane")]
    [InlineData("jane@")]
    [InlineData("@example.com")]
    [InlineData("jane@localhost")]
    [InlineData("jane doe@example.com")]
    [InlineData("jane@@example.com")]
    [InlineData(".jane@example.com")]
    [InlineData("jane.@example.com")]
    [InlineData("ja..ne@example.com")]
    [InlineData("jane@example..com")]
    [InlineData("jane@-example.com")]
    [InlineData("jane@example.c")]
    [InlineData("jane@10.0.0.1")]
    [InlineData("jané@example.com")]
    [InlineData("<jane>@example.com")]
    [InlineData("jane@exa_mple.com")]
    public void Normalise_InvalidEmail_IsRefused(string email)
    {
        Assert.Equal(["email: not a valid email address"], AssertInvalid(Contact, With(Contact, ("email", email))));
    }

    [Fact]
    public void Normalise_EmailOver254Characters_IsRefused()
    {
        var email = new string('a', 64) + "@" + string.Join(".", Enumerable.Repeat(new string('b', 60), 3)) + "." + new string('c', 10) + ".com";
        Assert.True(email.Length > 254);

        Assert.Equal(["email: not a valid email address"], AssertInvalid(Contact, With(Contact, ("email", email))));
    }

    [Theory]
    [InlineData("+44 20 7946 0018")]
    [InlineData("(020) 7946 0018")]
    [InlineData("0044 20 7946 0018")]
    [InlineData("020 7946 0018")]
    [InlineData("+44 (0)20 7946 0018")]
    [InlineData("020-7946-0018")]
    [InlineData("+442079460018")]
    [InlineData("442079460018")]
    public void Normalise_LondonNumberInAnyFormat_GivesTheSameE164(string phone)
    {
        Assert.Equal("+442079460018", AssertValid(Contact, With(Contact, ("phone", phone))).Phone);
    }

    [Theory]
    [InlineData("07700 900123")]
    [InlineData("+44 7700 900123")]
    [InlineData("0044 7700 900 123")]
    public void Normalise_OfcomDramaMobile_IsAcceptedByDefault(string phone)
    {
        Assert.Equal("+447700900123", AssertValid(Contact, With(Contact, ("phone", phone))).Phone);
    }

    [Fact]
    public void Normalise_OfcomDramaMobileWhenFictionalNumbersAreOff_IsRefused()
    {
        var strict = new RecordNormaliser(new NormalisationOptions { Now = Now, AcceptFictionalPhoneNumbers = false });

        Assert.Equal(["phone: not a valid phone number"], AssertInvalid(Contact, With(Contact, ("phone", "07700 900123")), strict));
        Assert.Equal("+447400123456", AssertValid(Contact, With(Contact, ("phone", "07400 123456")), strict).Phone);
    }

    [Fact]
    public void Normalise_NationalNumber_IsParsedInTheAddressCountry()
    {
        var json = With(Contact, ("phone", "(202) 555-0173"), ("address", Node("""{"country":"United States"}""")));

        var record = AssertValid(Contact, json);

        Assert.Equal("+12025550173", record.Phone);
        Assert.Equal("US", record.Country);
    }

    [Fact]
    public void Normalise_NationalNumberWithoutCountry_UsesTheDefaultRegion()
    {
        var german = new RecordNormaliser(new NormalisationOptions { Now = Now, DefaultRegion = "de" });
        var json = With(Contact, ("phone", "030 123456"), ("address", null));

        Assert.Equal("+4930123456", AssertValid(Contact, json, german).Phone);
    }

    [Theory]
    [InlineData("12")]
    [InlineData("+44 20 7946")]
    [InlineData("call me maybe")]
    [InlineData("+44 20 7946 0018; DROP TABLE x")]
    [InlineData("+999 123 456 789")]
    public void Normalise_InvalidPhone_IsRefused(string phone)
    {
        Assert.Equal(["phone: not a valid phone number"], AssertInvalid(Contact, With(Contact, ("phone", phone))));
    }

    [Theory]
    [InlineData("JON", "Jon")]
    [InlineData("jon", "Jon")]
    [InlineData("o'neil", "O'Neil")]
    [InlineData("O’NEIL", "O’Neil")]
    [InlineData("jean-luc", "Jean-Luc")]
    [InlineData("mcdonald", "Mcdonald")]
    [InlineData("McDonald", "McDonald")]
    [InlineData("van der Berg", "van der Berg")]
    [InlineData("  mary    ann  ", "Mary Ann")]
    [InlineData("Mary\u00A0Ann", "Mary Ann")]
    [InlineData("Zo\u200Be", "Zoe")]
    [InlineData("\uFEFFAnn\u200D", "Ann")]
    [InlineData("JOSÉ", "José")]
    [InlineData("E\u0301LODIE", "Élodie")]
    [InlineData("zoë", "Zoë")]
    [InlineData("山田", "山田")]
    [InlineData("j.r.r.", "J.R.R.")]
    [InlineData("ÆSA", "Æsa")]
    [InlineData("jean\u2010luc", "Jean-Luc")]
    public void Normalise_FirstName_IsCleanedAndCased(string name, string expected)
    {
        Assert.Equal(expected, AssertValid(Contact, With(Contact, ("firstName", name))).GivenName);
    }

    [Theory]
    [InlineData("R2D2")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("Robert'); DROP TABLE Students;--")]
    [InlineData("Jon;")]
    [InlineData("\"Jon\"")]
    [InlineData("Ann (Annie)")]
    [InlineData("Jon\tSmith")]
    [InlineData("Jon\u0000")]
    [InlineData("Jon\u202E")]
    [InlineData("jon@example.com")]
    [InlineData("Jon 😀")]
    public void Normalise_FirstNameWithDisallowedCharacters_IsRefused(string name)
    {
        Assert.Equal(["firstName: contains characters not allowed in a name"], AssertInvalid(Contact, With(Contact, ("firstName", name))));
    }

    [Fact]
    public void Normalise_NameOf101Characters_IsRefused()
    {
        Assert.Equal(["lastName: longer than 100 characters"], AssertInvalid(Contact, With(Contact, ("lastName", new string('x', 101)))));
    }

    [Theory]
    [InlineData("\u200B\u200B")]
    [InlineData(".")]
    [InlineData(" - ")]
    [InlineData("'")]
    public void Normalise_NameWithoutLetters_CountsAsMissing(string placeholder)
    {
        var record = AssertValid(Contact, With(Contact, ("firstName", placeholder)));

        Assert.Null(record.GivenName);
    }

    [Theory]
    [InlineData("gb", "GB")]
    [InlineData("GB", "GB")]
    [InlineData("United Kingdom", "GB")]
    [InlineData("united kingdom", "GB")]
    [InlineData("UK", "GB")]
    [InlineData("GBR", "GB")]
    [InlineData("Great Britain", "GB")]
    [InlineData("Germany", "DE")]
    [InlineData("Deutschland", "DE")]
    [InlineData("The Netherlands", "NL")]
    [InlineData("Côte d’Ivoire", "CI")]
    [InlineData("cote d'ivoire", "CI")]
    [InlineData("U.S.A.", "US")]
    [InlineData("Bosnia & Herzegovina", "BA")]
    [InlineData("Bosnia and Herzegovina", "BA")]
    public void Normalise_Country_BecomesUpperCaseAlpha2(string country, string expected)
    {
        var record = AssertValid(Contact, With(Contact, ("address", Node($$"""{"country":"{{country}}"}""")), ("phone", "+44 20 7946 0018")));

        Assert.Equal(expected, record.Country);
    }

    [Theory]
    [InlineData("Atlantis")]
    [InlineData("XX")]
    [InlineData("G B")]
    public void Normalise_UnknownCountry_IsRefused(string country)
    {
        var errors = AssertInvalid(Contact, With(Contact, ("address", Node($$"""{"country":"{{country}}"}"""))));

        Assert.Equal(["address.country: unknown country"], errors);
    }

    [Fact]
    public void Normalise_PostcodeWithOddCharacters_IsRefused()
    {
        var errors = AssertInvalid(Contact, With(Contact, ("address", Node("""{"postcode":"SW1A<1AA"}"""))));

        Assert.Equal(["address.postcode: contains characters not allowed in a postcode"], errors);
    }

    [Fact]
    public void Normalise_AddressThatIsNotAnObject_IsRefused()
    {
        Assert.Equal(["address: must be an object"], AssertInvalid(Contact, With(Contact, ("address", "10 Downing Street"))));
    }

    [Theory]
    [InlineData("2026-06-15", "dateOfBirth: is in the future", false)]
    [InlineData("2026-06-16", "dateOfBirth: is in the future", true)]
    [InlineData("1906-06-16", "", false)]
    [InlineData("1905-06-15", "dateOfBirth: is more than 120 years ago", true)]
    [InlineData("1985-3-14", "dateOfBirth: must be a date in yyyy-MM-dd form", true)]
    [InlineData("14/03/1985", "dateOfBirth: must be a date in yyyy-MM-dd form", true)]
    [InlineData("1985-03-14T00:00:00Z", "dateOfBirth: must be a date in yyyy-MM-dd form", true)]
    [InlineData("1985-02-29", "dateOfBirth: must be a date in yyyy-MM-dd form", true)]
    public void Normalise_DateOfBirth_IsCheckedForFormAndPlausibility(string dateOfBirth, string reason, bool refused)
    {
        var result = Normalise(Contact, With(Contact, ("dateOfBirth", dateOfBirth)));

        if (refused) Assert.Equal([reason], result.Errors);
        else Assert.True(result.IsValid, string.Join(" | ", result.Errors));
    }

    [Theory]
    [InlineData("2026-05-01T09:30:00", 2026, 5, 1, 9, 30)]
    [InlineData("2026-05-01T09:30:00Z", 2026, 5, 1, 9, 30)]
    [InlineData("2026-05-01T09:30:00+02:00", 2026, 5, 1, 7, 30)]
    [InlineData("2026-05-01T09:30:00-05:30", 2026, 5, 1, 15, 0)]
    [InlineData("2026-05-01", 2026, 5, 1, 0, 0)]
    [InlineData("2026-06-16T11:00:00Z", 2026, 6, 16, 11, 0)]
    public void Normalise_UpdatedAt_BecomesUtc(string updatedAt, int year, int month, int day, int hour, int minute)
    {
        var record = AssertValid(Contact, With(Contact, ("updatedAt", updatedAt)));

        Assert.Equal(new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc), record.OccurredAt);
        Assert.Equal(DateTimeKind.Utc, record.OccurredAt.Kind);
    }

    [Theory]
    [InlineData("2026-06-16T12:00:01Z", "updatedAt: is more than a day in the future")]
    [InlineData("2999-01-01T00:00:00Z", "updatedAt: is more than a day in the future")]
    [InlineData("1969-12-31T23:59:59Z", "updatedAt: is before 1970")]
    [InlineData("yesterday", "updatedAt: must be an ISO 8601 date and time")]
    [InlineData("2026-05-01 09:30:00", "updatedAt: must be an ISO 8601 date and time")]
    [InlineData("2026-02-30T00:00:00Z", "updatedAt: must be an ISO 8601 date and time")]
    public void Normalise_ImplausibleUpdatedAt_IsRefused(string updatedAt, string reason)
    {
        Assert.Equal([reason], AssertInvalid(Contact, With(Contact, ("updatedAt", updatedAt))));
    }

    [Fact]
    public void Normalise_UpdatedAtAsNumber_IsRefused()
    {
        Assert.Equal(["updatedAt: must be an ISO 8601 date and time"], AssertInvalid(Contact, With(Contact, ("updatedAt", 1714550000))));
    }

    [Fact]
    public void Normalise_Traits_KeepsScalarsAsWritten()
    {
        var record = AssertValid(Contact, With(Contact, ("traits", Node("""{"score":1.50,"big":12345678901234567890,"ok":false,"none":null,"note":"two\nlines"}"""))));

        Assert.Equal(new Dictionary<string, string> { ["score"] = "1.50", ["big"] = "12345678901234567890", ["ok"] = "false", ["note"] = "two\nlines" }, record.Traits);
    }

    [Fact]
    public void Normalise_NestedTrait_IsRefusedNamingTheKey()
    {
        var errors = AssertInvalid(Contact, With(Contact, ("traits", Node("""{"prefs":{"colour":"red"},"tags":["a"]}"""))));

        Assert.Equal(["traits.prefs: must be a string, number or boolean", "traits.tags: must be a string, number or boolean"], errors);
    }

    [Fact]
    public void Normalise_TraitValueOverTheLimit_GivesOneReason()
    {
        var errors = AssertInvalid(Contact, With(Contact, ("traits", Node($$"""{"bio":"{{new string('x', 1001)}}"}"""))));

        Assert.Equal(["traits.bio: longer than 1000 characters"], errors);
    }

    [Fact]
    public void Normalise_HostileTraitKey_IsNotQuoted()
    {
        var errors = AssertInvalid(Contact, With(Contact, ("traits", Node("""{"<img src=x onerror=alert(1)>":{"a":1}}"""))));

        Assert.Equal(["traits: must be a string, number or boolean"], errors);
    }

    [Fact]
    public void Normalise_NumericIds_AreKeptAsWritten()
    {
        var record = AssertValid(Contact, """{"id":12345,"updatedAt":"2026-01-01T00:00:00Z","accountId":67890}""");

        Assert.Equal("12345", record.ExternalId);
        Assert.Equal("67890", record.AccountId);
    }

    [Theory]
    [InlineData("""{"id":true}""", "id: must be a string or whole number")]
    [InlineData("""{"id":1.5}""", "id: must be a string or whole number")]
    [InlineData("""{"firstName":7}""", "firstName: must be a string")]
    [InlineData("""{"email":["a@example.com"]}""", "email: must be a string")]
    [InlineData("""{"traits":"vip"}""", "traits: must be an object")]
    public void Normalise_WrongJsonType_IsReported(string patch, string reason)
    {
        var change = Node(patch).AsObject().Single();
        var json = With(Contact, (change.Key, change.Value!.DeepClone()));

        Assert.Contains(reason, AssertInvalid(Contact, json));
    }
}
