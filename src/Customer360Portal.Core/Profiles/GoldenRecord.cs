using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Profiles;

/// <summary>The survivorship settings a batch applies: rules per field and how much each source is trusted.</summary>
public sealed record Survivorship(Func<string, SurvivorshipRule> RuleFor, IReadOnlyDictionary<string, int> TrustRanks)
{
    public static readonly Survivorship NewestWins = new(_ => SurvivorshipRule.MostRecent, new Dictionary<string, int>());
}

/// <summary>
/// Survivorship for the golden record: per field a configurable rule (most recent, most trusted source, most
/// complete, most frequent) picks the value, and the lineage row says which source record gave it, by which rule,
/// observed when. A rectified value (set by a person, with a reason) is kept until a person changes it.
/// </summary>
public static class GoldenRecord
{
    public const string RectifiedRule = "rectified";
    public static readonly string[] Fields =
    [
        nameof(Customer.GivenName), nameof(Customer.FamilyName), nameof(Customer.Email), nameof(Customer.Phone),
        nameof(Customer.DateOfBirth), nameof(Customer.AddressLine), nameof(Customer.City), nameof(Customer.Postcode), nameof(Customer.Country),
    ];

    public static string RuleName(SurvivorshipRule rule) => rule switch
    {
        SurvivorshipRule.SourcePriority => "source-priority",
        SurvivorshipRule.MostComplete => "most-complete",
        SurvivorshipRule.MostFrequent => "most-frequent",
        _ => "most-recent",
    };

    public static void Apply(Customer customer, NormalisedRecord record, string sourceKey, long sourceRecordId, Survivorship? rules = null)
    {
        rules ??= Survivorship.NewestWins;
        foreach (var field in Fields)
            Offer(customer, field, ValueOf(record, field), sourceKey, sourceRecordId, record.OccurredAt, rules);
        customer.NormalizedName = NormalizeName(customer.GivenName, customer.FamilyName);
    }

    /// <summary>
    /// Recomputes the golden record from all of a profile's records (after a merge or unmerge, or for the
    /// most-frequent rule, which needs every value); rectified values stay.
    /// </summary>
    public static void Rebuild(Customer customer, IReadOnlyList<(long Id, string SourceKey, NormalisedRecord Record)> records, Survivorship rules)
    {
        foreach (var field in Fields)
        {
            var lineage = customer.Lineage.FirstOrDefault(l => l.Field == field);
            if (lineage?.Rule == RectifiedRule) continue;
            if (lineage is not null) customer.Lineage.Remove(lineage);
            Assign(customer, field, null);
        }
        foreach (var (id, sourceKey, record) in records.OrderBy(r => r.Record.OccurredAt).ThenBy(r => r.Id))
            foreach (var field in Fields)
                if (rules.RuleFor(field) != SurvivorshipRule.MostFrequent)
                    Offer(customer, field, ValueOf(record, field), sourceKey, id, record.OccurredAt, rules);
        foreach (var field in Fields.Where(f => rules.RuleFor(f) == SurvivorshipRule.MostFrequent))
        {
            if (customer.Lineage.Any(l => l.Field == field && l.Rule == RectifiedRule)) continue;
            // Most records agreeing; among equals the newest; lineage points at the newest record with that value.
            var winner = records.Select(r => (r.Id, r.SourceKey, r.Record.OccurredAt, Value: ValueOf(r.Record, field)))
                .Where(v => !string.IsNullOrEmpty(v.Value))
                .GroupBy(v => v.Value!)
                .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Max(v => v.OccurredAt))
                .Select(g => g.OrderByDescending(v => v.OccurredAt).ThenByDescending(v => v.Id).First())
                .FirstOrDefault();
            if (winner.Value is null) continue;
            Assign(customer, field, winner.Value);
            customer.Lineage.Add(NewLineage(field, winner.Value, winner.SourceKey, winner.Id, winner.OccurredAt, RuleName(SurvivorshipRule.MostFrequent)));
        }
        customer.NormalizedName = NormalizeName(customer.GivenName, customer.FamilyName);
    }

    /// <summary>
    /// A person's correction of a field (null clears it): the value wins over every source until a person changes it
    /// again, and its lineage says who rectified it, when and why.
    /// </summary>
    public static void Rectify(Customer customer, string field, string? value, string rectifiedBy, DateTime at, string? reason = null)
    {
        if (!Fields.Contains(field)) throw new ArgumentOutOfRangeException(nameof(field));
        customer.Lineage.RemoveAll(l => l.Field == field);
        Assign(customer, field, value);
        customer.Lineage.Add(new CustomerFieldLineage { Field = field, Value = value, SourceKey = rectifiedBy, ObservedAt = at, Rule = RectifiedRule,
            Reason = reason is null ? null : reason.Length <= 400 ? reason : reason[..400] });
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

    private static string? ValueOf(NormalisedRecord record, string field) => field switch
    {
        nameof(Customer.GivenName) => record.GivenName,
        nameof(Customer.FamilyName) => record.FamilyName,
        nameof(Customer.Email) => record.Email,
        nameof(Customer.Phone) => record.Phone,
        nameof(Customer.DateOfBirth) => record.DateOfBirth?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        nameof(Customer.AddressLine) => record.AddressLine,
        nameof(Customer.City) => record.City,
        nameof(Customer.Postcode) => record.Postcode,
        nameof(Customer.Country) => record.Country,
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static void Assign(Customer customer, string field, string? value)
    {
        switch (field)
        {
            case nameof(Customer.GivenName): customer.GivenName = value; break;
            case nameof(Customer.FamilyName): customer.FamilyName = value; break;
            case nameof(Customer.Email): customer.Email = value; break;
            case nameof(Customer.Phone): customer.Phone = value; break;
            case nameof(Customer.DateOfBirth):
                customer.DateOfBirth = value is null ? null : DateOnly.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case nameof(Customer.AddressLine): customer.AddressLine = value; break;
            case nameof(Customer.City): customer.City = value; break;
            case nameof(Customer.Postcode): customer.Postcode = value; break;
            case nameof(Customer.Country): customer.Country = value; break;
        }
    }

    private static void Offer(Customer customer, string field, string? value, string sourceKey, long sourceRecordId, DateTime observedAt, Survivorship rules)
    {
        if (string.IsNullOrEmpty(value)) return;
        var rule = rules.RuleFor(field);
        var lineage = customer.Lineage.FirstOrDefault(l => l.Field == field);
        if (lineage is not null)
        {
            if (lineage.Rule == RectifiedRule) return;
            var newer = observedAt >= lineage.ObservedAt;
            var wins = rule switch
            {
                SurvivorshipRule.SourcePriority =>
                    rules.TrustRanks.GetValueOrDefault(sourceKey) is var rank && rules.TrustRanks.GetValueOrDefault(lineage.SourceKey) is var held
                    && (rank > held || (rank == held && newer)),
                SurvivorshipRule.MostComplete => value.Length > (lineage.Value?.Length ?? 0) || (value.Length == (lineage.Value?.Length ?? 0) && newer),
                _ => newer, // most-frequent is settled by Rebuild; between rebuilds the newest value stands in
            };
            if (!wins) return;
            customer.Lineage.Remove(lineage);
        }
        Assign(customer, field, value);
        customer.Lineage.Add(NewLineage(field, value, sourceKey, sourceRecordId, observedAt, RuleName(rule == SurvivorshipRule.MostFrequent ? SurvivorshipRule.MostRecent : rule)));
    }

    private static CustomerFieldLineage NewLineage(string field, string value, string sourceKey, long sourceRecordId, DateTime observedAt, string rule) => new()
    {
        Field = field, Value = value.Length <= 400 ? value : value[..400], SourceKey = sourceKey,
        SourceRecordId = sourceRecordId, ObservedAt = observedAt, Rule = rule,
    };
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
        customer.LifecycleStage = NextStage(customer.LifecycleStage, customer.OrderCount, record.InteractionType);
    }

    /// <summary>
    /// The stored lifecycle stage after one more record: by order count once the person bought, else the furthest stage an
    /// interaction reached. A buyer the insights job aged to At risk or Lapsed (<see cref="LifecycleAging"/>) stays there
    /// until a new order wins them back, as on the journey map. The insights job replays it over old interactions to seed
    /// the stage-flow history.
    /// </summary>
    public static LifecycleStage NextStage(LifecycleStage current, int orderCount, string? interactionType) => orderCount switch
    {
        >= 1 when current is LifecycleStage.AtRisk or LifecycleStage.Lapsed && interactionType != "order.placed" => current,
        >= 2 => LifecycleStage.Retention,
        1 => LifecycleStage.Purchase,
        _ when interactionType is { } t && Journey.StageOf(t) > current => Journey.StageOf(t),
        _ => current,
    };
}

/// <summary>
/// Moves buyers who went quiet to At risk and then Lapsed, with the journey map's thresholds: a stage otherwise only
/// changes when a record arrives, and silence is what matters here. Set-based, so it costs two updates at any store size.
/// </summary>
public static class LifecycleAging
{
    public static async Task<int> AgeAsync(Customer360Portal.Data.ProfileStore store, DateTime now, CancellationToken cancellationToken = default)
    {
        var atRiskBefore = now - JourneyMap.AtRiskAfterInactivity;
        var lapsedBefore = now - JourneyMap.LapsedAfterInactivity;
        var lapsed = await store.Customers
            .Where(c => c.Status == CustomerStatus.Active && c.OrderCount > 0 && c.LastActivityAt < lapsedBefore && c.LifecycleStage != LifecycleStage.Lapsed)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.LifecycleStage, LifecycleStage.Lapsed), cancellationToken);
        var atRisk = await store.Customers
            .Where(c => c.Status == CustomerStatus.Active && c.OrderCount > 0 && c.LastActivityAt < atRiskBefore
                && c.LifecycleStage != LifecycleStage.AtRisk && c.LifecycleStage != LifecycleStage.Lapsed)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.LifecycleStage, LifecycleStage.AtRisk), cancellationToken);
        return lapsed + atRisk;
    }
}
