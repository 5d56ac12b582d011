using System.Buffers;
using PhoneNumbers;

namespace Customer360Portal.Core.Ingestion.Normalisation;

/// <summary>Phone numbers to E.164 with libphonenumber, parsed in the record's country or the default region.</summary>
internal static class Phones
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// National significant numbers of Ofcom's ranges for drama and examples (all ten digits long): mobile 07700 900xxx,
    /// the geographic 01x1 496 0xxx, 020 7946 0xxx, 0191 498 0xxx, 028 9649 6xxx, 029 2018 0xxx, 01632 960xxx, and the
    /// freephone, premium and UK-wide 08081 570xxx, 0909 879 0xxx, 03069 990xxx.
    /// </summary>
    private static readonly string[] FictionalUkPrefixes =
    [
        "7700900", "1134960", "1144960", "1154960", "1164960", "1174960", "1184960", "1214960", "1314960", "1414960",
        "1514960", "1614960", "2079460", "1914980", "2896496", "2920180", "1632960", "8081570", "9098790", "3069990",
    ];

    /// <summary>
    /// What a written phone number may contain: digits, spaces, + - ( ) . / and an extension ("ext. 12", "x12", "#12").
    /// libphonenumber would otherwise skip trailing junk ("…0018; DROP TABLE x") and accept the number.
    /// </summary>
    private static readonly SearchValues<char> Allowed = SearchValues.Create("0123456789 \u00A0+-()./#extEXT");

    public static bool IsSupportedRegion(string region) => Util.GetSupportedRegions().Contains(region);

    public static bool TryNormalise(string raw, string region, bool acceptFictional, out string e164)
    {
        e164 = "";
        // libphonenumber refuses longer input anyway; a cheap guard keeps its regexes away from junk.
        if (raw.Length > 100 || raw.AsSpan().ContainsAnyExcept(Allowed)) return false;
        PhoneNumber number;
        try
        {
            number = Util.Parse(raw, region);
        }
        catch (NumberParseException)
        {
            return false;
        }
        if (!Util.IsValidNumber(number) && !(acceptFictional && IsFictionalUk(number))) return false;
        e164 = Util.Format(number, PhoneNumberFormat.E164);
        return true;
    }

    private static bool IsFictionalUk(PhoneNumber number)
    {
        if (number.CountryCode != 44) return false;
        string national = number.NationalNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (national.Length != 10) return false;
        foreach (var prefix in FictionalUkPrefixes)
        {
            if (national.StartsWith(prefix, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
