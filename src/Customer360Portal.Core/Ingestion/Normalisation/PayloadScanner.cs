using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Customer360Portal.Core.Ingestion.Normalisation;

/// <summary>
/// One forward pass over the raw JSON with <see cref="Utf8JsonReader"/> before any tree is built: syntax, the top
/// level being an object, nesting depth, over-long strings and property names, escapes that decode to lone surrogates.
/// </summary>
internal static class PayloadScanner
{
    public enum Outcome : byte { Ok, NotJson, NotObject, TooDeep, BadEscape }

    public static Outcome Scan(ReadOnlySpan<byte> json, int maxDepth, int maxStringLength, out bool hasLongString)
    {
        hasLongString = false;
        // The reader's own limit sits one above ours so that we, not it, report depth (it would throw).
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        try
        {
            if (!reader.Read()) return Outcome.NotJson;
            if (reader.TokenType != JsonTokenType.StartObject) return Outcome.NotObject;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        // CurrentDepth is the depth of the container being opened, the record's own object being 0.
                        if (reader.CurrentDepth + 1 > maxDepth) return Outcome.TooDeep;
                        break;
                    case JsonTokenType.String:
                    case JsonTokenType.PropertyName:
                        if (reader.ValueIsEscaped)
                        {
                            if (!CheckEscaped(ref reader, maxStringLength, ref hasLongString)) return Outcome.BadEscape;
                        }
                        else if (reader.ValueSpan.Length > maxStringLength
                                 && Encoding.UTF8.GetCharCount(reader.ValueSpan) > maxStringLength)
                        {
                            hasLongString = true;
                        }
                        break;
                }
            }
            return Outcome.Ok;
        }
        catch (JsonException)
        {
            // Malformed, truncated, trailing garbage: only hostile or broken input gets here.
            return Outcome.NotJson;
        }
    }

    /// <summary>Unescapes the current string once: lone surrogates (\ud800) make GetString throw later, so refuse them now.</summary>
    private static bool CheckEscaped(ref Utf8JsonReader reader, int maxStringLength, ref bool hasLongString)
    {
        // Unescaping never makes a string longer than its escaped UTF-8 form, in characters.
        int capacity = reader.ValueSpan.Length;
        char[]? rented = null;
        Span<char> buffer = capacity <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(capacity));
        try
        {
            int length = reader.CopyString(buffer);
            if (length > maxStringLength) hasLongString = true;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented, clearArray: true);
        }
    }
}
