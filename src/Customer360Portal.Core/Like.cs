namespace Customer360Portal.Core;

/// <summary>SQL LIKE patterns that match the given text literally (its %, _ and \ escaped), for EF.Functions.Like.</summary>
internal static class Like
{
    public const string EscapeCharacter = "\\";

    /// <summary>"%text%" with the text's own wildcards escaped.</summary>
    public static string Containing(string text) => $"%{text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";
}
