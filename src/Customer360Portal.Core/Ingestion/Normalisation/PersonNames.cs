using System.Buffers;
using System.Globalization;
using System.Text;

namespace Customer360Portal.Core.Ingestion.Normalisation;

/// <summary>
/// Person names: NFC, trimmed, inner whitespace collapsed, zero-width characters removed; only letters (any script),
/// combining marks, spaces, apostrophes, hyphens and periods; single-case names title-cased. A name without a single
/// letter ("." or "-" as placeholders) counts as missing.
/// </summary>
internal static class PersonNames
{
    /// <summary>Longest given or family name, as the store's columns allow.</summary>
    public const int MaxLength = 100;

    public enum Problem : byte { None, Empty, Disallowed, TooLong }

    public static Problem Normalise(string raw, out string name)
    {
        name = "";
        // Decomposed input ("e" + U+0301) is composed first so casing and matching see one letter.
        if (HasNonAscii(raw))
        {
            if (raw.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') && HasLoneSurrogate(raw)) return Problem.Disallowed;
            raw = ComposeIfPossible(raw);
        }

        char[]? rented = null;
        Span<char> buffer = raw.Length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(raw.Length));
        try
        {
            int length = 0;
            bool pendingSpace = false, hasUpper = false, hasLower = false, hasLetter = false;
            foreach (Rune rune in raw.EnumerateRunes())
            {
                int value = rune.Value;
                if (IsInvisible(value)) continue;
                var category = Rune.GetUnicodeCategory(rune);
                if (category == UnicodeCategory.SpaceSeparator)
                {
                    pendingSpace = length > 0;
                    continue;
                }

                Rune output = rune;
                if (category is UnicodeCategory.UppercaseLetter) hasUpper = hasLetter = true;
                else if (category is UnicodeCategory.LowercaseLetter) hasLower = hasLetter = true;
                else if (category is UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter) hasLetter = true;
                else if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark) { }
                else if (value is '\'' or '\u2019' or '-' or '.') { }
                else if (value is '\u2010' or '\u2011') output = new Rune('-');
                else return Problem.Disallowed;

                if (pendingSpace)
                {
                    buffer[length++] = ' ';
                    pendingSpace = false;
                }
                length += output.EncodeToUtf16(buffer[length..]);
            }

            // Nothing but punctuation ("." or "-", which CRMs use for "unknown") is no name at all.
            if (!hasLetter) return Problem.Empty;
            if (length > MaxLength) return Problem.TooLong;
            var result = buffer[..length];
            if (hasUpper != hasLower) TitleCase(result);
            name = result.SequenceEqual(raw) ? raw : new string(result);
            return Problem.None;
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static string ComposeIfPossible(string s)
    {
        try
        {
            return s.IsNormalized(NormalizationForm.FormC) ? s : s.Normalize(NormalizationForm.FormC);
        }
        catch (PlatformNotSupportedException)
        {
            return s; // invariant globalisation without normalisation data
        }
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return true;
        }
        return false;
    }

    private static bool HasNonAscii(string s) => s.AsSpan().ContainsAnyExceptInRange('\u0000', '\u007F');

    /// <summary>Zero-width spaces and joiners, word joiner, BOM, soft hyphen, LRM/RLM: removed silently.</summary>
    private static bool IsInvisible(int value) =>
        value is >= 0x200B and <= 0x200F or 0x2060 or 0xFEFF or 0x00AD;

    /// <summary>"JON" → "Jon", "o'neil" → "O'Neil", "jean-luc" → "Jean-Luc": upper after a start, space, hyphen, apostrophe or period.</summary>
    private static void TitleCase(Span<char> text)
    {
        bool wordStart = true;
        int i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text[i..], out var rune, out int consumed);
            if (Rune.IsLetter(rune))
            {
                var cased = wordStart ? Rune.ToUpperInvariant(rune) : Rune.ToLowerInvariant(rune);
                if (cased.Utf16SequenceLength == consumed) cased.EncodeToUtf16(text[i..]);
                wordStart = false;
            }
            else if (rune.Value is ' ' or '-' or '\'' or '\u2019' or '.')
            {
                wordStart = true;
            }
            i += consumed;
        }
    }
}
