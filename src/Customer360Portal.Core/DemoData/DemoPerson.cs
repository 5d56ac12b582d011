namespace Customer360Portal.Core.DemoData;

/// <summary>A postal address as the demo data writes it; <see cref="Country"/> is ISO 3166-1 alpha-2.</summary>
public sealed record DemoAddress(string Line1, string City, string Postcode, string Country);

/// <summary>
/// One demo person as they really are (the truth the sources see imperfectly), with the records generated in their
/// slice of the stream: their own, plus any anonymous visitor noise produced alongside (PersonId null).
/// </summary>
public sealed record DemoPerson
{
    public required int Index { get; init; }
    /// <summary>"P000123": stable for a seed, independent of how many people are generated.</summary>
    public required string PersonId { get; init; }
    /// <summary>The formal given name (Jonathan).</summary>
    public required string GivenName { get; init; }
    /// <summary>The name they go by in informal sources (Jon), when it differs from <see cref="GivenName"/>.</summary>
    public string? Nickname { get; init; }
    public required string FamilyName { get; init; }
    public required DateOnly DateOfBirth { get; init; }
    /// <summary>Their main email, lower-case.</summary>
    public required string Email { get; init; }
    /// <summary>A second email some of their orders and tickets use.</summary>
    public string? AlternateEmail { get; init; }
    /// <summary>E.164; null when they gave no phone (or the fictional ranges ran out).</summary>
    public string? Phone { get; init; }
    /// <summary>The shop account id, for people who signed up (the web's userId).</summary>
    public string? AccountId { get; init; }
    public string? LoyaltyNumber { get; init; }
    public required DemoAddress Address { get; init; }
    /// <summary>Where they lived before they moved, when older orders were shipped there.</summary>
    public DemoAddress? PreviousAddress { get; init; }
    /// <summary>The other member of their household (same surname and address), if any.</summary>
    public string? HouseholdPartnerId { get; init; }
    /// <summary>A different person who has exactly the same name, when this person was given theirs.</summary>
    public string? SharesNameWithPersonId { get; init; }
    /// <summary>The cookie ids (web anonymousId) their browsers had.</summary>
    public required IReadOnlyList<string> AnonymousIds { get; init; }
    /// <summary>The CRM contact ids that are this person (more than one when the CRM holds a duplicate).</summary>
    public required IReadOnlyList<string> CrmContactIds { get; init; }
    /// <summary>When they first appeared (account creation or first contact).</summary>
    public required DateTime FirstSeen { get; init; }
    public required bool EmailSubscriber { get; init; }
    /// <summary>This slice's records in time order: the person's own, and the events of any anonymous visitor generated alongside (PersonId null).</summary>
    public required IReadOnlyList<DemoRecord> Records { get; init; }

    public string Country => Address.Country;
}
