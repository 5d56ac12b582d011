using Customer360Portal.Core.Ingestion;

namespace Customer360Portal.Core.DemoData;

/// <summary>
/// One generated source record, with the truth behind it: which demo person it belongs to (null for visitors who
/// never identify), and whether intake should refuse it.
/// </summary>
/// <param name="SourceKey">The key of one of <see cref="DemoSources.All"/>: crm, shop, helpdesk, email, web.</param>
/// <param name="Kind">One of <see cref="RecordKinds"/>.</param>
/// <param name="PersonId">The demo person ("P000123"); null for anonymous-only visitors.</param>
/// <param name="Payload">UTF-8 JSON as RecordFormats.md describes (or, when <see cref="ExpectedInvalid"/>, deliberately not).</param>
/// <param name="At">When the source sends it (UTC): the moment it happened at the source.</param>
public sealed record DemoRecord(string SourceKey, string Kind, string? PersonId, byte[] Payload, DateTime At)
{
    /// <summary>The record's external id (contact id, order number...), or null when the record deliberately lacks it.</summary>
    public string? ExternalId { get; init; }

    /// <summary>True for the deliberately malformed records intake must refuse (bad email, missing field...).</summary>
    public bool ExpectedInvalid { get; init; }

    /// <summary>What is wrong with an <see cref="ExpectedInvalid"/> record, e.g. "bad-email", "missing-field:orderNumber".</summary>
    public string? InvalidReason { get; init; }

    /// <summary>The record as a source would hand it to intake.</summary>
    public IncomingRecord ToIncoming() => new(SourceKey, Kind, Payload, At);
}
