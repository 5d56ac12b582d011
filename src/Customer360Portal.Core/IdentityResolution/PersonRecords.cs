using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>Turns what the portal stores (normalised records, golden records) into what the matching engine compares.</summary>
public static class PersonRecords
{
    /// <summary>Says enough about a person to match on more than an identifier: a name and one more personal field.</summary>
    public static bool DescribesPerson(NormalisedRecord record) =>
        (!string.IsNullOrEmpty(record.GivenName) || !string.IsNullOrEmpty(record.FamilyName))
        && (record.DateOfBirth is not null || !string.IsNullOrEmpty(record.AddressLine) || !string.IsNullOrEmpty(record.Postcode)
            || !string.IsNullOrEmpty(record.Email) || !string.IsNullOrEmpty(record.Phone));

    public static PersonRecord From(long sourceRecordId, string sourceKey, NormalisedRecord record) => new()
    {
        Source = sourceKey, RecordId = sourceRecordId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        GivenName = record.GivenName, FamilyName = record.FamilyName, DateOfBirth = record.DateOfBirth?.ToString("yyyyMMdd"),
        Email = record.Email, Phone = record.Phone, AddressLine = record.AddressLine, City = record.City,
        Postcode = record.Postcode, Country = record.Country, AccountId = record.AccountId,
    };

    public static PersonRecord From(Customer customer, string? accountId) => new()
    {
        Source = "profile", RecordId = customer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        GivenName = customer.GivenName, FamilyName = customer.FamilyName, DateOfBirth = customer.DateOfBirth?.ToString("yyyyMMdd"),
        Email = customer.Email, Phone = customer.Phone, AddressLine = customer.AddressLine, City = customer.City,
        Postcode = customer.Postcode, Country = customer.Country, AccountId = accountId,
    };
}
