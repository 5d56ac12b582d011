using System.Text.Json;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Ingestion.Normalisation;

/// <summary>Consent choices carried by records: a CRM contact's <c>consent</c> object, tracking <c>context.consent</c>, email unsubscribes.</summary>
public sealed partial class RecordNormaliser
{
    private const int MaxEvidence = 1000;
    private const int MaxCategoryLength = 64;
    private static readonly string[] ConsentStatuses = ["granted", "denied", "withdrawn"];
    private static readonly string[] LawfulBases = ["consent", "legitimateInterest", "contract", "legalObligation"];

    /// <summary>
    /// <c>consent</c>: object of purpose → true/false, "granted"/"denied"/"withdrawn", or an object with <c>status</c>
    /// and optional <c>at</c>, <c>basis</c>, <c>expiresAt</c>, <c>evidence</c>. Unknown purposes are ignored.
    /// </summary>
    private static List<ConsentChoice>? ContactConsent(RecordReader r, JsonElement root)
    {
        if (r.Object(root, "consent", out var consent) != FieldState.Valid) return null;
        List<ConsentChoice>? choices = null;
        foreach (var property in consent.EnumerateObject())
        {
            if (PurposeOf(property.Name) is not { } purpose) continue;
            var path = FieldPath.In("consent", purpose.ToString());
            var value = property.Value;
            ConsentChoice? choice = value.ValueKind switch
            {
                JsonValueKind.True => new ConsentChoice { Purpose = purpose, Status = ConsentStatus.Granted },
                JsonValueKind.False => new ConsentChoice { Purpose = purpose, Status = ConsentStatus.Denied },
                JsonValueKind.Null => null,
                JsonValueKind.String => StatusOf(value.GetString()) is { } status ? new ConsentChoice { Purpose = purpose, Status = status } : Invalid(r, path),
                JsonValueKind.Object => DetailedChoice(r, value, purpose),
                _ => Invalid(r, path),
            };
            if (choice is not null) (choices ??= []).Add(choice);
        }
        return choices;
    }

    private static ConsentChoice? Invalid(RecordReader r, in FieldPath path)
    {
        r.Fail(path, "must be true, false, granted, denied, withdrawn or an object with a status");
        return null;
    }

    private static ConsentChoice? DetailedChoice(RecordReader r, JsonElement value, ConsentPurpose purpose)
    {
        var name = purpose.ToString();
        var parent = "consent." + name;
        r.Require(r.Choice(value, FieldPath.In(parent, "status"), ConsentStatuses, "must be one of granted, denied, withdrawn", out int status),
            FieldPath.In(parent, "status"));
        var at = r.Timestamp(value, FieldPath.In(parent, "at"), out var effectiveAt);
        var expires = r.Timestamp(value, FieldPath.In(parent, "expiresAt"), out var expiresAt, allowFuture: true);
        var basis = r.Choice(value, FieldPath.In(parent, "basis"), LawfulBases,
            "must be one of consent, legitimateInterest, contract, legalObligation", out int basisIndex);
        r.Text(value, FieldPath.In(parent, "evidence"), out var evidence, MaxEvidence);
        if (status < 0) return null;
        if (at == FieldState.Valid && expires == FieldState.Valid && expiresAt <= effectiveAt)
        {
            r.Fail(FieldPath.In(parent, "expiresAt"), "must be after at");
            return null;
        }
        return new ConsentChoice
        {
            Purpose = purpose, Status = (ConsentStatus)status,
            LawfulBasis = basis == FieldState.Valid ? (LawfulBasis)basisIndex : null,
            EffectiveAt = at == FieldState.Valid ? effectiveAt : null,
            ExpiresAt = expires == FieldState.Valid ? expiresAt : null,
            Evidence = evidence.Length > 0 ? evidence : null,
        };
    }

    /// <summary>
    /// Segment's consent context: <c>context.consent.categoryPreferences</c>, category → true/false, on any event (the
    /// "Segment Consent Preference Updated" track call carries the change). Categories stay as sent; the projection
    /// maps them to purposes. Evidence: the event, the page and the IP it came from.
    /// </summary>
    private static List<ConsentChoice>? WebConsent(RecordReader r, JsonElement root, string? interaction)
    {
        if (!root.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object) return null;
        if (r.Object(context, FieldPath.In("context", "consent"), out var consent) != FieldState.Valid) return null;
        if (r.Object(consent, FieldPath.In("context.consent", "categoryPreferences"), out var preferences) != FieldState.Valid) return null;
        List<ConsentChoice>? choices = null;
        string? evidence = null;
        foreach (var property in preferences.EnumerateObject())
        {
            var category = property.Name.Trim();
            if (category.Length is 0 or > MaxCategoryLength || TextRules.HasControl(category)) continue;
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null) continue;
            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                r.Fail(FieldPath.In("context.consent", "categoryPreferences"), "values must be true or false");
                return null;
            }
            evidence ??= WebEvidence(root, context, interaction);
            (choices ??= []).Add(new ConsentChoice
            {
                Category = category, Status = value.ValueKind == JsonValueKind.True ? ConsentStatus.Granted : ConsentStatus.Denied, Evidence = evidence,
            });
        }
        return choices;
    }

    private static string WebEvidence(JsonElement root, JsonElement context, string? interaction)
    {
        var parts = new List<string>(3);
        if (interaction is not null) parts.Add("event=" + TextRules.OneLine(interaction, 80));
        if (PagePath(root) is { } page) parts.Add("page=" + TextRules.OneLine(page, 200));
        if (StringOrNull(context, "ip") is { Length: <= 45 } ip && System.Net.IPAddress.TryParse(ip, out _)) parts.Add("ip=" + ip);
        var text = string.Join("; ", parts);
        return text.Length <= MaxEvidence ? text : text[..MaxEvidence];
    }

    /// <summary>An unsubscribe at the email platform withdraws email marketing consent.</summary>
    private static List<ConsentChoice>? EmailConsent(string interaction, string? campaignId) =>
        interaction == "email.unsubscribed"
            ? [new ConsentChoice
            {
                Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Withdrawn,
                Evidence = campaignId is null ? "form=email unsubscribe" : "form=email unsubscribe; campaign=" + campaignId,
            }]
            : null;

    /// <summary>A purpose by name, ignoring case, '_' and '-' ("emailMarketing", "email_marketing").</summary>
    internal static ConsentPurpose? PurposeOf(string name)
    {
        if (name.Length is 0 or > 40) return null;
        var plain = name.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return Enum.TryParse<ConsentPurpose>(plain, ignoreCase: true, out var purpose) && Enum.IsDefined(purpose) && !char.IsDigit(plain[0]) ? purpose : null;
    }

    private static ConsentStatus? StatusOf(string? text) =>
        Array.FindIndex(ConsentStatuses, s => string.Equals(s, text?.Trim(), StringComparison.OrdinalIgnoreCase)) is var i and >= 0 ? (ConsentStatus)i : null;
}
