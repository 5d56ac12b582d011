using System.Globalization;
using System.Text;

namespace Customer360Portal.Core.Ingestion.Normalisation;

/// <summary>
/// Countries to ISO 3166-1 alpha-2 (upper-case). Accepts alpha-2 and alpha-3 codes in any case and English names
/// (RegionInfo's English and native names plus authored aliases such as "UK", "USA", "Holland", "Türkiye"),
/// ignoring case, accents, punctuation and a leading "The".
/// </summary>
internal static class Countries
{
    /// <summary>The officially assigned ISO 3166-1 alpha-2 codes, plus XK (Kosovo), which sources use widely.</summary>
    private const string Alpha2Codes =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT " +
        "JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY " +
        "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM " +
        "PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
        "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK";

    /// <summary>Names and codes people use that RegionInfo does not give (or gives differently); checked before ICU's.</summary>
    private static readonly (string Name, string Code)[] Aliases =
    [
        ("UK", "GB"), ("U.K.", "GB"), ("Great Britain", "GB"), ("Britain", "GB"), ("England", "GB"), ("Scotland", "GB"),
        ("Wales", "GB"), ("Northern Ireland", "GB"), ("United Kingdom of Great Britain and Northern Ireland", "GB"),
        ("United Kingdom", "GB"), ("USA", "US"), ("U.S.A.", "US"), ("U.S.", "US"), ("United States", "US"),
        ("United States of America", "US"), ("America", "US"), ("Germany", "DE"), ("France", "FR"), ("Ireland", "IE"),
        ("Republic of Ireland", "IE"), ("Eire", "IE"), ("Spain", "ES"), ("Italy", "IT"), ("Netherlands", "NL"),
        ("Holland", "NL"), ("Belgium", "BE"), ("Switzerland", "CH"), ("Austria", "AT"), ("Sweden", "SE"), ("Norway", "NO"),
        ("Denmark", "DK"), ("Finland", "FI"), ("Poland", "PL"), ("Portugal", "PT"), ("Greece", "GR"), ("Canada", "CA"),
        ("Australia", "AU"), ("New Zealand", "NZ"), ("Japan", "JP"), ("China", "CN"), ("India", "IN"), ("Brazil", "BR"),
        ("Mexico", "MX"), ("Czech Republic", "CZ"), ("Czechia", "CZ"), ("Slovak Republic", "SK"), ("Russia", "RU"),
        ("Russian Federation", "RU"), ("South Korea", "KR"), ("Korea", "KR"), ("Republic of Korea", "KR"),
        ("North Korea", "KP"), ("Turkey", "TR"), ("Türkiye", "TR"), ("Ivory Coast", "CI"), ("Cote d'Ivoire", "CI"),
        ("Burma", "MM"), ("Myanmar", "MM"), ("Swaziland", "SZ"), ("Macedonia", "MK"), ("UAE", "AE"),
        ("Vatican", "VA"), ("Holy See", "VA"), ("Hong Kong", "HK"), ("Macau", "MO"), ("Macao", "MO"), ("Palestine", "PS"),
        ("Cabo Verde", "CV"), ("Cape Verde", "CV"), ("Viet Nam", "VN"), ("Vietnam", "VN"), ("Taiwan", "TW"),
        ("Iran", "IR"), ("Syria", "SY"), ("Laos", "LA"), ("Bolivia", "BO"), ("Venezuela", "VE"), ("Tanzania", "TZ"),
        ("Moldova", "MD"), ("Brunei", "BN"), ("Kosovo", "XK"), ("Western Sahara", "EH"),
        ("Democratic Republic of the Congo", "CD"), ("DR Congo", "CD"), ("DRC", "CD"), ("Republic of the Congo", "CG"),
    ];

    private static readonly Dictionary<string, string> ByCode = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, string> ByName = new(StringComparer.Ordinal);

    static Countries()
    {
        foreach (var code in Alpha2Codes.Split(' '))
        {
            ByCode[code] = code;
        }
        foreach (var (name, code) in Aliases)
        {
            if (name.Length <= 3 && !name.Contains('.')) ByCode.TryAdd(name, code);
            ByName.TryAdd(Key(name), code);
        }
        var regions = new List<(string Code, RegionInfo Region)>();
        foreach (var code in Alpha2Codes.Split(' '))
        {
            try
            {
                regions.Add((code, new RegionInfo(code)));
            }
            catch (ArgumentException)
            {
                // ICU has no specific culture for a few territories (EH...), and none at all with invariant
                // globalisation: the code still validates, the aliases still map.
            }
        }
        foreach (var (code, region) in regions)
        {
            if (region.ThreeLetterISORegionName.Length == 3) ByCode.TryAdd(region.ThreeLetterISORegionName, code);
            ByName.TryAdd(Key(region.EnglishName), code);
        }
        // Native names ("Deutschland", "España") last, so they never shadow an English name.
        foreach (var (code, region) in regions)
        {
            ByName.TryAdd(Key(region.NativeName), code);
        }
    }

    /// <summary>The alpha-2 code for a trimmed code or name; false when it names no country this table knows.</summary>
    public static bool TryNormalise(string value, out string alpha2)
    {
        if (value.Length <= 3 && ByCode.TryGetValue(value, out alpha2!)) return true;
        alpha2 = "";
        if (value.Length > 80) return false;
        try
        {
            return ByName.TryGetValue(Key(value), out alpha2!);
        }
        catch (ArgumentException)
        {
            alpha2 = "";
            return false; // not normalisable (lone surrogates)
        }
    }

    /// <summary>Lower-case, no accents, "&amp;" as "and", punctuation as spaces, single spaces, no leading "the".</summary>
    private static string Key(string name)
    {
        string decomposed;
        try
        {
            decomposed = name.Normalize(NormalizationForm.FormD);
        }
        catch (PlatformNotSupportedException)
        {
            decomposed = name; // invariant globalisation without normalisation data: accents then simply must match
        }
        var sb = new StringBuilder(decomposed.Length);
        bool space = false;
        foreach (char c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(c))
            {
                if (space && sb.Length > 0) sb.Append(' ');
                space = false;
                sb.Append(char.ToLowerInvariant(c));
            }
            else if (c == '&')
            {
                if (sb.Length > 0) sb.Append(' ');
                sb.Append("and");
                space = true;
            }
            else if (c is '\'' or '\u2019' or '.')
            {
                // "Cote d'Ivoire" and "Cote d’Ivoire", "U.S.A." and "USA" become the same key.
            }
            else
            {
                space = true;
            }
        }
        var key = sb.ToString();
        return key.StartsWith("the ", StringComparison.Ordinal) ? key[4..] : key;
    }
}
