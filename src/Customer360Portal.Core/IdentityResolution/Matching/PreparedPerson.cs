using System.Text.RegularExpressions;

namespace Customer360Portal.Core.IdentityResolution.Matching;

/// <summary>
/// A person record cleaned for comparison: lower-case accent-free text, digits-only phones and ids, dates as
/// yyyymmdd (typos kept: "19810231" still compares), street split from its number, common street words spelt out.
/// An empty string means missing.
/// </summary>
public sealed partial class PreparedPerson
{
    public string Given = "";
    public string Family = "";
    public string Dob = "";
    public string Email = "";
    public string EmailLocal = "";
    /// <summary>The last 9 digits: national and international forms of one number agree.</summary>
    public string Phone = "";
    public string StreetNumber = "";
    public string Street = "";
    public string Locality = "";
    public string City = "";
    public string Postcode = "";
    public string State = "";
    public string Country = "";
    public string Gender = "";
    public string NationalId = "";
    public bool NationalIdVerified;
    public string AccountId = "";

    private int[]? givenFamilies;

    /// <summary>The given name's nickname families, looked up once per record rather than once per compared pair.</summary>
    public int[] GivenFamilies => givenFamilies ??= Given.Length == 0 ? [] : Names.GivenNameVariants.FamiliesOf(Given.AsSpan());

    public static PreparedPerson From(PersonRecord record)
    {
        var person = new PreparedPerson
        {
            Given = TextSimilarity.Clean(record.GivenName),
            Family = TextSimilarity.Clean(record.FamilyName),
            Dob = CleanDate(record.DateOfBirth),
            Email = (record.Email ?? "").Trim().ToLowerInvariant(),
            Phone = LastDigits(TextSimilarity.Digits(record.Phone), 9),
            StreetNumber = TextSimilarity.Clean(record.StreetNumber).Replace(" ", ""),
            Street = CleanStreet(record.Street),
            Locality = TextSimilarity.Clean(record.Locality),
            City = TextSimilarity.Clean(record.City),
            Postcode = TextSimilarity.Clean(record.Postcode).Replace(" ", ""),
            State = TextSimilarity.Clean(record.State),
            Country = TextSimilarity.Clean(record.Country),
            Gender = CleanGender(record.Gender),
            NationalId = TextSimilarity.Clean(record.NationalId).Replace(" ", ""),
            NationalIdVerified = record.NationalIdVerified,
            AccountId = (record.AccountId ?? "").Trim(),
        };
        var at = person.Email.IndexOf('@');
        person.EmailLocal = at > 0 ? person.Email[..at].Replace(".", "") : "";
        if (at <= 0) person.Email = "";
        if (person.Given.Length == 0 && person.Family.Length == 0 && !string.IsNullOrWhiteSpace(record.FullName))
            (person.Given, person.Family) = SplitFullName(record.FullName);
        if (person.Street.Length == 0 && !string.IsNullOrWhiteSpace(record.AddressLine))
        {
            var (number, street) = SplitAddressLine(record.AddressLine);
            if (person.StreetNumber.Length == 0) person.StreetNumber = number;
            person.Street = street;
        }
        return person;
    }

    private static string LastDigits(string digits, int count) =>
        digits.Length < 6 ? "" : digits.Length <= count ? digits : digits[^count..];

    private static string CleanGender(string? value) => TextSimilarity.Clean(value) switch
    {
        "m" or "male" or "man" => "m",
        "f" or "female" or "woman" or "w" => "f",
        "" => "",
        _ => "x",
    };

    /// <summary>"Smith, John" → (john, smith); "John Paul Smith" → (john paul, smith).</summary>
    private static (string Given, string Family) SplitFullName(string fullName)
    {
        var comma = fullName.IndexOf(',');
        if (comma > 0)
            return (TextSimilarity.Clean(fullName[(comma + 1)..]), TextSimilarity.Clean(fullName[..comma]));
        var clean = TextSimilarity.Clean(fullName);
        var lastSpace = clean.LastIndexOf(' ');
        return lastSpace < 0 ? ("", clean) : (clean[..lastSpace], clean[(lastSpace + 1)..]);
    }

    private static (string Number, string Street) SplitAddressLine(string line)
    {
        var clean = TextSimilarity.Clean(line);
        var match = LeadingNumber().Match(clean);
        if (match.Success) return (match.Groups[1].Value, CleanStreet(clean[match.Length..]));
        var trailing = TrailingNumber().Match(clean); // "Hauptstraße 12"
        if (trailing.Success) return (trailing.Groups[1].Value, CleanStreet(clean[..trailing.Index]));
        return ("", CleanStreet(clean));
    }

    private static readonly Dictionary<string, string> StreetWords = new()
    {
        ["st"] = "street", ["str"] = "street", ["rd"] = "road", ["ave"] = "avenue", ["av"] = "avenue", ["dr"] = "drive",
        ["ln"] = "lane", ["ct"] = "court", ["cres"] = "crescent", ["pl"] = "place", ["tce"] = "terrace", ["hwy"] = "highway",
        ["blvd"] = "boulevard", ["sq"] = "square", ["cl"] = "close", ["pde"] = "parade", ["cct"] = "circuit", ["gr"] = "grove",
        ["mt"] = "mount", ["n"] = "north", ["s"] = "south", ["e"] = "east", ["w"] = "west",
    };

    private static string CleanStreet(string? value)
    {
        var clean = TextSimilarity.Clean(value);
        if (clean.Length == 0) return "";
        var words = clean.Split(' ');
        for (var i = 0; i < words.Length; i++)
            if (StreetWords.TryGetValue(words[i], out var full)) words[i] = full;
        return string.Join(' ', words);
    }

    /// <summary>Any common date shape to yyyymmdd; other text keeps its digits only if there are 8.</summary>
    internal static string CleanDate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "";
        var text = value.Trim();
        var parts = DateParts().Matches(text);
        if (parts.Count == 3)
        {
            var (p0, p1, p2) = (parts[0].Value, parts[1].Value, parts[2].Value);
            if (p0.Length == 4) return p0 + p1.PadLeft(2, '0') + p2.PadLeft(2, '0');          // yyyy-mm-dd
            if (p2.Length == 4) return p2 + p1.PadLeft(2, '0') + p0.PadLeft(2, '0');          // dd/mm/yyyy
        }
        var digits = TextSimilarity.Digits(text);
        return digits.Length == 8 ? digits : "";
    }

    [GeneratedRegex(@"^(\d+[a-z]?)\s+")]
    private static partial Regex LeadingNumber();

    [GeneratedRegex(@"\s(\d+[a-z]?)$")]
    private static partial Regex TrailingNumber();

    [GeneratedRegex(@"\d+")]
    private static partial Regex DateParts();
}
