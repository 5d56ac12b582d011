using System.Buffers;
using System.Text;

namespace Customer360Portal.Core.Ingestion.Normalisation;

/// <summary>Character rules shared by the field readers: control characters, identifiers, whitespace, truncation.</summary>
internal static class TextRules
{
    /// <summary>Longest identifier (external ids, account ids, campaign ids...), as the store's columns allow.</summary>
    public const int MaxIdLength = 200;

    private static readonly SearchValues<char> Controls = SearchValues.Create(BuildControls(allowBreaks: false));
    private static readonly SearchValues<char> ControlsExceptBreaks = SearchValues.Create(BuildControls(allowBreaks: true));

    /// <summary>ASCII letters, digits and the punctuation real id schemes use (UUIDs, base64, Segment ids, emails as ids).</summary>
    private static readonly SearchValues<char> AsciiIdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:@/+=#~|");

    private static string BuildControls(bool allowBreaks)
    {
        var sb = new StringBuilder();
        for (char c = '\0'; c <= '\u001F'; c++)
        {
            if (allowBreaks && c is '\t' or '\n' or '\r') continue;
            sb.Append(c);
        }
        for (char c = '\u007F'; c <= '\u009F'; c++) sb.Append(c);
        // Line and paragraph separators break log lines just as well as \n.
        if (!allowBreaks) sb.Append('\u2028').Append('\u2029');
        return sb.ToString();
    }

    /// <summary>True when the text holds C0/C1 control characters (tab, CR and LF allowed when <paramref name="allowBreaks"/>).</summary>
    public static bool HasControl(ReadOnlySpan<char> text, bool allowBreaks = false) =>
        text.ContainsAny(allowBreaks ? ControlsExceptBreaks : Controls);

    public enum IdProblem : byte { None, Control, Disallowed }

    /// <summary>
    /// Identifiers are letters and digits (any script) plus <c>- _ . : @ / + = # ~ |</c>: no whitespace, quotes,
    /// angle brackets, semicolons, backslashes or invisible characters.
    /// </summary>
    public static IdProblem CheckId(ReadOnlySpan<char> id)
    {
        int i = id.IndexOfAnyExcept(AsciiIdChars);
        if (i < 0) return IdProblem.None;
        var problem = IdProblem.None;
        for (; i < id.Length; i++)
        {
            char c = id[i];
            if (AsciiIdChars.Contains(c)) continue;
            if (IsControlOrInvisible(c)) return IdProblem.Control;
            if (c > '\u007F' && char.IsLetterOrDigit(c)) continue;
            problem = IdProblem.Disallowed;
        }
        return problem;
    }

    /// <summary>Control, format (zero-width, bidi), separator-line and surrogate characters: unsafe to echo in logs.</summary>
    public static bool IsControlOrInvisible(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c) is
            System.Globalization.UnicodeCategory.Format or
            System.Globalization.UnicodeCategory.LineSeparator or
            System.Globalization.UnicodeCategory.ParagraphSeparator;

    /// <summary>True when an id may be shown in quarantine screens even though it failed validation.</summary>
    public static bool IsDisplayableId(string id)
    {
        if (id.Length is 0 or > MaxIdLength) return false;
        foreach (char c in id)
        {
            if (IsControlOrInvisible(c)) return false;
        }
        return true;
    }

    /// <summary>Trims and turns every run of whitespace (including line breaks) into one space.</summary>
    public static string CollapseWhitespace(string text)
    {
        var span = text.AsSpan().Trim();
        bool collapse = false;
        for (int i = 0; i < span.Length; i++)
        {
            // After Trim a whitespace character is never the last one, so span[i + 1] exists.
            if (char.IsWhiteSpace(span[i]) && (span[i] != ' ' || char.IsWhiteSpace(span[i + 1])))
            {
                collapse = true;
                break;
            }
        }
        if (!collapse) return span.Length == text.Length ? text : span.ToString();

        char[]? rented = null;
        Span<char> buffer = span.Length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(span.Length));
        int n = 0;
        bool pendingSpace = false;
        foreach (char c in span)
        {
            if (char.IsWhiteSpace(c)) { pendingSpace = true; continue; }
            if (pendingSpace) { buffer[n++] = ' '; pendingSpace = false; }
            buffer[n++] = c;
        }
        var result = new string(buffer[..n]);
        if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        return result;
    }

    /// <summary>One line of at most <paramref name="max"/> characters, with an ellipsis when cut.</summary>
    public static string OneLine(string text, int max)
    {
        var line = CollapseWhitespace(text);
        if (line.Length <= max) return line;
        int cut = max - 1;
        if (char.IsHighSurrogate(line[cut - 1])) cut--;
        return string.Concat(line.AsSpan(0, cut), "…");
    }
}
