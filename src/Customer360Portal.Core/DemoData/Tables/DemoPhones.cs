namespace Customer360Portal.Core.DemoData.Tables;

/// <summary>A demo phone number: its country, national significant number and how its digits are grouped.</summary>
internal readonly record struct DemoPhone(int Country, string Nsn, byte[] Groups)
{
    public string CountryCallingCode => DemoPhones.CallingCodes[Country];

    public string E164 => "+" + CountryCallingCode + Nsn;
}

/// <summary>
/// Phone numbers that can never ring anyone: only ranges regulators keep for drama and fiction. UK: Ofcom's drama
/// numbers (mobile 07700 900000–900999 and 1,000-number blocks in 15 area codes plus 01632 960xxx); US: 555-0100 to
/// 555-0199 in any area code; Germany: the Bundesnetzagentur's five 1,000-number blocks (Berlin 030 23125 xxx,
/// Frankfurt 069 90009 xxx, Hamburg 040 66969 xxx, Köln 0221 4710 xxx, München 089 99998 xxx); France: ARCEP's
/// 10,000-number fiction blocks 01 99 00, 02 61 91, 03 53 01, 04 65 71 and 05 36 49.
/// </summary>
/// <remarks>
/// Numbers are handed out by a person's index within their country, so no two people share one. The ranges hold
/// about 17,000 UK, 4,000 US, 5,000 German and 50,000 French numbers; people past that have no phone.
/// </remarks>
internal static class DemoPhones
{
    public static readonly string[] CallingCodes = ["44", "1", "49", "33"];

    private static readonly (string Prefix, byte[] Groups)[] UkLandlines =
    [
        ("2079460", [2, 4, 4]), ("1134960", [3, 3, 4]), ("1144960", [3, 3, 4]), ("1154960", [3, 3, 4]),
        ("1164960", [3, 3, 4]), ("1174960", [3, 3, 4]), ("1184960", [3, 3, 4]), ("1214960", [3, 3, 4]),
        ("1314960", [3, 3, 4]), ("1414960", [3, 3, 4]), ("1514960", [3, 3, 4]), ("1614960", [3, 3, 4]),
        ("1914980", [3, 3, 4]), ("2920180", [2, 4, 4]), ("2896496", [2, 4, 4]), ("1632960", [4, 6]),
    ];

    private static readonly string[] UsAreaCodes =
    [
        "212", "646", "718", "917", "213", "310", "323", "818", "312", "773", "713", "832", "602", "480", "215",
        "267", "619", "858", "206", "303", "720", "617", "512", "503", "404", "678", "612", "202", "305", "415",
        "702", "214", "469", "210", "614", "317", "704", "615", "801", "919",
    ];

    private static readonly (string Prefix, byte[] Groups)[] DeBlocks =
    [
        ("3023125", [2, 5, 3]), ("6990009", [2, 5, 3]), ("4066969", [2, 5, 3]), ("2214710", [3, 4, 3]), ("8999998", [2, 5, 3]),
    ];

    // ARCEP's mobile fiction block (06 39 98) is left out: libphonenumber does not count it as a valid number, so
    // intake would refuse it.
    private static readonly string[] FrBlocks = ["19900", "26191", "35301", "46571", "53649"];

    private const int UkMobiles = 1000;

    /// <summary>The phone of the <paramref name="local"/>-th person of a country, or null when the ranges are used up.</summary>
    public static DemoPhone? Allocate(int country, int local, int seed)
    {
        switch (country)
        {
            case DemoPlaces.GB:
            {
                // Three in four of the first 1,332 get a mobile, the rest a landline.
                int landline;
                if (local < 1332)
                {
                    if (local % 4 != 3)
                        return new DemoPhone(country, "7700900" + Scramble(local - local / 4, 1000, seed, 1).ToString("D3"), [4, 6]);
                    landline = local / 4;
                }
                else landline = 333 + (local - 1332);
                if (landline >= UkLandlines.Length * 1000) return null;
                var (prefix, groups) = UkLandlines[landline % UkLandlines.Length];
                return new DemoPhone(country, prefix + Scramble(landline / UkLandlines.Length, 1000, seed, 2).ToString("D3"), groups);
            }
            case DemoPlaces.US:
            {
                if (local >= UsAreaCodes.Length * 100) return null;
                var area = UsAreaCodes[local % UsAreaCodes.Length];
                return new DemoPhone(country, area + "55501" + Scramble(local / UsAreaCodes.Length, 100, seed, 3).ToString("D2"), [3, 3, 4]);
            }
            case DemoPlaces.DE:
            {
                if (local >= DeBlocks.Length * 1000) return null;
                var (prefix, groups) = DeBlocks[local % DeBlocks.Length];
                return new DemoPhone(country, prefix + Scramble(local / DeBlocks.Length, 1000, seed, 4).ToString("D3"), groups);
            }
            default:
            {
                if (local >= FrBlocks.Length * 10000) return null;
                return new DemoPhone(country, FrBlocks[local % FrBlocks.Length] + Scramble(local / FrBlocks.Length, 10000, seed, 5).ToString("D4"), [1, 2, 2, 2, 2]);
            }
        }
    }

    /// <summary>
    /// A seeded bijection on [0, <paramref name="modulus"/>): a mixing permutation of the enclosing power of two
    /// (odd multiplications and xor-shifts), repeated until the value falls back in range ("cycle walking"). Distinct
    /// inputs give distinct outputs, and neighbouring inputs look unrelated.
    /// </summary>
    internal static long Scramble(long x, long modulus, int seed, int salt)
    {
        var bits = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(modulus - 1));
        var mask = (1UL << bits) - 1;
        var h = DemoRandom.Hash(seed, 0x5CA3B1E, salt);
        var a = (h | 1) & mask;
        var b = (DemoRandom.Mix(h) | 1) & mask;
        var c = (h >> 17) & mask;
        var y = (ulong)x;
        do
        {
            y = (y * a + c) & mask;
            y ^= y >> Math.Max(1, bits / 2);
            y = (y * b) & mask;
            y ^= y >> Math.Max(1, bits / 3);
            y = (y * a) & mask;
        } while (y >= (ulong)modulus);
        return (long)y;
    }

    /// <summary>Styles a person or clerk might write the number in.</summary>
    public const int StyleCount = 7;

    /// <summary>The styles that carry the country code, for sources that give no country to parse against.</summary>
    public static int[] InternationalStyles(int country) => country == DemoPlaces.US ? UsInternational : OtherInternational;

    private static readonly int[] UsInternational = [0, 1, 5];
    private static readonly int[] OtherInternational = [0, 1, 5, 6];

    public static string Format(DemoPhone phone, int style)
    {
        var g = Split(phone);
        var cc = phone.CountryCallingCode;
        if (phone.Country == DemoPlaces.US)
        {
            return style switch
            {
                0 => phone.E164,
                1 => $"+1 {g[0]} {g[1]} {g[2]}",
                2 => $"({g[0]}) {g[1]}-{g[2]}",
                3 => phone.Nsn,
                4 => $"{g[0]}-{g[1]}-{g[2]}",
                5 => $"+1 ({g[0]}) {g[1]}-{g[2]}",
                _ => $"1-{g[0]}-{g[1]}-{g[2]}",
            };
        }

        var rest = string.Join(' ', g.Skip(1));
        return style switch
        {
            0 => phone.E164,
            1 => $"+{cc} {string.Join(' ', g)}",
            2 => $"0{string.Join(' ', g)}",
            3 => "0" + phone.Nsn,
            4 => phone.Country switch
            {
                DemoPlaces.GB => $"(0{g[0]}) {(g[^1].Length == 6 && g.Length == 2 ? g[1][..3] + " " + g[1][3..] : rest)}",
                DemoPlaces.DE => $"0{g[0]}/{string.Concat(g.Skip(1))}",
                _ => "0" + string.Join('.', g),
            },
            5 => $"00{cc} {string.Join(' ', g)}",
            _ => $"+{cc} (0){string.Join(' ', g)}",
        };
    }

    private static string[] Split(DemoPhone phone)
    {
        var parts = new string[phone.Groups.Length];
        var at = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = phone.Nsn.Substring(at, phone.Groups[i]);
            at += phone.Groups[i];
        }
        return parts;
    }
}
