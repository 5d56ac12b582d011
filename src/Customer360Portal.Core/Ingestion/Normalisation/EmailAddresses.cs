using System.Buffers;
using System.Globalization;

namespace Customer360Portal.Core.Ingestion.Normalisation;

/// <summary>
/// Email addresses: the HTML5 "valid e-mail address" rule tightened to RFC 5322 dot-atoms (no leading, trailing or
/// double dots in the local part), at most 64 characters before the @ and 254 in all, a dot in the domain, a
/// non-numeric top-level label. Internationalised domains become punycode; the result is lower-case.
/// </summary>
internal static class EmailAddresses
{
    public const int MaxLength = 254;
    private const int MaxLocalLength = 64;

    private static readonly SearchValues<char> LocalChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-");
    private static readonly SearchValues<char> DomainChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");

    /// <summary>Validates a trimmed address and returns it lower-cased; false when it is not a usable address.</summary>
    public static bool TryNormalise(string address, out string normalised)
    {
        normalised = "";
        if (address.Length is < 3 or > MaxLength) return false;
        int at = address.IndexOf('@');
        if (at <= 0 || at > MaxLocalLength || at != address.LastIndexOf('@') || at == address.Length - 1) return false;

        var local = address.AsSpan(0, at);
        if (local.ContainsAnyExcept(LocalChars) || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
            return false;

        var domain = address.AsSpan(at + 1);
        if (!domain.ContainsAnyExcept(DomainChars))
        {
            if (!IsValidDomain(domain)) return false;
            normalised = address.ToLowerInvariant();
            return true;
        }

        // Internationalised domain: punycode it. ASCII outside the domain characters is never allowed.
        if (HasAsciiOutsideDomainChars(domain)) return false;
        string ascii;
        try
        {
            // A fresh mapping per call: IdnMapping's instance members are not documented as thread-safe (and IDNs are rare).
            ascii = new IdnMapping { UseStd3AsciiRules = true }.GetAscii(domain.ToString());
        }
        catch (ArgumentException)
        {
            return false;
        }
        if (ascii.AsSpan().ContainsAnyExcept(DomainChars) || !IsValidDomain(ascii)) return false;
        normalised = string.Concat(address.AsSpan(0, at + 1), ascii).ToLowerInvariant();
        return normalised.Length <= MaxLength;
    }

    private static bool HasAsciiOutsideDomainChars(ReadOnlySpan<char> domain)
    {
        foreach (char c in domain)
        {
            if (c <= '\u007F' && !DomainChars.Contains(c)) return true;
        }
        return false;
    }

    private static bool IsValidDomain(ReadOnlySpan<char> domain)
    {
        if (domain.Length is 0 or > 253) return false;
        int labels = 0;
        ReadOnlySpan<char> last = default;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            labels++;
            last = label;
        }
        if (labels < 2 || last.Length < 2) return false;
        // "user@1.2.3.4" is not a mailbox domain: the top-level label must contain a letter.
        foreach (char c in last)
        {
            if (char.IsAsciiLetter(c)) return true;
        }
        return false;
    }
}
