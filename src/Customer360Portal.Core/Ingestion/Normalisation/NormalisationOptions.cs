using System.ComponentModel.DataAnnotations;

namespace Customer360Portal.Core.Ingestion.Normalisation;

/// <summary>
/// Limits and defaults for <see cref="RecordNormaliser"/>, read once when the normaliser is constructed (which throws
/// for out-of-range values). The attributes let a host check them at start-up with <c>ValidateDataAnnotations()</c>.
/// </summary>
public sealed class NormalisationOptions
{
    /// <summary>ISO 3166-1 alpha-2 region used to parse national phone numbers when a record carries no country.</summary>
    [Required, StringLength(2, MinimumLength = 2)]
    public string DefaultRegion { get; set; } = "GB";

    /// <summary>Payloads larger than this are refused before parsing.</summary>
    [Range(2, int.MaxValue)]
    public int MaxPayloadBytes { get; set; } = 65536;

    /// <summary>Deepest nesting of objects and arrays allowed; the record's own object is level 1.</summary>
    [Range(2, 256)]
    public int MaxDepth { get; set; } = 16;

    /// <summary>Longest string (value or property name) allowed anywhere in the payload, in UTF-16 characters.</summary>
    [Range(1, int.MaxValue)]
    public int MaxFieldLength { get; set; } = 1000;

    /// <summary>Most order lines one order may carry.</summary>
    [Range(0, int.MaxValue)]
    public int MaxLines { get; set; } = 500;

    /// <summary>Fixed "now" for the plausibility checks (future timestamps, age); null means the clock's current UTC time.</summary>
    public DateTime? Now { get; set; }

    /// <summary>
    /// Accept the numbers Ofcom reserves for drama and examples (07700 900000–900999, 020 7946 0000–0999, ...), which
    /// libphonenumber reports as invalid or which never reach a person. Test and demo data use them; turn this off
    /// where real data must never contain them.
    /// </summary>
    public bool AcceptFictionalPhoneNumbers { get; set; } = true;
}
