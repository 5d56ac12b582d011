using Customer360Portal.Core.IdentityResolution.Matching;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>
/// Everything a profile derives from its source records, computed in memory: the golden record (survivorship, with
/// lineage), metrics, whether it is anonymous, and its identifiers, blocking keys and traits. Merges, unmerges and the
/// full re-resolution all rebuild profiles through this one function.
/// </summary>
public static class ProfileDerivation
{
    public sealed record Derived(List<Identifier> Identifiers, List<long> MatchKeys, List<CustomerTrait> Traits);

    public static Derived Derive(Customer customer, IReadOnlyList<(long Id, string SourceKey, NormalisedRecord Record)> records, Survivorship rules)
    {
        GoldenRecord.Rebuild(customer, records, rules);
        var id = customer.Id;
        var identifiers = new Dictionary<IdentityKey, Identifier>();
        var keys = new HashSet<long>();
        var traits = new Dictionary<string, CustomerTrait>();
        (customer.OrderCount, customer.LifetimeValueMinor, customer.Currency, customer.FirstPurchaseAt, customer.LastPurchaseAt, customer.LastActivityAt, customer.LifecycleStage)
            = (0, 0, null, null, null, null, LifecycleStage.Unknown);
        var anonymous = true;
        foreach (var (recordId, sourceKey, record) in records.OrderBy(r => r.Record.OccurredAt).ThenBy(r => r.Id))
        {
            foreach (var (type, value) in IdentifiersOf(record))
            {
                if (type != IdentifierType.CookieId) anonymous = false;
                var key = new IdentityKey(type, value);
                if (identifiers.TryGetValue(key, out var known)) { known.LastSeenAt = record.OccurredAt; continue; }
                identifiers[key] = new Identifier
                {
                    CustomerId = id, Type = type, Value = value, SourceKey = sourceKey, SourceRecordId = recordId,
                    FirstSeenAt = record.OccurredAt, LastSeenAt = record.OccurredAt,
                };
            }
            if (PersonRecords.DescribesPerson(record))
                keys.UnionWith(Blocking.KeysOf(PreparedPerson.From(PersonRecords.From(recordId, sourceKey, record))).Select(k => unchecked((long)k)));
            foreach (var (key, value) in record.Traits)
                traits[key] = new CustomerTrait { CustomerId = id, Key = key, Value = value, SourceKey = sourceKey, UpdatedAt = record.OccurredAt };
            if (record.InteractionType is not null) Metrics.Apply(customer, record);
        }
        customer.Anonymous = anonymous && records.Count > 0;
        return new Derived([.. identifiers.Values], [.. keys], [.. traits.Values]);
    }

    /// <summary>Every identifier a record carries (junk included: it is kept on the profile, it just never links).</summary>
    public static IEnumerable<(IdentifierType Type, string Value)> IdentifiersOf(NormalisedRecord record)
    {
        if (!string.IsNullOrEmpty(record.AccountId)) yield return (IdentifierType.AccountId, record.AccountId);
        if (!string.IsNullOrEmpty(record.LoyaltyNumber)) yield return (IdentifierType.LoyaltyNumber, record.LoyaltyNumber);
        if (!string.IsNullOrEmpty(record.Email)) yield return (IdentifierType.Email, record.Email);
        if (!string.IsNullOrEmpty(record.Phone)) yield return (IdentifierType.Phone, record.Phone);
        if (!string.IsNullOrEmpty(record.AnonymousId)) yield return (IdentifierType.CookieId, record.AnonymousId);
        if (!string.IsNullOrEmpty(record.PreviousId)) yield return (IdentifierType.CookieId, record.PreviousId);
    }
}
