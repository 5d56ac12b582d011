namespace Customer360Portal.Data.Model;

/// <summary>What a person may be contacted or processed for. Marketing purposes carry their channel in the name.</summary>
public enum ConsentPurpose
{
    EmailMarketing,
    SmsMarketing,
    PhoneMarketing,
    PostMarketing,
    Personalisation,
    Analytics,
    PartnerSharing,
    /// <summary>CCPA "do not sell or share": Granted means the person has NOT opted out.</summary>
    SaleOrSharing,
}

public enum ConsentStatus { Granted, Denied, Withdrawn }

public enum LawfulBasis { Consent, LegitimateInterest, Contract, LegalObligation }

/// <summary>The append-only consent ledger: every grant, denial and withdrawal as it happened.</summary>
public class ConsentEvent
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public ConsentPurpose Purpose { get; set; }
    public ConsentStatus Status { get; set; }
    public LawfulBasis LawfulBasis { get; set; }
    public string SourceKey { get; set; } = "";
    /// <summary>Form, IP, wording version... whatever proves the choice.</summary>
    public string? Evidence { get; set; }
    public string? Reason { get; set; }
    public string? RecordedByUserId { get; set; }
    public DateTime EffectiveAt { get; set; }
    public DateTime RecordedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public long? SourceRecordId { get; set; }
    /// <summary>The profile this row was written for: merges move it, unmerge sends it back there.</summary>
    public long? OriginCustomerId { get; set; }
}

/// <summary>Current consent per person and purpose: a projection of the ledger, rebuilt from it when needed.</summary>
public class ConsentState
{
    public long CustomerId { get; set; }
    public ConsentPurpose Purpose { get; set; }
    public ConsentStatus Status { get; set; }
    public LawfulBasis LawfulBasis { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public long LastEventId { get; set; }
}
