using System.Globalization;
using System.Text.Json;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Ingestion.Normalisation;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Quality;

/// <summary>
/// One pass over the store that measures data quality: completeness and validity of every golden-record field, the
/// same per source (over each source's latest records, plus what its quarantine refused per field), freshness per
/// field from the lineage (sampled at scale), stale profiles, open match reviews and quarantine totals. Reads only, in
/// short keyset-paged queries, so it never holds up the writer; at a million profiles it runs in the background job.
/// </summary>
public sealed class QualityScan(IDbContextFactory<ProfileStore> stores, QuarantineService quarantine, IOptions<QualityOptions> options,
    IOptions<NormalisationOptions> normalisation, TimeProvider clock)
{
    private const int ChunkSize = 20_000;

    public async Task<QualityReport> RunAsync(Action<long, long>? progress = null, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var checks = new FieldChecks(normalisation.Value.AcceptFictionalPhoneNumbers, normalisation.Value.DefaultRegion, DateOnly.FromDateTime(now));

        long profiles, anonymous, restricted, openReviews;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            profiles = await store.Customers.LongCountAsync(c => c.Status == CustomerStatus.Active && !c.Anonymous, cancellationToken);
            anonymous = await store.Customers.LongCountAsync(c => c.Status == CustomerStatus.Active && c.Anonymous, cancellationToken);
            restricted = await store.Customers.LongCountAsync(c => c.Status == CustomerStatus.Restricted, cancellationToken);
            openReviews = await store.MatchReviews.LongCountAsync(r => r.Status == ReviewStatus.Open, cancellationToken);
        }

        var golden = new FieldTally(checks);
        var freshness = FieldChecks.Fields.ToDictionary(f => f, _ => new FreshnessTally());
        var stride = Math.Max(1, (long)Math.Ceiling(profiles / (double)settings.FreshnessSample));
        var staleBefore = now - settings.StaleAfter;
        long stale = 0, seen = 0, freshnessSampled = 0;
        long lastId = 0;
        while (true)
        {
            await using var store = await stores.CreateDbContextAsync(cancellationToken);
            var rows = await store.Customers.AsNoTracking()
                .Where(c => c.Id > lastId && c.Status == CustomerStatus.Active && !c.Anonymous)
                .OrderBy(c => c.Id).Take(ChunkSize)
                .Select(c => new ProfileRow(c.Id, c.GivenName, c.FamilyName, c.Email, c.Phone, c.DateOfBirth, c.AddressLine, c.City,
                    c.Postcode, c.Country, c.LastActivityAt, c.CreatedAt))
                .ToListAsync(cancellationToken);
            if (rows.Count == 0) break;
            var sampled = new List<long>();
            foreach (var row in rows)
            {
                foreach (var field in FieldChecks.Fields)
                    golden.Add(field, row.Value(field), row.Country);
                if ((row.LastActivityAt ?? row.CreatedAt) < staleBefore) stale++;
                if (seen++ % stride == 0) sampled.Add(row.Id);
            }
            if (sampled.Count > 0)
            {
                var lineages = await store.Customers.AsNoTracking().Where(c => sampled.Contains(c.Id)).Select(c => c.Lineage).ToListAsync(cancellationToken);
                foreach (var lineage in lineages)
                    foreach (var entry in lineage)
                        if (freshness.TryGetValue(entry.Field, out var tally)) tally.Add(now - entry.ObservedAt, entry.Rule == Profiles.GoldenRecord.RectifiedRule);
                freshnessSampled += lineages.Count;
            }
            lastId = rows[^1].Id;
            progress?.Invoke(seen, profiles);
        }

        var summary = await quarantine.SummaryAsync(cancellationToken);
        var quarantined = summary.BySourceAndReason
            .Select(g => new QuarantineCount(g.SourceKey, g.Reason, GoldenFieldOfReason(g.Reason), g.Open)).ToList();
        var sources = await SourcesAsync(checks, settings.SourceSample, quarantined, summary, cancellationToken);

        return new QualityReport
        {
            TakenAt = now,
            Profiles = profiles,
            Anonymous = anonymous,
            Restricted = restricted,
            Fields = FieldChecks.Fields.Select(golden.Result).ToList(),
            Sources = sources,
            SourceSampleSize = settings.SourceSample,
            Freshness = FieldChecks.Fields.Select(f => freshness[f].Result(f)).ToList(),
            FreshnessSampled = freshnessSampled,
            Stale = stale,
            StaleAfterDays = (int)Math.Round(settings.StaleAfter.TotalDays),
            OpenReviews = openReviews,
            QuarantineOpen = summary.Open,
            Quarantine = quarantined,
        };
    }

    private async Task<List<SourceQuality>> SourcesAsync(FieldChecks checks, int sampleSize, List<QuarantineCount> quarantined,
        QuarantineSummary summary, CancellationToken cancellationToken)
    {
        Dictionary<string, string> names;
        Dictionary<string, long> counts;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            names = await store.DataSources.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.DisplayName, cancellationToken);
            counts = (await store.SourceRecords.AsNoTracking().Where(r => r.Status != SourceRecordStatus.Erased)
                .GroupBy(r => r.SourceKey).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken))
                .ToDictionary(g => g.Key, g => g.Count);
        }
        var keys = names.Keys.Union(counts.Keys).Union(summary.BySource.Select(s => s.SourceKey)).Order(StringComparer.Ordinal);
        var result = new List<SourceQuality>();
        foreach (var key in keys)
        {
            List<string> payloads;
            await using (var store = await stores.CreateDbContextAsync(cancellationToken))
                payloads = await store.SourceRecords.AsNoTracking()
                    .Where(r => r.SourceKey == key && r.Status != SourceRecordStatus.Erased)
                    .OrderByDescending(r => r.Id).Take(sampleSize).Select(r => r.NormalizedJson).ToListAsync(cancellationToken);
            var tally = new FieldTally(checks);
            foreach (var json in payloads)
            {
                if (JsonSerializer.Deserialize(json, IntakeJson.Storage.NormalisedRecord) is not { } record) continue;
                foreach (var field in FieldChecks.Fields)
                    tally.Add(field, ValueOf(record, field), record.Country);
            }
            var refused = quarantined.Where(q => q.SourceKey == key && q.Field is not null)
                .GroupBy(q => q.Field!).ToDictionary(g => g.Key, g => g.Sum(q => q.Open));
            result.Add(new SourceQuality(key, names.GetValueOrDefault(key, key), counts.GetValueOrDefault(key), payloads.Count,
                summary.BySource.FirstOrDefault(s => s.SourceKey == key)?.Open ?? 0,
                FieldChecks.Fields.Select(f =>
                {
                    var field = tally.Result(f);
                    return new SourceFieldQuality(f, field.Present, field.Valid, refused.GetValueOrDefault(f));
                }).ToList()));
        }
        return result;
    }

    /// <summary>
    /// The golden field a quarantine reason is about: "address.postcode: …" is the postcode, "traits.email: …" the
    /// email. Reasons about order lines, ids or several fields at once ("firstName/lastName/…: at least one") are none.
    /// </summary>
    public static string? GoldenFieldOfReason(string reason)
    {
        var colon = reason.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0) return null;
        var path = reason[..colon];
        if (path.Contains('/') || path.Contains('[')) return null;
        var name = path[(path.LastIndexOf('.') + 1)..];
        return name switch
        {
            "email" => nameof(Customer.Email),
            "phone" => nameof(Customer.Phone),
            "dateOfBirth" or "birthday" => nameof(Customer.DateOfBirth),
            "firstName" or "first_name" or "name" => nameof(Customer.GivenName),
            "lastName" or "last_name" => nameof(Customer.FamilyName),
            "line1" or "street" => nameof(Customer.AddressLine),
            "city" => nameof(Customer.City),
            "postcode" or "postalCode" => nameof(Customer.Postcode),
            "country" => nameof(Customer.Country),
            _ => null,
        };
    }

    private static string? ValueOf(NormalisedRecord record, string field) => field switch
    {
        nameof(Customer.GivenName) => record.GivenName,
        nameof(Customer.FamilyName) => record.FamilyName,
        nameof(Customer.Email) => record.Email,
        nameof(Customer.Phone) => record.Phone,
        nameof(Customer.DateOfBirth) => record.DateOfBirth?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        nameof(Customer.AddressLine) => record.AddressLine,
        nameof(Customer.City) => record.City,
        nameof(Customer.Postcode) => record.Postcode,
        nameof(Customer.Country) => record.Country,
        _ => null,
    };

    private sealed record ProfileRow(long Id, string? GivenName, string? FamilyName, string? Email, string? Phone, DateOnly? DateOfBirth,
        string? AddressLine, string? City, string? Postcode, string? Country, DateTime? LastActivityAt, DateTime CreatedAt)
    {
        public string? Value(string field) => field switch
        {
            nameof(Customer.GivenName) => GivenName,
            nameof(Customer.FamilyName) => FamilyName,
            nameof(Customer.Email) => Email,
            nameof(Customer.Phone) => Phone,
            nameof(Customer.DateOfBirth) => DateOfBirth?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            nameof(Customer.AddressLine) => AddressLine,
            nameof(Customer.City) => City,
            nameof(Customer.Postcode) => Postcode,
            nameof(Customer.Country) => Country,
            _ => null,
        };
    }

    /// <summary>Filled and valid counts per field, with how often each rule failed.</summary>
    private sealed class FieldTally(FieldChecks checks)
    {
        private readonly Dictionary<string, (long Present, long Valid)> counts = FieldChecks.Fields.ToDictionary(f => f, _ => (0L, 0L));
        private readonly Dictionary<(string Field, string Problem), long> problems = [];

        public void Add(string field, string? value, string? country)
        {
            if (string.IsNullOrWhiteSpace(value)) return;
            var (present, valid) = counts[field];
            if (checks.Problem(field, value, country) is { } problem)
            {
                counts[field] = (present + 1, valid);
                problems[(field, problem)] = problems.GetValueOrDefault((field, problem)) + 1;
            }
            else counts[field] = (present + 1, valid + 1);
        }

        public FieldQuality Result(string field) => new(field, counts[field].Present, counts[field].Valid,
            problems.Where(p => p.Key.Field == field).OrderByDescending(p => p.Value).Select(p => new ProblemCount(p.Key.Problem, p.Value)).ToList());
    }

    private sealed class FreshnessTally
    {
        private readonly List<int> ages = [];
        private long rectified;

        public void Add(TimeSpan age, bool byPerson)
        {
            ages.Add(Math.Max(0, (int)age.TotalDays));
            if (byPerson) rectified++;
        }

        public FieldFreshness Result(string field)
        {
            var buckets = new long[QualityReport.AgeBucketDays.Length + 1];
            foreach (var days in ages)
            {
                var bucket = Array.FindIndex(QualityReport.AgeBucketDays, limit => days <= limit);
                buckets[bucket < 0 ? buckets.Length - 1 : bucket]++;
            }
            double? median = null;
            if (ages.Count > 0)
            {
                ages.Sort();
                median = ages.Count % 2 == 1 ? ages[ages.Count / 2] : (ages[ages.Count / 2 - 1] + ages[ages.Count / 2]) / 2.0;
            }
            return new FieldFreshness(field, ages.Count, buckets, median, rectified);
        }
    }
}
