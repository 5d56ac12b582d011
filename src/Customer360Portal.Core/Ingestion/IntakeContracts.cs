using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Ingestion;

/// <summary>
/// The record kinds intake understands, and the JSON each carries (camelCase). Every source, the demo generator
/// included, sends one of these; see RecordFormats.md beside this file for the fields.
/// </summary>
public static class RecordKinds
{
    /// <summary>A person as the CRM knows them. External id: <c>id</c>.</summary>
    public const string Contact = "contact";
    /// <summary>A shop order with lines. External id: <c>orderNumber</c>.</summary>
    public const string Order = "order";
    /// <summary>A help-desk ticket. External id: <c>ticketId</c>.</summary>
    public const string Ticket = "ticket";
    /// <summary>An email-platform event (sent, opened, clicked...). External id: <c>eventId</c>.</summary>
    public const string EmailEvent = "email_event";
    /// <summary>A web or app tracking event in the Segment spec's shape. External id: <c>messageId</c>.</summary>
    public const string WebEvent = "web_event";

    public static readonly IReadOnlyList<string> All = [Contact, Order, Ticket, EmailEvent, WebEvent];
}

/// <summary>One record as a source sent it: raw UTF-8 JSON, not yet trusted.</summary>
public sealed record IncomingRecord(string SourceKey, string Kind, ReadOnlyMemory<byte> Payload, DateTime ReceivedAt);

/// <summary>
/// A record that passed validation, with every value in its canonical form: emails lower-case, phones E.164, names
/// trimmed and cased, times UTC, amounts in minor units. This is what resolution and the timeline consume.
/// </summary>
public sealed record NormalisedRecord
{
    public required string Kind { get; init; }
    public required string ExternalId { get; init; }
    /// <summary>When it happened at the source (UTC): updatedAt, placedAt, createdAt, occurredAt or timestamp.</summary>
    public required DateTime OccurredAt { get; init; }

    // Who it is about (any may be missing).
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? AccountId { get; init; }
    public string? LoyaltyNumber { get; init; }
    public string? AnonymousId { get; init; }
    /// <summary>For alias calls: the id the visitor had before.</summary>
    public string? PreviousId { get; init; }
    public string? GivenName { get; init; }
    public string? FamilyName { get; init; }
    public DateOnly? DateOfBirth { get; init; }
    public string? AddressLine { get; init; }
    public string? City { get; init; }
    public string? Postcode { get; init; }
    /// <summary>ISO 3166-1 alpha-2, upper-case.</summary>
    public string? Country { get; init; }

    // What happened (for the timeline); null for pure profile records such as CRM contacts.
    /// <summary>e.g. "order.placed", "ticket.opened", "email.clicked", "page.viewed", "track:Signed Up", "identify".</summary>
    public string? InteractionType { get; init; }
    public InteractionChannel? Channel { get; init; }
    /// <summary>One line for the timeline, free of personal data beyond what the profile shows anyway.</summary>
    public string? Summary { get; init; }
    public long? AmountMinor { get; init; }
    /// <summary>ISO 4217, upper-case.</summary>
    public string? Currency { get; init; }
    /// <summary>Order number, ticket id, campaign id...</summary>
    public string? Reference { get; init; }
    /// <summary>A ticket's satisfaction rating, 1 (bad) to 5 (good).</summary>
    public int? Satisfaction { get; init; }
    /// <summary>Product category of the event where it carries one (an order's first line, a product event's properties), for segments.</summary>
    public string? Category { get; init; }

    /// <summary>An order's valid lines (sku, name, category, quantity, unit price); null for other kinds and orders without lines.</summary>
    public IReadOnlyList<OrderLine>? Lines { get; init; }

    /// <summary>Custom attributes (CRM custom fields, identify traits beyond the known ones), already length-checked.</summary>
    public IReadOnlyDictionary<string, string> Traits { get; init; } = new Dictionary<string, string>();

    /// <summary>Consent choices the record carries (CRM <c>consent</c>, tracking <c>context.consent</c>, email unsubscribes); null when none.</summary>
    public IReadOnlyList<ConsentChoice>? Consent { get; init; }
}

/// <summary>One order line as validated by intake: the product (sku or, without one, its name), its category, quantity and unit price in minor units.</summary>
public sealed record OrderLine(string Sku, string? Name, string? Category, int Quantity, long UnitPriceMinor);

/// <summary>
/// One consent choice from a source. Either <see cref="Purpose"/> is known (CRM consent object, email unsubscribe) or
/// <see cref="Category"/> names a tracking-plan category (Segment's <c>context.consent.categoryPreferences</c>),
/// which the projection maps to purposes through the configured table (Consent:Categories).
/// </summary>
public sealed record ConsentChoice
{
    public ConsentPurpose? Purpose { get; init; }
    /// <summary>A tracking category as sent (at most 64 characters), when <see cref="Purpose"/> is not given.</summary>
    public string? Category { get; init; }
    public required ConsentStatus Status { get; init; }
    /// <summary>Null means consent (the basis for anything a person chose).</summary>
    public LawfulBasis? LawfulBasis { get; init; }
    /// <summary>When the choice was made (UTC); null means when the record happened.</summary>
    public DateTime? EffectiveAt { get; init; }
    public DateTime? ExpiresAt { get; init; }
    /// <summary>What proves it: "form=..; ip=..; text=v3" (at most 1,000 characters).</summary>
    public string? Evidence { get; init; }
}

/// <summary>The outcome of validating one record: a normalised record, or the reasons it was refused.</summary>
public sealed record NormalisationResult(NormalisedRecord? Record, IReadOnlyList<string> Errors, string? ExternalId)
{
    public bool IsValid => Record is not null;

    public static NormalisationResult Valid(NormalisedRecord record) => new(record, [], record.ExternalId);

    /// <summary>Reasons name the field and the problem, never the value: they are shown in admin screens and logs.</summary>
    public static NormalisationResult Invalid(string? externalId, IReadOnlyList<string> errors) => new(null, errors, externalId);
}
