using System.Globalization;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Web.Components.Shared;

/// <summary>
/// Identity resolution in plain words for the review and profile pages: why a pair needs a person, how a merge came
/// about, where a golden value came from. Only codes and ids go in; no personal data is formatted here.
/// </summary>
public static class IdentityWording
{
    /// <summary>Why a pair is in the review queue, e.g. "identifier-limit:AccountId" → "would give one person two account ids".</summary>
    public static string ReviewReason(string reason)
    {
        var (code, detail) = reason.Split(':', 2) is [var c, var d] ? (c, d) : (reason, null);
        return code switch
        {
            "probabilistic" => "similar people, not sure",
            "given-names-differ" => "very alike, but the given names differ: one household, or one person?",
            "identifier-limit" when detail == nameof(IdentifierType.AccountId) => "would give one person two account ids",
            "identifier-limit" when Enum.TryParse<IdentifierType>(detail, out var type) => $"would give one person more {Plural(type)} than a person has",
            "identifier-limit" => "would give one person a second account id, or more identifiers than a person has",
            "names-disagree" => "the same identifiers, but the names disagree",
            "cluster-size" => "would make one very large profile out of many merges",
            "unmerged" => "split apart by a person before",
            "strong-id-conflict" => "strong identifiers disagree",
            "inconsistent-names" => "the names do not fit together",
            _ => reason,
        };
    }

    /// <summary>How a merge came about, from its rule.</summary>
    public static string MergeRule(string rule) => rule.Split(':', 2)[0] switch
    {
        "stitch" => "anonymous visitor identified",
        "deterministic" => "shared identifier",
        "probabilistic" => "matched on name, birth date and address",
        "manual" => "accepted by a reviewer",
        _ => rule,
    };

    public static string Identifier(IdentifierType type) => type switch
    {
        IdentifierType.Email => "Email",
        IdentifierType.Phone => "Phone",
        IdentifierType.AccountId => "Account id",
        IdentifierType.LoyaltyNumber => "Loyalty number",
        IdentifierType.OrderNumber => "Order number",
        IdentifierType.CookieId => "Cookie id",
        IdentifierType.DeviceId => "Device id",
        IdentifierType.SourceId => "Source id",
        _ => type.ToString(),
    };

    private static string Plural(IdentifierType type) => type switch
    {
        IdentifierType.Email => "email addresses",
        IdentifierType.Phone => "phone numbers",
        IdentifierType.LoyaltyNumber => "loyalty numbers",
        _ => Identifier(type).ToLowerInvariant() + "s",
    };

    /// <summary>The compared field of the match model's evidence ("Dob" → "Date of birth").</summary>
    public static string EvidenceField(string field) => field switch
    {
        "Given" => "Given name",
        "Family" => "Family name",
        "Dob" => "Date of birth",
        "StreetNumber" => "House number",
        "Locality" => "Locality",
        "NationalId" => "National id",
        _ => field,
    };

    /// <summary>A golden-record field's label ("GivenName" → "Given name").</summary>
    public static string GoldenFieldLabel(string field) => field switch
    {
        nameof(Customer.GivenName) => "Given name",
        nameof(Customer.FamilyName) => "Family name",
        nameof(Customer.DateOfBirth) => "Date of birth",
        nameof(Customer.AddressLine) => "Address",
        _ => field,
    };

    /// <summary>"From crm record 123, rule most-recent, observed 2026-10-05"; a correction says who and why.</summary>
    public static string Lineage(GoldenField lineage)
    {
        var origin = lineage.Rule == Core.Profiles.GoldenRecord.RectifiedRule
            ? lineage.Reason is { Length: > 0 } reason
                ? $"Rectified by a person ({lineage.SourceKey}; reason: {reason})"
                : $"Rectified by a person ({lineage.SourceKey})"
            : lineage.SourceRecordId is { } record
                ? $"From {lineage.SourceKey} record {record.ToString(CultureInfo.InvariantCulture)}"
                : $"From {lineage.SourceKey}";
        return $"{origin}, rule {lineage.Rule}, observed {lineage.ObservedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
    }

    /// <summary>A match weight with its sign: "+4.2", "−3.1" (a true minus sign).</summary>
    public static string Weight(double weight) =>
        weight > 0 ? "+" + weight.ToString("0.0", CultureInfo.InvariantCulture)
        : weight < 0 ? "\u2212" + (-weight).ToString("0.0", CultureInfo.InvariantCulture)
        : "0.0";

    public static string Percent(double probability) =>
        (probability * 100).ToString(probability is > 0.995 and < 1 ? "0.0" : "0", CultureInfo.InvariantCulture) + " %";

    public static string Date(DateTime? at) => at?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    public static string Timestamp(DateTime? at) => at is null ? "—" : at.Value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
