using System.Text.Json;
using System.Text.Json.Serialization;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Quality;

/// <summary>How many values broke one validity rule.</summary>
public sealed record ProblemCount(string Problem, long Count);

/// <summary>A golden-record field over all identified profiles: filled, and of those, valid.</summary>
public sealed record FieldQuality(string Field, long Present, long Valid, IReadOnlyList<ProblemCount> Problems)
{
    public long Invalid => Present - Valid;
}

/// <summary>
/// A field as one source sends it: of the sampled stored records, how many carry it and how many of those pass the
/// checks; and how many of the source's open quarantined records were refused because of this field.
/// </summary>
public sealed record SourceFieldQuality(string Field, long Present, long Valid, long Quarantined)
{
    /// <summary>The source never sent this field in the sample and nothing was refused for it.</summary>
    [JsonIgnore] public bool NotSent => Present == 0 && Quarantined == 0;
}

/// <summary>One source: all its stored records, the latest of which were sampled, and its open quarantine.</summary>
public sealed record SourceQuality(string SourceKey, string DisplayName, long Records, long Sampled, long QuarantineOpen,
    IReadOnlyList<SourceFieldQuality> Fields);

/// <summary>How old the values of one golden-record field are (since the source observed them), over the sampled profiles.</summary>
public sealed record FieldFreshness(string Field, long Values, IReadOnlyList<long> Buckets, double? MedianDays, long Rectified);

/// <summary>Open quarantined records of one source with one reason, and the golden field the reason is about (null when none).</summary>
public sealed record QuarantineCount(string SourceKey, string Reason, string? Field, long Open);

/// <summary>Everything one quality pass found; stored as JSON on its <see cref="QualitySnapshot"/>.</summary>
public sealed record QualityReport
{
    /// <summary>Upper ends of the freshness buckets in days; the last bucket is everything older.</summary>
    public static readonly int[] AgeBucketDays = [30, 90, 365, 730];
    public static readonly string[] AgeBucketLabels = ["≤ 30 days", "31–90 days", "91–365 days", "1–2 years", "> 2 years"];

    public DateTime TakenAt { get; init; }
    public long Profiles { get; init; }
    public long Anonymous { get; init; }
    public long Restricted { get; init; }
    public IReadOnlyList<FieldQuality> Fields { get; init; } = [];
    public IReadOnlyList<SourceQuality> Sources { get; init; } = [];
    /// <summary>Most records per source read for the per-source figures (the latest ones).</summary>
    public int SourceSampleSize { get; init; }
    public IReadOnlyList<FieldFreshness> Freshness { get; init; } = [];
    /// <summary>Profiles whose lineage was read for freshness (every k-th profile when there are more than the sample size).</summary>
    public long FreshnessSampled { get; init; }
    public long Stale { get; init; }
    public int StaleAfterDays { get; init; }
    public long OpenReviews { get; init; }
    public long QuarantineOpen { get; init; }
    public IReadOnlyList<QuarantineCount> Quarantine { get; init; } = [];

    [JsonIgnore] public bool FreshnessIsSampled => FreshnessSampled < Profiles;

    /// <summary>Share of key fields filled over all profiles, 0..1.</summary>
    [JsonIgnore] public double Completeness
    {
        get
        {
            var key = Fields.Where(f => FieldChecks.KeyFields.Contains(f.Field)).ToList();
            return Profiles == 0 || key.Count == 0 ? 0 : key.Sum(f => (double)f.Present) / (Profiles * (double)key.Count);
        }
    }

    /// <summary>Share of filled values that pass their check, 0..1 (1 when nothing is filled).</summary>
    [JsonIgnore] public double Validity
    {
        get
        {
            var present = Fields.Sum(f => f.Present);
            return present == 0 ? 1 : Fields.Sum(f => (double)f.Valid) / present;
        }
    }

    public static string Write(QualityReport report) => JsonSerializer.Serialize(report, QualityJson.Default.QualityReport);

    public static QualityReport Read(string json) => JsonSerializer.Deserialize(json, QualityJson.Default.QualityReport) ?? new QualityReport();
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(QualityReport))]
internal sealed partial class QualityJson : JsonSerializerContext;

/// <summary>Names of golden-record fields as people say them (tasks, the quality page).</summary>
public static class FieldLabels
{
    public static string Of(string field) => field switch
    {
        nameof(Customer.GivenName) => "Given name",
        nameof(Customer.FamilyName) => "Family name",
        nameof(Customer.DateOfBirth) => "Date of birth",
        nameof(Customer.AddressLine) => "Address",
        _ => field,
    };
}
