using Customer360Portal.Core.Quality;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Tests.Quality;

public class FieldChecksTests
{
    private static readonly FieldChecks Checks = new(acceptFictionalPhones: true, defaultRegion: "GB", today: new DateOnly(2026, 11, 29));

    [Theory]
    [InlineData(nameof(Customer.Postcode), "SW1A 1AA", "GB", null)]
    [InlineData(nameof(Customer.Postcode), "SW1A1AA", "GB", null)]
    [InlineData(nameof(Customer.Postcode), "12345", "GB", "does not have the postcode shape of its country")]
    [InlineData(nameof(Customer.Postcode), "10001-1234", "US", null)]
    [InlineData(nameof(Customer.Postcode), "1000", "DE", "does not have the postcode shape of its country")]
    [InlineData(nameof(Customer.Postcode), "ANYTHING 9", "JP", null)] // countries without a known shape are not judged
    [InlineData(nameof(Customer.Email), "ann@example.com", null, null)]
    [InlineData(nameof(Customer.Email), "ann@hotmial.com", null, "domain looks like a misspelt mail provider")]
    [InlineData(nameof(Customer.Email), "test@example.com", null, "a placeholder address")]
    [InlineData(nameof(Customer.Email), "ann@@example.com", null, "not a valid email address")]
    [InlineData(nameof(Customer.Phone), "+447700900123", "GB", null)]
    [InlineData(nameof(Customer.Phone), "+4412", "GB", "not a valid phone number")]
    [InlineData(nameof(Customer.DateOfBirth), "1984-03-12", null, null)]
    [InlineData(nameof(Customer.DateOfBirth), "2027-01-01", null, "in the future")]
    [InlineData(nameof(Customer.DateOfBirth), "1900-01-01", null, "older than 120")]
    [InlineData(nameof(Customer.DateOfBirth), "1970-01-01", null, "a system default date")]
    [InlineData(nameof(Customer.GivenName), "Test", null, "a placeholder name")]
    [InlineData(nameof(Customer.FamilyName), "Smith2", null, "contains digits")]
    [InlineData(nameof(Customer.Country), "GB", null, null)]
    [InlineData(nameof(Customer.Country), "XX", null, "not an ISO 3166 country code")]
    public void Problem_Value_NamesTheBrokenRuleOrNone(string field, string value, string? country, string? expected) =>
        Assert.Equal(expected, Checks.Problem(field, value, country));

    [Fact]
    public void Problem_FictionalPhoneWhenTheyAreRefused_IsInvalid()
    {
        var strict = new FieldChecks(acceptFictionalPhones: false, defaultRegion: "GB", today: new DateOnly(2026, 11, 29));
        Assert.Equal("not a valid phone number", strict.Problem(nameof(Customer.Phone), "+447700900123", "GB"));
    }
}
