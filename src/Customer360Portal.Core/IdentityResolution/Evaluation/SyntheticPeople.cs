using System.Globalization;
using System.Text;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.DemoData.Tables;
using Customer360Portal.Core.Ingestion;

namespace Customer360Portal.Core.IdentityResolution.Evaluation;

/// <summary>
/// One generated CRM contact (<see cref="RecordKinds.Contact"/>, the JSON of RecordFormats.md) with its truth: the
/// person it is (<see cref="PersonIndex"/>), and whether it is that person's clean first record or a duplicate.
/// </summary>
public sealed record SyntheticRecord(int PersonIndex, string ExternalId, string ContactJson, DateTime UpdatedAt, bool IsDuplicate);

/// <summary>
/// A deterministic population of CRM contacts with known truth, for measuring deduplication at any size: about
/// (1 − duplicate share) of the records are the originals of distinct people, the rest duplicates of some of them
/// (1–3 extra records per duplicated person), all in one seeded shuffled order so that duplicates are not adjacent.
/// </summary>
/// <remarks>
/// <para>People are the demo company's (<see cref="DemoCompany"/>): names from the Zipf-skewed tables by culture (so
/// different people share names, two John Smiths happen), about 5% in two-person households (same family name and
/// address, other given names), reserved email domains, phones from the ranges kept for drama only. Those ranges
/// hold about 76,000 numbers, so in very large populations most people have no phone.</para>
/// <para>An original carries the person's details as they are. A duplicate is the same person as another clerk or
/// form got them, each slip independently: a typo in the given or family name, the nickname instead of the given name,
/// given and family swapped (rare); the date of birth with day and month swapped, one digit wrong or missing; another
/// email or none (or the same one re-cased or mistyped); the phone missing, in another format or one digit wrong;
/// another address (moved), the street type abbreviated, the postcode missing.</para>
/// <para>Every record passes intake validation. Person <c>i</c> and record <c>r</c> are drawn from streams seeded by
/// (seed, i) and (seed, r), so records are produced one at a time (memory: one int per record for the order) and
/// <see cref="Extra"/> continues the same population.</para>
/// </remarks>
public sealed class SyntheticPeople
{
    /// <summary>Beyond this share there are not enough people left to duplicate.</summary>
    public const double MaxDuplicateShare = 0.5;

    // Per duplicate, the chance of each slip (independently).
    private const double GivenTypoRate = 0.08, FamilyTypoRate = 0.08, NicknameRate = 0.2, SwappedNameRate = 0.02;
    private const double DobMissingRate = 0.1, DobSwappedRate = 0.04, DobDigitRate = 0.04;
    private const double NewEmailRate = 0.12, MissingEmailRate = 0.12;
    private const double PhoneMissingRate = 0.2, PhoneFormatRate = 0.4, PhoneDigitRate = 0.04;
    private const double MovedRate = 0.06, AbbreviatedRate = 0.15, PostcodeMissingRate = 0.08;

    // Extra copies of a duplicated person: 1 (70%), 2 (20%), 3 (10%).
    private static readonly int[] CopiesCumulative = DemoNames.Cumulate([70, 20, 10]);

    // Salts of the seeded streams, apart from the demo company's own parts.
    private const long OrderSalt = 0x5EED_0001, ExtraOrderSalt = 0x5EED_0002, RecordSalt = 0x5EED_0003, CopiesSalt = 0x5EED_0004;
    private const int DuplicatedPeopleSalt = 31, ExternalIdSalt = 32;
    private const long ExternalIdRange = 10_000_000_000;

    private readonly DemoCompany company;
    private readonly Noise noise;

    /// <param name="records">How many records <see cref="Generate()"/> yields.</param>
    /// <param name="seed">The same seed and sizes always give the same records, on any machine.</param>
    /// <param name="duplicateShare">The share of records that are duplicates, from 0 to <see cref="MaxDuplicateShare"/>.</param>
    public SyntheticPeople(int records, int seed, double duplicateShare = 0.25)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(records);
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        if (double.IsNaN(duplicateShare) || duplicateShare is < 0 or > MaxDuplicateShare)
            throw new ArgumentOutOfRangeException(nameof(duplicateShare), duplicateShare, $"The duplicate share must be from 0 to {MaxDuplicateShare}.");
        var duplicates = (int)Math.Round(records * duplicateShare);
        if (records - duplicates > DemoCompanyOptions.MaxPeople / 2)
            throw new ArgumentOutOfRangeException(nameof(records), records, "Too many people for the demo company's tables.");

        RecordCount = records;
        Seed = seed;
        PeopleCount = records - duplicates;
        // People are built without orders, tickets or devices (none of which a contact needs). Every person with an
        // informal name has one nickname and every person a second email, for the duplicates that use them.
        var options = new DemoCompanyOptions
        {
            Seed = seed,
            People = DemoCompanyOptions.MaxPeople,
            CrmShare = 0, AccountShare = 0, OrderShare = 0, TicketShare = 0, EmailSubscriberShare = 0, LoyaltyShare = 0,
            AnonymousVisitorRate = 0, MovedRate = 0,
            PhoneShare = 0.8, NicknameRate = 1, AlternateEmailRate = 1, HouseholdRate = 0.05, SameNameRate = 0.01,
            TypoRate = 0.1,
        };
        company = new DemoCompany(options);
        noise = new Noise(options);
    }

    /// <summary>How many records <see cref="Generate()"/> yields.</summary>
    public int RecordCount { get; }

    /// <summary>How many distinct people they are: persons 0 to PeopleCount − 1, one original record each.</summary>
    public int PeopleCount { get; }

    public int Seed { get; }

    /// <summary>The records of <c>new SyntheticPeople(records, seed, duplicateShare)</c>, lazily.</summary>
    public static IEnumerable<SyntheticRecord> Generate(int records, int seed, double duplicateShare = 0.25) =>
        new SyntheticPeople(records, seed, duplicateShare).Generate();

    /// <summary>The population's records: an original per person and the duplicates, in one shuffled order.</summary>
    public IEnumerable<SyntheticRecord> Generate()
    {
        var entries = new int[RecordCount];
        for (var i = 0; i < PeopleCount; i++) entries[i] = i;
        // Duplicated people in a seeded order, each with 1–3 extra records until the duplicate share is reached.
        var filled = PeopleCount;
        for (long t = 0; filled < RecordCount; t++)
        {
            var person = (int)DemoPhones.Scramble(t, PeopleCount, Seed, DuplicatedPeopleSalt);
            var copies = 1 + new DemoRandom(DemoRandom.Hash(Seed, person, CopiesSalt)).PickWeighted(CopiesCumulative);
            for (var c = 0; c < copies && filled < RecordCount; c++) entries[filled++] = ~person;
        }
        Shuffle(entries, OrderSalt);
        return Records(entries, firstRecord: 0);
    }

    /// <summary>
    /// <paramref name="count"/> further records of the same population, numbered after <see cref="Generate()"/>'s
    /// (the same ones every call): <paramref name="existingShare"/> of them duplicates of people already generated, the
    /// rest the originals of new people (persons PeopleCount onwards), shuffled.
    /// </summary>
    public IEnumerable<SyntheticRecord> Extra(int count, double existingShare = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (double.IsNaN(existingShare) || existingShare is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(existingShare), existingShare, "The share must be from 0 to 1.");
        var existing = PeopleCount == 0 ? 0 : (int)Math.Round(count * existingShare);
        var entries = new int[count];
        var rng = new DemoRandom(DemoRandom.Hash(Seed, RecordCount, ExtraOrderSalt, 1));
        for (var i = 0; i < existing; i++) entries[i] = ~rng.Next(PeopleCount);
        for (var i = existing; i < count; i++) entries[i] = PeopleCount + i - existing;
        Shuffle(entries, ExtraOrderSalt);
        return Records(entries, firstRecord: RecordCount);
    }

    private void Shuffle(int[] entries, long salt)
    {
        var rng = new DemoRandom(DemoRandom.Hash(Seed, RecordCount, salt));
        for (var i = entries.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (entries[i], entries[j]) = (entries[j], entries[i]);
        }
    }

    /// <summary>Entry ≥ 0: the original of that person; entry &lt; 0: a duplicate of person ~entry.</summary>
    private IEnumerable<SyntheticRecord> Records(int[] entries, long firstRecord)
    {
        var writer = new PayloadWriter();
        for (var k = 0; k < entries.Length; k++)
        {
            var entry = entries[k];
            yield return Build(writer, firstRecord + k, entry < 0 ? ~entry : entry, duplicate: entry < 0);
        }
    }

    private SyntheticRecord Build(PayloadWriter writer, long recordNumber, int index, bool duplicate)
    {
        var p = company.BuildCore(index);
        var rng = new DemoRandom(DemoRandom.Hash(Seed, recordNumber, RecordSalt));
        var id = DemoPhones.Scramble(recordNumber, ExternalIdRange, Seed, ExternalIdSalt).ToString("D10", CultureInfo.InvariantCulture);
        var updated = rng.Between(company.Now.AddDays(-730), company.Now);
        updated = new DateTime(updated.Ticks - updated.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

        string first = p.Given, last = p.Family;
        string? email = p.Email;
        DemoPhone? phone = p.Phone;
        var phoneStyle = p.PhoneStyle;
        string? dob = p.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var address = p.Address;
        if (duplicate)
        {
            if (p.Nickname is not null && rng.Chance(NicknameRate)) first = p.Nickname;
            if (rng.Chance(GivenTypoRate)) first = Noise.Typo(rng, first);
            if (rng.Chance(FamilyTypoRate)) last = Noise.Typo(rng, last);
            if (rng.Chance(SwappedNameRate)) (first, last) = (last, first);

            if (rng.Chance(DobMissingRate)) dob = null;
            else if (rng.Chance(DobSwappedRate)) dob = SwapDayAndMonth(p.DateOfBirth) ?? dob;
            else if (rng.Chance(DobDigitRate)) dob = OneDigitWrong(rng, p.DateOfBirth) ?? dob;

            if (rng.Chance(MissingEmailRate)) email = null;
            else email = noise.Email(rng, rng.Chance(NewEmailRate) ? p.AlternateEmail ?? p.Email : p.Email, typed: true);

            if (phone is { } known)
            {
                if (rng.Chance(PhoneMissingRate)) phone = null;
                else
                {
                    if (rng.Chance(PhoneFormatRate)) phoneStyle = (phoneStyle + 1 + rng.Next(DemoPhones.StyleCount - 1)) % DemoPhones.StyleCount;
                    if (rng.Chance(PhoneDigitRate)) phone = known with { Nsn = known.Nsn[..^1] + OtherDigit(rng, known.Nsn[^1]) };
                }
            }

            if (rng.Chance(MovedRate)) address = DemoCompany.NewAddress(rng, p.Country);
            if (rng.Chance(AbbreviatedRate) && DemoPlaces.Abbreviate(address.Line1) is { } shorter) address = address with { Line1 = shorter };
            if (rng.Chance(PostcodeMissingRate)) address = address with { Postcode = "" };
        }

        var w = writer.Begin();
        w.WriteString("id", id);
        w.WriteString("updatedAt", updated);
        w.WriteString("firstName", first);
        w.WriteString("lastName", last);
        if (email is not null) w.WriteString("email", email);
        if (phone is { } written) w.WriteString("phone", DemoPhones.Format(written, phoneStyle));
        if (dob is not null) w.WriteString("dateOfBirth", dob);
        DemoCompany.WriteAddress(w, "address", address);
        var json = Encoding.UTF8.GetString(writer.End(Fault.None));
        return new SyntheticRecord(index, id, json, updated, duplicate);
    }

    private static string? SwapDayAndMonth(DateOnly date) =>
        date.Day <= 12 && date.Day != date.Month
            ? new DateOnly(date.Year, date.Day, date.Month).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null;

    /// <summary>The date with one digit of the year's last, the month's or the day's mistyped, still a real past date.</summary>
    private string? OneDigitWrong(DemoRandom rng, DateOnly date)
    {
        var text = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        ReadOnlySpan<int> positions = [3, 6, 8, 9];
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var at = positions[rng.Next(positions.Length)];
            var candidate = string.Concat(text.AsSpan(0, at), [OtherDigit(rng, text[at])], text.AsSpan(at + 1));
            if (DateOnly.TryParseExact(candidate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var wrong)
                && wrong < DateOnly.FromDateTime(company.Now))
                return candidate;
        }
        return null;
    }

    private static char OtherDigit(DemoRandom rng, char digit) => (char)('0' + (digit - '0' + 1 + rng.Next(9)) % 10);
}
