namespace Customer360Portal.Core.IdentityResolution;

/// <summary>
/// One person record as the matching engine sees it: raw-ish text fields, any of which may be missing. The engine
/// cleans and compares them itself (<see cref="PreparedPerson"/>), so callers pass values as their source has them.
/// </summary>
public sealed record PersonRecord
{
    /// <summary>Where the record comes from (a source key, or an input file's name for <c>c360 link</c>).</summary>
    public required string Source { get; init; }
    /// <summary>The record's id within its source.</summary>
    public required string RecordId { get; init; }

    public string? GivenName { get; init; }
    public string? FamilyName { get; init; }
    /// <summary>Used when given and family name are not separate ("Smith, John" or "John Smith").</summary>
    public string? FullName { get; init; }
    /// <summary>Date of birth as text: yyyymmdd, yyyy-mm-dd, dd/mm/yyyy or dd.mm.yyyy (typos are kept and compared).</summary>
    public string? DateOfBirth { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? StreetNumber { get; init; }
    public string? Street { get; init; }
    /// <summary>A whole address line ("12 High Street"); split into number and street when those are not given.</summary>
    public string? AddressLine { get; init; }
    /// <summary>Second address line, suburb or locality part (FEBRL's address_2).</summary>
    public string? Locality { get; init; }
    public string? City { get; init; }
    public string? Postcode { get; init; }
    public string? State { get; init; }
    public string? Country { get; init; }
    public string? Gender { get; init; }
    public string? NationalId { get; init; }
    /// <summary>A national id a trusted process checked: two different verified ids can never be one person.</summary>
    public bool NationalIdVerified { get; init; }
    /// <summary>A login/account id: two different account ids can never be one person.</summary>
    public string? AccountId { get; init; }
}
