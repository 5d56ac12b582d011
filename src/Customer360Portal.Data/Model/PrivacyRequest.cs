namespace Customer360Portal.Data.Model;

/// <summary>What a data subject asks for (GDPR articles 15-21, CCPA rights).</summary>
public enum PrivacyRequestType { Access, Rectification, Erasure, Restriction, Objection }

/// <summary>The law the request is made under: it sets the due date.</summary>
public enum Regulation { Gdpr, Ccpa }

public enum PrivacyRequestStatus { Received, InProgress, Completed, Rejected }

public enum IdentityVerification { NotVerified, Verified, Failed }

/// <summary>
/// A data-subject request in the privacy officers' queue. The subject's own words and contact details live here only
/// until the request is closed; an erasure redacts them with everything else about the person.
/// </summary>
public class PrivacyRequest
{
    public long Id { get; set; }
    public PrivacyRequestType Type { get; set; }
    public Regulation Regulation { get; set; }
    public PrivacyRequestStatus Status { get; set; }
    public IdentityVerification Verification { get; set; }
    /// <summary>The profile the request is about, once a privacy officer has found it.</summary>
    public long? CustomerId { get; set; }
    /// <summary>How the subject identified themselves (usually an email); redacted when an erasure completes.</summary>
    public string? SubjectContact { get; set; }
    /// <summary>What the subject asked for in their words (e.g. the value to correct); redacted with the contact.</summary>
    public string? Details { get; set; }
    /// <summary>"portal" or the API client that filed it.</summary>
    public string Channel { get; set; } = "";
    public DateTime ReceivedAt { get; set; }
    public DateTime DueAt { get; set; }
    public string? AssignedToUserId { get; set; }
    public DateTime? CompletedAt { get; set; }
    /// <summary>Outcome for the file: an erasure receipt, the access package's name... without personal data.</summary>
    public string? Outcome { get; set; }
    public long Version { get; set; }
}

/// <summary>The request's history: every status change, assignment and note, who and when.</summary>
public class PrivacyRequestEvent
{
    public long Id { get; set; }
    public long RequestId { get; set; }
    public DateTime At { get; set; }
    public string? UserId { get; set; }
    /// <summary>e.g. "received", "assigned", "verified", "status:InProgress", "completed".</summary>
    public string Action { get; set; } = "";
    public string? Note { get; set; }
}
