using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Profiles;

/// <summary>
/// Survivorship for the golden record: for each field the newest non-empty value wins, and the lineage row says which
/// source record gave it. (Identity resolution refines this with source trust and rectifications.)
/// </summary>
public static class GoldenRecord
{
    public const string NewestValueRule = "newest-value";

    public static void Apply(Customer customer, NormalisedRecord record, string sourceKey, long sourceRecordId)
    {
        Set(customer, record, sourceKey, sourceRecordId, nameof(Customer.GivenName), record.GivenName, v => customer.GivenName = v);
        Set(customer, record, sourceKey, sourceRecordId, nameof(Customer.FamilyName), record.FamilyName, v => customer.FamilyName = v);
        Set(customer, record, sourceKey, sourceRecordId, nameof(Customer.Email), record.Email, v => customer.Email = v);
        Set(customer, record, sourceKey, sourceRecordId, nameof(Customer.Phone), record.Phone, v => customer.Phone = v);
        Set(customer, record, sourceKey, sourceRecordId, nameof(Customer.DateOfBirth), record.DateOfBirth?.ToString("yyyy-MM-dd"),
            v => customer.DateOfBirth = DateOnly.Parse(v, System.Globalization.CultureInfo.InvariantCulture));
        Set(customer, record, sourceKey, sourceRecordId, nameof(Customer.AddressLine), record.AddressLine, v => customer.AddressLine = v);
        Set(customer, record, sourceKey, sourceRecordId, nameof(Customer.City), record.City, v => customer.City = v);
        Set(customer, record, sourceKey, sourceRecordId, nameof(Customer.Postcode), record.Postcode, v => customer.Postcode = v);
        Set(customer, record, sourceKey, sourceRecordId, nameof(Customer.Country), record.Country, v => customer.Country = v);
        customer.NormalizedName = NormalizeName(customer.GivenName, customer.FamilyName);
    }

    /// <summary>Lower-case, accent-free "given family", for exact name lookups.</summary>
    public static string? NormalizeName(string? given, string? family)
    {
        var full = $"{given} {family}".Trim();
        if (full.Length == 0) return null;
        var decomposed = full.Normalize(System.Text.NormalizationForm.FormD);
        var kept = new System.Text.StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
                kept.Append(char.ToLowerInvariant(c));
        return kept.ToString().Normalize(System.Text.NormalizationForm.FormC);
    }

    private static void Set(Customer customer, NormalisedRecord record, string sourceKey, long sourceRecordId, string field, string? value, Action<string> assign)
    {
        if (string.IsNullOrEmpty(value)) return;
        var lineage = customer.Lineage.FirstOrDefault(l => l.Field == field);
        if (lineage is not null && lineage.ObservedAt > record.OccurredAt) return;
        assign(value);
        if (lineage is null)
        {
            lineage = new CustomerFieldLineage { Field = field };
            customer.Lineage.Add(lineage);
        }
        lineage.Value = value.Length <= 400 ? value : value[..400];
        lineage.SourceKey = sourceKey;
        lineage.SourceRecordId = sourceRecordId;
        lineage.ObservedAt = record.OccurredAt;
        lineage.Rule = NewestValueRule;
    }
}

/// <summary>Where an interaction sits on the customer journey.</summary>
public static class Journey
{
    public static LifecycleStage StageOf(string interactionType) => interactionType switch
    {
        "order.placed" => LifecycleStage.Purchase,
        "order.returned" or "order.cancelled" => LifecycleStage.AtRisk,
        _ when interactionType.StartsWith("ticket.", StringComparison.Ordinal) => LifecycleStage.Retention,
        "email.unsubscribed" or "email.complained" or "email.bounced" => LifecycleStage.AtRisk,
        "email.clicked" or "email.opened" => LifecycleStage.Consideration,
        "track:Signed Up" or "identify" or "alias" => LifecycleStage.Onboarding,
        _ when interactionType.StartsWith("track:Product", StringComparison.Ordinal) => LifecycleStage.Consideration,
        _ => LifecycleStage.Awareness,
    };
}

/// <summary>Computed metrics kept on the profile: orders, lifetime value, recency, lifecycle stage.</summary>
public static class Metrics
{
    public static void Apply(Customer customer, NormalisedRecord record)
    {
        if (customer.LastActivityAt is null || record.OccurredAt > customer.LastActivityAt)
            customer.LastActivityAt = record.OccurredAt;
        if (record.InteractionType == "order.placed")
        {
            customer.OrderCount++;
            // One currency per profile: the first order's. Orders in another currency count but do not add value
            // (converting needs rates the portal does not have).
            customer.Currency ??= record.Currency;
            if (record.AmountMinor is { } amount && record.Currency == customer.Currency)
                customer.LifetimeValueMinor += amount;
            if (customer.FirstPurchaseAt is null || record.OccurredAt < customer.FirstPurchaseAt) customer.FirstPurchaseAt = record.OccurredAt;
            if (customer.LastPurchaseAt is null || record.OccurredAt > customer.LastPurchaseAt) customer.LastPurchaseAt = record.OccurredAt;
        }
        customer.LifecycleStage = customer.OrderCount switch
        {
            >= 2 => LifecycleStage.Retention,
            1 => LifecycleStage.Purchase,
            _ when record.InteractionType is { } t && Journey.StageOf(t) > customer.LifecycleStage => Journey.StageOf(t),
            _ => customer.LifecycleStage,
        };
    }
}
