using System.Globalization;
using System.Text.RegularExpressions;
using Customer360Portal.Core.Ingestion.Normalisation;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Quality;

/// <summary>
/// Whether a stored golden-record or source value is usable, field by field. Intake already refuses malformed values;
/// these checks go further where it is cheap (postcode shape for the country, misspelt mail providers, placeholder
/// names, ages no customer has) and also judge values that reached the profile by hand. A problem names the rule,
/// never the value, so it can be shown and logged.
/// </summary>
public sealed partial class FieldChecks(bool acceptFictionalPhones, string defaultRegion, DateOnly today)
{
    /// <summary>The golden-record fields the quality centre measures, in display order.</summary>
    public static IReadOnlyList<string> Fields => Profiles.GoldenRecord.Fields;

    /// <summary>The fields whose absence the incomplete-data process chases (a profile needs them to be reached or matched).</summary>
    public static readonly IReadOnlyList<string> KeyFields =
    [
        nameof(Customer.GivenName), nameof(Customer.FamilyName), nameof(Customer.Email), nameof(Customer.Phone),
        nameof(Customer.DateOfBirth), nameof(Customer.AddressLine), nameof(Customer.Postcode), nameof(Customer.Country),
    ];

    /// <summary>Youngest plausible customer: shops do not sell to younger children on their own account.</summary>
    public const int MinimumAge = 13;
    public const int MaximumAge = 120;

    /// <summary>Misspellings of the big mail providers that real sign-up forms collect every day.</summary>
    private static readonly HashSet<string> MisspeltDomains = new(StringComparer.Ordinal)
    {
        "gmial.com", "gmai.com", "gmal.com", "gmaill.com", "gnail.com", "gmail.co", "gmail.con", "gamil.com", "gmail.cm",
        "hotmial.com", "hotmal.com", "hotmai.com", "hotmail.con", "hotmail.co", "hotnail.com",
        "yaho.com", "yahooo.com", "yahoo.con", "yhoo.com", "outlok.com", "outlook.con", "iclod.com", "icloud.con",
    };

    private static readonly HashSet<string> PlaceholderLocalParts = new(StringComparer.Ordinal)
    {
        "test", "noemail", "no-email", "noreply", "no-reply", "none", "na", "n.a", "unknown", "dummy", "fake", "asdf", "xxx",
    };

    private static readonly HashSet<string> PlaceholderNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "test", "unknown", "n/a", "na", "none", "xxx", "asdf", "customer", "dummy", "-", "?", "tbc",
    };

    /// <summary>Postcode shapes for the countries where one regular expression says it (others are not judged).</summary>
    private static readonly Dictionary<string, Regex> Postcodes = new(StringComparer.Ordinal)
    {
        ["GB"] = GbPostcode(), ["US"] = UsZip(), ["DE"] = FiveDigits(), ["FR"] = FiveDigits(), ["ES"] = FiveDigits(),
        ["IT"] = FiveDigits(), ["NL"] = NlPostcode(), ["IE"] = Eircode(), ["CA"] = CaPostcode(), ["AU"] = FourDigits(),
        ["BE"] = FourDigits(), ["AT"] = FourDigits(), ["CH"] = FourDigits(), ["DK"] = FourDigits(), ["SE"] = SePostcode(),
        ["PL"] = PlPostcode(), ["PT"] = PtPostcode(),
    };

    public static bool ChecksPostcodesOf(string country) => Postcodes.ContainsKey(country);

    /// <summary>Null when the value passes; otherwise the rule it breaks. Empty values are "missing", not invalid: pass null.</summary>
    public string? Problem(string field, string value, string? country) => field switch
    {
        nameof(Customer.Email) => EmailProblem(value),
        nameof(Customer.Phone) => Phones.TryNormalise(value, country is { Length: 2 } c && Phones.IsSupportedRegion(c) ? c : defaultRegion, acceptFictionalPhones, out _)
            ? null : "not a valid phone number",
        nameof(Customer.DateOfBirth) => DateOfBirthProblem(value),
        nameof(Customer.Postcode) => country is { } code && Postcodes.TryGetValue(code, out var shape) && !shape.IsMatch(value)
            ? "does not have the postcode shape of its country" : null,
        nameof(Customer.Country) => Countries.TryNormalise(value, out var alpha2) && alpha2 == value ? null : "not an ISO 3166 country code",
        nameof(Customer.GivenName) or nameof(Customer.FamilyName) => NameProblem(value),
        nameof(Customer.City) => value.Any(char.IsLetter) && !value.Any(char.IsDigit) ? null : "not a place name",
        nameof(Customer.AddressLine) => value.Any(char.IsLetter) ? null : "not an address",
        _ => null,
    };

    private static string? EmailProblem(string value)
    {
        if (!EmailAddresses.TryNormalise(value, out var email)) return "not a valid email address";
        var at = email.IndexOf('@');
        if (MisspeltDomains.Contains(email[(at + 1)..])) return "domain looks like a misspelt mail provider";
        if (PlaceholderLocalParts.Contains(email[..at])) return "a placeholder address";
        return null;
    }

    private string? DateOfBirthProblem(string value)
    {
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return "not a date";
        if (date > today) return "in the future";
        if (date > today.AddYears(-MinimumAge)) return $"younger than {MinimumAge}";
        if (date <= today.AddYears(-MaximumAge - 1)) return $"older than {MaximumAge}";
        // 1 January 1900 and 1970 are what systems write when they had no date.
        if (date is { Month: 1, Day: 1, Year: 1900 or 1970 }) return "a system default date";
        return null;
    }

    private static string? NameProblem(string value)
    {
        if (PlaceholderNames.Contains(value)) return "a placeholder name";
        if (value.Any(char.IsDigit)) return "contains digits";
        if (!value.Any(char.IsLetter)) return "has no letters";
        return null;
    }

    [GeneratedRegex(@"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")] private static partial Regex GbPostcode();
    [GeneratedRegex(@"^[0-9]{5}(-[0-9]{4})?$")] private static partial Regex UsZip();
    [GeneratedRegex(@"^[0-9]{5}$")] private static partial Regex FiveDigits();
    [GeneratedRegex(@"^[0-9]{4}$")] private static partial Regex FourDigits();
    [GeneratedRegex(@"^[1-9][0-9]{3} ?[A-Z]{2}$")] private static partial Regex NlPostcode();
    [GeneratedRegex(@"^[AC-FHKNPRTV-Y][0-9][0-9W] ?[0-9AC-FHKNPRTV-Y]{4}$")] private static partial Regex Eircode();
    [GeneratedRegex(@"^[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]$")] private static partial Regex CaPostcode();
    [GeneratedRegex(@"^[0-9]{3} ?[0-9]{2}$")] private static partial Regex SePostcode();
    [GeneratedRegex(@"^[0-9]{2}-[0-9]{3}$")] private static partial Regex PlPostcode();
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{3}$")] private static partial Regex PtPostcode();
}
