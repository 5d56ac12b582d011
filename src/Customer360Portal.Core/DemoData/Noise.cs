using System.Text;
using Customer360Portal.Core.DemoData.Tables;

namespace Customer360Portal.Core.DemoData;

/// <summary>The small ways people and clerks get a person's details wrong, at the configured rates.</summary>
internal sealed class Noise(DemoCompanyOptions options)
{
    // Letters near each other on a QWERTY keyboard, for believable slips.
    private static readonly string[] Neighbours = BuildNeighbours();

    /// <summary>How a person's name is typed into a source: formal or nickname, with slips, swaps and casing.</summary>
    public (string First, string Last) Name(DemoRandom rng, PersonCore p, bool formalSource)
    {
        var first = p.Given;
        if (p.Nickname is not null && (formalSource ? rng.Chance(0.1) : rng.Chance(0.85))) first = p.Nickname;
        var last = p.Family;
        if (!formalSource)
        {
            if (rng.Chance(options.TypoRate)) first = Typo(rng, first);
            if (rng.Chance(options.TypoRate)) last = Typo(rng, last);
            switch (rng.Next(40))
            {
                case 0: first = first.ToLowerInvariant(); last = last.ToLowerInvariant(); break;
                case 1: first = first.ToUpperInvariant(); last = last.ToUpperInvariant(); break;
                case 2: first = " " + first; last += " "; break;
            }
        }
        else if (rng.Chance(options.TypoRate / 3)) last = Typo(rng, last);
        if (rng.Chance(options.SwappedNameRate)) (first, last) = (last, first);
        return (first, last);
    }

    /// <summary>An email as written into a source: case changes, and for hand-typed ones the odd slip.</summary>
    public string Email(DemoRandom rng, string email, bool typed)
    {
        if (typed && rng.Chance(options.TypoRate / 2)) email = EmailTypo(rng, email);
        if (rng.Chance(options.EmailCaseRate))
        {
            email = rng.Next(3) switch
            {
                0 => email.ToUpperInvariant(),
                1 => TitleCaseLocalPart(email),
                _ => " " + email,
            };
        }
        return email;
    }

    public string Phone(DemoRandom rng, PersonCore p, bool hasCountryContext)
    {
        var phone = p.Phone!.Value;
        int style;
        if (!rng.Chance(options.PhoneFormatVariationRate)) style = p.PhoneStyle;
        else style = rng.Next(DemoPhones.StyleCount);
        // Without a country to parse against, people abroad are only findable when the number says its country.
        if (!hasCountryContext && p.Country != DemoPlaces.GB && Array.IndexOf(DemoPhones.InternationalStyles(p.Country), style) < 0)
            style = rng.Pick(DemoPhones.InternationalStyles(p.Country));
        return DemoPhones.Format(phone, style);
    }

    public DemoAddress Address(DemoRandom rng, DemoAddress address, int country)
    {
        if (!rng.Chance(options.AddressVariationRate)) return address;
        return rng.Next(3) switch
        {
            0 => address with { Line1 = DemoPlaces.VaryLine(rng, address.Line1) },
            1 => address with { Postcode = DemoPlaces.VaryPostcode(rng, address.Postcode, country) },
            _ => address with { City = address.City.ToUpperInvariant(), Country = DemoPlaces.CountryNames[country] },
        };
    }

    /// <summary>One slip of the finger: a neighbouring key, two letters swapped, a letter dropped or doubled.</summary>
    public static string Typo(DemoRandom rng, string word)
    {
        if (word.Length < 3) return word;
        var chars = word.ToCharArray();
        var at = rng.Between(1, chars.Length - 1); // people rarely get the first letter wrong
        if (!char.IsLetter(chars[at])) return word;
        switch (rng.Next(4))
        {
            case 0:
                var lower = char.ToLowerInvariant(chars[at]);
                if (lower is >= 'a' and <= 'z')
                {
                    var near = Neighbours[lower - 'a'];
                    var replacement = near[rng.Next(near.Length)];
                    chars[at] = char.IsUpper(chars[at]) ? char.ToUpperInvariant(replacement) : replacement;
                    return new string(chars);
                }
                goto case 1;
            case 1:
                if (at + 1 < chars.Length && char.IsLetter(chars[at + 1]) && chars[at] != chars[at + 1])
                {
                    (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
                    return new string(chars);
                }
                (chars[at - 1], chars[at]) = (chars[at], chars[at - 1]);
                return char.IsUpper(word[0]) ? Capitalise(new string(chars)) : new string(chars);
            case 2:
                return word.Remove(at, 1);
            default:
                return word.Insert(at, chars[at].ToString());
        }
    }

    /// <summary>A slip in the letters of an email's local part (never its digits, never the domain).</summary>
    private static string EmailTypo(DemoRandom rng, string email)
    {
        var atSign = email.IndexOf('@');
        var local = email[..atSign];
        var letters = 0;
        while (letters < local.Length && !char.IsAsciiDigit(local[letters])) letters++;
        if (letters < 4) return email;
        var slipped = Typo(rng, local[..letters]).ToLowerInvariant();
        return slipped + local[letters..] + email[atSign..];
    }

    private static string TitleCaseLocalPart(string email)
    {
        var sb = new StringBuilder(email.Length);
        var upperNext = true;
        foreach (var c in email)
        {
            sb.Append(upperNext ? char.ToUpperInvariant(c) : c);
            upperNext = c is '.' or '_' or '@';
        }
        return sb.ToString();
    }

    private static string Capitalise(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    private static string[] BuildNeighbours()
    {
        string[] rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
        var result = new string[26];
        for (var r = 0; r < rows.Length; r++)
        {
            for (var i = 0; i < rows[r].Length; i++)
            {
                var sb = new StringBuilder();
                if (i > 0) sb.Append(rows[r][i - 1]);
                if (i + 1 < rows[r].Length) sb.Append(rows[r][i + 1]);
                if (r > 0 && i < rows[r - 1].Length) sb.Append(rows[r - 1][i]);
                if (r + 1 < rows.Length && i < rows[r + 1].Length) sb.Append(rows[r + 1][i]);
                result[rows[r][i] - 'a'] = sb.ToString();
            }
        }
        return result;
    }
}
