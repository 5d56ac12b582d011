using System.Text;

namespace Customer360Portal.Data;

/// <summary>
/// Text values that repeat across millions of rows read with <see cref="DirectSqliteStatement"/> (countries, stages,
/// statuses): one string per distinct value instead of one per row. One per reading thread.
/// </summary>
public sealed class RepeatedTexts
{
    private readonly Dictionary<string, string> seen = new(StringComparer.Ordinal);
    private char[] buffer = new char[64];

    /// <summary>The column's text (null for NULL).</summary>
    public string? Of(DirectSqliteStatement row, int column)
    {
        if (row.IsNull(column)) return null;
        var utf8 = row.Utf8(column);
        // A UTF-8 text never has more chars than bytes.
        if (buffer.Length < utf8.Length) buffer = new char[utf8.Length];
        var chars = buffer.AsSpan(0, Encoding.UTF8.GetChars(utf8, buffer));
        if (seen.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out var text)) return text;
        text = chars.ToString();
        seen[text] = text;
        return text;
    }

    /// <summary>An enum stored by name (as the store's conventions store every enum); an unknown name fails as EF would.</summary>
    public TEnum Enum<TEnum>(DirectSqliteStatement row, int column) where TEnum : struct, Enum =>
        System.Enum.Parse<TEnum>(Of(row, column) ?? throw new InvalidDataException($"A {typeof(TEnum).Name} column holds NULL."));
}
