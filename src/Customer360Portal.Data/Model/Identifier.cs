namespace Customer360Portal.Data.Model;

public enum IdentifierType { Email, Phone, AccountId, LoyaltyNumber, OrderNumber, CookieId, DeviceId, SourceId }

/// <summary>An edge of the identity graph: a normalised identifier observed for a profile, with its evidence.</summary>
public class Identifier
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public IdentifierType Type { get; set; }
    /// <summary>Normalised value (lower-case email, E.164 phone, trimmed ids).</summary>
    public string Value { get; set; } = "";
    public bool Verified { get; set; }
    public string SourceKey { get; set; } = "";
    public long? SourceRecordId { get; set; }
    public DateTime FirstSeenAt { get; set; }
    public DateTime LastSeenAt { get; set; }
}
