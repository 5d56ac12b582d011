using System.Text;

namespace Customer360Portal.Core.DemoData.Tables;

/// <summary>Countries, cities with their postcode shapes, and streets, for demo addresses.</summary>
internal static class DemoPlaces
{
    public const int GB = 0, US = 1, DE = 2, FR = 3;

    public static readonly string[] CountryCodes = ["GB", "US", "DE", "FR"];
    public static readonly string[] CountryNames = ["United Kingdom", "United States", "Germany", "France"];
    public static readonly string[] Currencies = ["GBP", "USD", "EUR", "EUR"];
    public static readonly string[] Locales = ["en-GB", "en-US", "de-DE", "fr-FR"];

    /// <summary>A city and how its postcodes look: UK outward codes, or 5-digit prefixes to complete.</summary>
    public sealed record City(string Name, int Country, int Weight, string[] Prefixes);

    private static City Gb(string name, int weight, string outward) => new(name, GB, weight, outward.Split(' '));
    private static City Us(string name, int weight, string zip3) => new(name, US, weight, zip3.Split(' '));
    private static City De(string name, int weight, string plz2) => new(name, DE, weight, plz2.Split(' '));
    private static City Fr(string name, int weight, string cp) => new(name, FR, weight, cp.Split(' '));

    public static readonly City[] Cities =
    [
        Gb("London", 90, "E1 E14 E17 N1 N7 N16 NW3 NW6 SE1 SE15 SE22 SW4 SW11 SW19 W2 W5 W11"),
        Gb("Manchester", 20, "M1 M4 M14 M20 M21"),
        Gb("Birmingham", 20, "B1 B5 B13 B15 B29"),
        Gb("Leeds", 14, "LS1 LS6 LS8 LS17"),
        Gb("Glasgow", 13, "G1 G3 G12 G41"),
        Gb("Edinburgh", 11, "EH1 EH3 EH6 EH10"),
        Gb("Bristol", 10, "BS1 BS6 BS8"),
        Gb("Liverpool", 10, "L1 L8 L17 L18"),
        Gb("Sheffield", 9, "S1 S7 S10 S11"),
        Gb("Newcastle upon Tyne", 7, "NE1 NE2 NE6"),
        Gb("Nottingham", 7, "NG1 NG5 NG7"),
        Gb("Leicester", 6, "LE1 LE2 LE3"),
        Gb("Cardiff", 7, "CF10 CF11 CF14 CF23"),
        Gb("Belfast", 6, "BT1 BT7 BT9"),
        Gb("Brighton", 5, "BN1 BN2 BN3"),
        Gb("Oxford", 4, "OX1 OX2 OX4"),
        Gb("Cambridge", 4, "CB1 CB2 CB4"),
        Gb("York", 4, "YO1 YO10 YO31"),
        Gb("Bath", 3, "BA1 BA2"),
        Gb("Norwich", 4, "NR1 NR2 NR3"),
        Gb("Southampton", 5, "SO14 SO15 SO17"),
        Gb("Reading", 4, "RG1 RG2 RG30"),
        Gb("Exeter", 3, "EX1 EX2 EX4"),
        Gb("Aberdeen", 4, "AB10 AB11 AB15"),
        Us("New York", 30, "100 101 102 112"),
        Us("Los Angeles", 22, "900 913"),
        Us("Chicago", 15, "606"),
        Us("Houston", 12, "770"),
        Us("Phoenix", 9, "850"),
        Us("Philadelphia", 9, "191"),
        Us("San Diego", 8, "921"),
        Us("Seattle", 8, "981"),
        Us("Denver", 7, "802"),
        Us("Boston", 8, "021"),
        Us("Austin", 7, "787"),
        Us("Portland", 6, "972"),
        Us("Atlanta", 8, "303"),
        Us("Minneapolis", 5, "554"),
        De("Berlin", 30, "10 12 13"),
        De("Hamburg", 16, "20 22"),
        De("München", 13, "80 81"),
        De("Köln", 9, "50 51"),
        De("Frankfurt am Main", 7, "60"),
        De("Stuttgart", 6, "70"),
        De("Düsseldorf", 6, "40"),
        De("Leipzig", 5, "04"),
        De("Dresden", 5, "01"),
        De("Hannover", 5, "30"),
        De("Nürnberg", 5, "90"),
        De("Bremen", 5, "28"),
        Fr("Paris", 40, "75001 75002 75003 75004 75005 75006 75007 75008 75009 75010 75011 75012 75013 75014 75015 75016 75017 75018 75019 75020"),
        Fr("Marseille", 16, "13001 13002 13004 13005 13006 13007 13008 13009 13012 13013"),
        Fr("Lyon", 10, "69001 69002 69003 69004 69005 69006 69007 69008 69009"),
        Fr("Toulouse", 9, "31000 31100 31200 31300 31400 31500"),
        Fr("Nice", 7, "06000 06100 06200 06300"),
        Fr("Nantes", 6, "44000 44100 44200 44300"),
        Fr("Strasbourg", 5, "67000 67100 67200"),
        Fr("Montpellier", 5, "34000 34070 34080 34090"),
        Fr("Bordeaux", 5, "33000 33100 33200 33300 33800"),
        Fr("Lille", 5, "59000 59160 59260 59800"),
        Fr("Rennes", 4, "35000 35200 35700"),
    ];

    private static readonly City[][] CitiesByCountry =
        Enumerable.Range(0, 4).Select(c => Cities.Where(x => x.Country == c).ToArray()).ToArray();

    private static readonly int[][] CityCumulative =
        CitiesByCountry.Select(list => DemoNames.Cumulate(list.Select(c => c.Weight).ToArray())).ToArray();

    public static City PickCity(DemoRandom rng, int country) => CitiesByCountry[country][rng.PickWeighted(CityCumulative[country])];

    public static readonly string[][] Streets =
    [
        // GB
        ["High Street", "Station Road", "Church Lane", "Main Street", "Park Road", "Victoria Road", "Green Lane",
         "Manor Road", "Church Street", "Mill Lane", "Queens Road", "Kings Road", "New Road", "Grange Road",
         "North Street", "School Lane", "London Road", "The Avenue", "Chapel Street", "Albert Road", "Springfield Road",
         "Highfield Road", "Windsor Road", "York Road", "The Green", "Elm Grove", "Orchard Close", "Meadow Way",
         "Beech Avenue", "Oak Drive", "Willow Crescent", "Cedar Close", "Riverside Walk", "St Mary's Road",
         "Richmond Road", "Stanley Road", "Mount Pleasant", "Brook Street", "Bridge Street", "Castle Street"],
        // US
        ["Main Street", "Oak Street", "Maple Avenue", "Cedar Lane", "Pine Street", "Elm Street", "Washington Avenue",
         "Lake Drive", "Hillside Avenue", "Park Avenue", "Sunset Boulevard", "Lincoln Avenue", "Jefferson Street",
         "Madison Avenue", "Highland Drive", "Spring Street", "Ridge Road", "Willow Way", "Chestnut Street",
         "Walnut Street", "Franklin Street", "River Road", "Forest Avenue", "Meadow Lane"],
        // DE
        ["Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße", "Bergstraße", "Birkenweg",
         "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Schillerstraße", "Goethestraße", "Am Markt",
         "Rosenweg", "Mühlenweg", "Feldstraße", "Wiesenweg"],
        // FR
        ["rue de la République", "rue Victor Hugo", "rue de la Paix", "avenue Jean Jaurès", "rue Pasteur",
         "rue de l'Église", "place de la Mairie", "rue du Moulin", "boulevard Gambetta", "rue Nationale",
         "avenue de la Gare", "rue des Écoles", "rue Jules Ferry", "chemin des Vignes", "rue du Château",
         "allée des Tilleuls", "rue Émile Zola", "rue Voltaire"],
    ];

    private const string UkInwardLetters = "ABDEFGHJLNPQRSTUWXYZ";

    public static string Postcode(DemoRandom rng, City city)
    {
        var prefix = rng.Pick(city.Prefixes);
        switch (city.Country)
        {
            case GB:
                return string.Create(prefix.Length + 4, (prefix, d: rng.Next(10), a: rng.Next(20), b: rng.Next(20)), static (span, s) =>
                {
                    s.prefix.AsSpan().CopyTo(span);
                    var i = s.prefix.Length;
                    span[i] = ' ';
                    span[i + 1] = (char)('0' + s.d);
                    span[i + 2] = UkInwardLetters[s.a];
                    span[i + 3] = UkInwardLetters[s.b];
                });
            case US:
                return prefix + rng.Next(100).ToString("D2");
            case DE:
                return prefix + rng.Between(100, 999).ToString("D3");
            default:
                return prefix; // French codes are listed whole
        }
    }

    public static string AddressLine(DemoRandom rng, int country)
    {
        var street = rng.Pick(Streets[country]);
        switch (country)
        {
            case GB:
                var n = rng.Between(1, 180);
                return rng.Chance(0.15) ? $"Flat {rng.Between(1, 24)}, {n} {street}" : $"{n} {street}";
            case US:
                var line = $"{rng.Between(10, 9899)} {street}";
                return rng.Chance(0.2) ? $"{line}, Apt {rng.Between(1, 30)}{(char)('A' + rng.Next(6))}" : line;
            case DE:
                var nr = rng.Between(1, 140).ToString();
                return rng.Chance(0.1) ? $"{street} {nr}{(char)('a' + rng.Next(3))}" : $"{street} {nr}";
            default:
                var no = rng.Between(1, 160);
                return rng.Chance(0.08) ? $"{no} bis {street}" : $"{no} {street}";
        }
    }

    // How people and clerks write the same street differently.
    private static readonly (string Long, string Short)[] Abbreviations =
    [
        (" Street", " St"), (" Road", " Rd"), (" Avenue", " Ave"), (" Lane", " Ln"), (" Drive", " Dr"),
        (" Close", " Cl"), (" Crescent", " Cres"), (" Boulevard", " Blvd"), ("straße", "str."), ("avenue ", "av. "),
        ("boulevard ", "bd "),
    ];

    /// <summary>The same address line as someone else might type it: abbreviated, in capitals, without commas.</summary>
    public static string VaryLine(DemoRandom rng, string line)
    {
        switch (rng.Next(4))
        {
            case 0:
                return Abbreviate(line) ?? line.ToUpperInvariant();
            case 1:
                return line.ToUpperInvariant();
            case 2:
                return line.Replace(",", "", StringComparison.Ordinal).ToLowerInvariant();
            default:
                return line.Replace("Flat ", "Apartment ", StringComparison.Ordinal).Replace(", Apt ", " #", StringComparison.Ordinal);
        }
    }

    /// <summary>The line with its street type abbreviated ("High Street" → "High St"), or null when it has none.</summary>
    public static string? Abbreviate(string line)
    {
        foreach (var (l, s) in Abbreviations)
            if (line.Contains(l, StringComparison.Ordinal)) return line.Replace(l, s, StringComparison.Ordinal);
        return null;
    }

    /// <summary>The same postcode written differently: UK without the space or in lower case; US as ZIP+4.</summary>
    public static string VaryPostcode(DemoRandom rng, string postcode, int country) => country switch
    {
        GB => rng.Chance(0.5) ? postcode.Replace(" ", "", StringComparison.Ordinal) : postcode.ToLowerInvariant(),
        US => postcode + "-" + rng.Between(1000, 9999).ToString("D4"),
        _ => postcode,
    };

    internal static string AsciiLower(string s)
    {
        var folded = Names.GivenNameVariants.Fold(s);
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
        return sb.ToString();
    }
}
