using System.Globalization;
using System.Text;

namespace Customer360Portal.Core.IdentityResolution.Matching;

/// <summary>String measures that fit people data: Jaro-Winkler for names and streets, bounded edit distance for ids.</summary>
public static class TextSimilarity
{
    /// <summary>Jaro-Winkler similarity in [0, 1]; 1 for equal strings, prefix agreement weighs more (typos sit late).</summary>
    public static double JaroWinkler(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0) return 0;
        if (a == b) return 1;
        if (a.Length > b.Length) (a, b) = (b, a);
        var window = Math.Max(0, b.Length / 2 - 1);
        Span<bool> matchedB = b.Length <= 256 ? stackalloc bool[b.Length] : new bool[b.Length];
        Span<int> matchIndexA = a.Length <= 256 ? stackalloc int[a.Length] : new int[a.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var from = Math.Max(0, i - window);
            var to = Math.Min(b.Length - 1, i + window);
            matchIndexA[i] = -1;
            for (var j = from; j <= to; j++)
            {
                if (matchedB[j] || a[i] != b[j]) continue;
                matchedB[j] = true;
                matchIndexA[i] = j;
                matches++;
                break;
            }
        }
        if (matches == 0) return 0;
        // Transpositions: matched characters of a, in order, against matched characters of b, in order.
        var transpositions = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (matchIndexA[i] < 0) continue;
            while (!matchedB[k]) k++;
            if (a[i] != b[k]) transpositions++;
            k++;
        }
        double m = matches;
        var jaro = (m / a.Length + m / b.Length + (m - transpositions / 2.0) / m) / 3.0;
        var prefix = 0;
        for (var i = 0; i < Math.Min(4, a.Length) && a[i] == b[i]; i++) prefix++;
        return jaro + prefix * 0.1 * (1 - jaro);
    }

    /// <summary>
    /// Optimal-string-alignment distance (edits, adjacent swaps count once), or <paramref name="limit"/> + 1 as soon as
    /// it is known to exceed the limit: ids and dates only care whether it is 0, 1 or 2.
    /// </summary>
    public static int EditDistance(string a, string b, int limit = 2)
    {
        if (a == b) return 0;
        if (Math.Abs(a.Length - b.Length) > limit) return limit + 1;
        var n = a.Length;
        var m = b.Length;
        if (n == 0 || m == 0) return Math.Min(limit + 1, Math.Max(n, m));
        Span<int> previous2 = stackalloc int[m + 1];
        Span<int> previous = stackalloc int[m + 1];
        Span<int> current = stackalloc int[m + 1];
        for (var j = 0; j <= m; j++) previous[j] = j;
        for (var i = 1; i <= n; i++)
        {
            current[0] = i;
            var rowMin = i;
            for (var j = 1; j <= m; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    value = Math.Min(value, previous2[j - 2] + 1);
                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }
            if (rowMin > limit) return limit + 1;
            var spare = previous2;
            previous2 = previous;
            previous = current;
            current = spare;
        }
        return Math.Min(previous[m], limit + 1);
    }

    /// <summary>American Soundex ("robert" → R163): coarse sound of a name, for blocking keys.</summary>
    public static string Soundex(string name)
    {
        if (name.Length == 0) return "";
        Span<char> code = stackalloc char[4];
        var length = 0;
        var last = '0';
        foreach (var c in name)
        {
            if (c is < 'a' or > 'z') continue;
            var digit = c switch
            {
                'b' or 'f' or 'p' or 'v' => '1',
                'c' or 'g' or 'j' or 'k' or 'q' or 's' or 'x' or 'z' => '2',
                'd' or 't' => '3',
                'l' => '4',
                'm' or 'n' => '5',
                'r' => '6',
                'h' or 'w' => 'h',
                _ => '0',
            };
            if (length == 0)
            {
                code[length++] = char.ToUpperInvariant(c);
                last = digit;
                continue;
            }
            if (digit == 'h') continue; // h and w do not separate equal codes
            if (digit != '0' && digit != last) code[length++] = digit;
            last = digit;
            if (length == 4) break;
        }
        if (length == 0) return "";
        while (length < 4) code[length++] = '0';
        return new string(code);
    }

    /// <summary>Lower case, accents removed, only letters, digits and single spaces kept ("O'Brien-Smith " → "obrien smith").</summary>
    public static string Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "";
        var decomposed = value.Trim().Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var raw in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(raw);
            if (category == UnicodeCategory.NonSpacingMark) continue;
            var c = char.ToLowerInvariant(raw);
            c = c switch { 'ł' => 'l', 'ø' => 'o', 'ß' => 's', 'đ' => 'd', 'æ' => 'a', _ => c };
            if (char.IsLetterOrDigit(c))
            {
                if (space && kept.Length > 0) kept.Append(' ');
                kept.Append(c);
                space = false;
            }
            else if (c is ' ' or '-' or '\t' or ',' or '.' or '/')
                space = true;
            // apostrophes and other marks vanish: O'Brien = OBrien
        }
        return kept.ToString();
    }

    /// <summary>Only the digits of a value ("+44 (0)7700 900-123" → "4407700900123").</summary>
    public static string Digits(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var kept = new StringBuilder(value.Length);
        foreach (var c in value)
            if (c is >= '0' and <= '9') kept.Append(c);
        return kept.ToString();
    }
}
