using System.ComponentModel.DataAnnotations;

namespace Customer360Portal.Core.DemoData;

/// <summary>
/// How big the demo company is, and how imperfectly its sources see its customers. Shares are fractions of people;
/// noise rates are per record or per field unless said otherwise. The same options and seed always give the same bytes.
/// </summary>
public sealed record DemoCompanyOptions
{
    public const string Section = "DemoData";

    [Range(0, int.MaxValue)] public int Seed { get; init; } = 360;

    /// <summary>How many people (and so how many person slices) the company has.</summary>
    [Range(1, MaxPeople)] public int People { get; init; } = 2_000;

    /// <summary>The end of the generated history (UTC); <see cref="DemoCompany.LiveStream(DateTime)"/> continues after it.</summary>
    public DateTime Now { get; init; } = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>How far back the history reaches.</summary>
    [Range(30, 3_650)] public int HistoryDays { get; init; } = 730;

    // Who each source knows.
    /// <summary>People with a CRM contact.</summary>
    [Range(0.0, 1.0)] public double CrmShare { get; init; } = 0.85;
    /// <summary>People with a shop account (their CRM contact carries the accountId; the web knows them as userId).</summary>
    [Range(0.0, 1.0)] public double AccountShare { get; init; } = 0.60;
    /// <summary>People with at least one order (1–15 over the history).</summary>
    [Range(0.0, 1.0)] public double OrderShare { get; init; } = 0.70;
    /// <summary>People with at least one help-desk ticket.</summary>
    [Range(0.0, 1.0)] public double TicketShare { get; init; } = 0.25;
    /// <summary>People on the marketing list (they get campaign emails).</summary>
    [Range(0.0, 1.0)] public double EmailSubscriberShare { get; init; } = 0.55;
    /// <summary>People who gave a phone number somewhere.</summary>
    [Range(0.0, 1.0)] public double PhoneShare { get; init; } = 0.75;
    /// <summary>People with a loyalty card.</summary>
    [Range(0.0, 1.0)] public double LoyaltyShare { get; init; } = 0.30;
    /// <summary>Chance that a person slice also holds an anonymous visitor who never identifies.</summary>
    [Range(0.0, 1.0)] public double AnonymousVisitorRate { get; init; } = 0.30;

    // Fragmentation and noise.
    /// <summary>
    /// Of people whose given name has nicknames (most English ones), those who go by one (Jon) in the shop, help desk
    /// and web, while the CRM mostly has the formal name (Jonathan).
    /// </summary>
    [Range(0.0, 1.0)] public double NicknameRate { get; init; } = 0.35;
    /// <summary>Per typed name or email: a one-letter slip (substitution, transposition, omission, doubling).</summary>
    [Range(0.0, 1.0)] public double TypoRate { get; init; } = 0.02;
    /// <summary>Per record with a name: first and last name swapped.</summary>
    [Range(0.0, 1.0)] public double SwappedNameRate { get; init; } = 0.015;
    /// <summary>Per record with a phone: written in another style than the person's usual one.</summary>
    [Range(0.0, 1.0)] public double PhoneFormatVariationRate { get; init; } = 0.5;
    /// <summary>CRM contacts without an email, and account orders without one.</summary>
    [Range(0.0, 1.0)] public double MissingEmailRate { get; init; } = 0.10;
    /// <summary>Per email written: upper or mixed case.</summary>
    [Range(0.0, 1.0)] public double EmailCaseRate { get; init; } = 0.06;
    /// <summary>People who live in a two-person household (same surname and address).</summary>
    [Range(0.0, 1.0)] public double HouseholdRate { get; init; } = 0.15;
    /// <summary>People who have exactly the same name as another (distinct) person.</summary>
    [Range(0.0, 1.0)] public double SameNameRate { get; init; } = 0.01;
    /// <summary>People who use a second email in some orders and tickets.</summary>
    [Range(0.0, 1.0)] public double AlternateEmailRate { get; init; } = 0.10;
    /// <summary>People the CRM holds twice (a duplicate contact with a different id).</summary>
    [Range(0.0, 1.0)] public double DuplicateContactRate { get; init; } = 0.03;
    /// <summary>Per order: shipped to somebody else's address (a gift).</summary>
    [Range(0.0, 1.0)] public double GiftShippingRate { get; init; } = 0.05;
    /// <summary>People who moved during the history (older orders went to the previous address).</summary>
    [Range(0.0, 1.0)] public double MovedRate { get; init; } = 0.05;
    /// <summary>Per address written: abbreviated, re-cased, postcode written differently.</summary>
    [Range(0.0, 1.0)] public double AddressVariationRate { get; init; } = 0.20;
    /// <summary>Per record: deliberately malformed, for intake to refuse (<see cref="DemoRecord.ExpectedInvalid"/>).</summary>
    [Range(0.0, 1.0)] public double MalformedRate { get; init; } = 0.02;

    /// <summary>Average number of new events per hour in <see cref="DemoCompany.LiveStream(DateTime)"/>.</summary>
    [Range(1, 36_000)] public int LiveEventsPerHour { get; init; } = 240;

    /// <summary>The most people one company can have (ids and number ranges are sized for it).</summary>
    public const int MaxPeople = 3_000_000;

    /// <summary>
    /// A company large enough that <see cref="DemoCompany.Records()"/> yields at least <paramref name="records"/>
    /// records (people average well over 25 records each), for benchmarks that take the first N. Generation is lazy,
    /// so the spare people cost nothing.
    /// </summary>
    public static DemoCompanyOptions ForRecords(int records, int seed = 360) => new()
    {
        Seed = seed,
        People = (int)Math.Clamp(records / (long)RecordsPerPersonFloor + 10, 1, MaxPeople),
    };

    private const int RecordsPerPersonFloor = 25;
}
