using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>
/// Values that look like identifiers but belong to nobody: placeholder emails typed at shop counters, all-zero phone
/// numbers, "n/a". Linking on them would merge strangers, so they are never used to link (they stay on the record).
/// </summary>
public sealed class JunkIdentifiers(IEnumerable<string> extra)
{
    private static readonly string[] BuiltInEmails =
    [
        "test@test.com", "test@example.com", "a@a.com", "none@none.com", "no@email.com", "noemail@noemail.com",
        "na@na.com", "nomail@nomail.com", "email@email.com", "customer@example.com", "unknown@unknown.com",
    ];

    private static readonly string[] JunkMailboxes = ["noreply", "no-reply", "donotreply", "do-not-reply", "noemail", "nomail", "test", "none", "unknown", "shop", "store", "counter", "walkin", "walk-in"];

    private readonly HashSet<string> values = new(BuiltInEmails.Concat(extra.Select(v => v.Trim().ToLowerInvariant())), StringComparer.Ordinal);

    public bool IsJunk(IdentifierType type, string value)
    {
        var normalised = value.Trim().ToLowerInvariant();
        if (normalised.Length == 0 || values.Contains(normalised)) return true;
        switch (type)
        {
            case IdentifierType.Email:
                var at = normalised.IndexOf('@');
                return at > 0 && JunkMailboxes.Contains(normalised[..at]);
            case IdentifierType.Phone:
                var digits = new string(normalised.Where(char.IsAsciiDigit).ToArray());
                // Country code aside, the subscriber part is one repeated digit or a straight run (0000000, 1234567890).
                var subscriber = digits.Length > 7 ? digits[^7..] : digits;
                return subscriber.Distinct().Count() <= 1 || "01234567890".Contains(subscriber) || "9876543210".Contains(subscriber);
            default:
                return normalised is "0" or "n/a" or "na" or "none" or "null" or "unknown" or "-";
        }
    }
}
