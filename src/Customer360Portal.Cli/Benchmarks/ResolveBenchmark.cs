using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.IdentityResolution.Evaluation;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Cli.Benchmarks;

/// <summary>
/// <c>c360 bench resolve --records N</c>: N generated CRM contacts with known truth (<see cref="SyntheticPeople"/>)
/// through the real intake into a fresh SQLite store (setup, timed apart), then deduplicated by
/// <see cref="FullResolution"/> end to end with profiles persisted (full), scored pairwise against the truth, and then
/// K more records (half duplicates of known people, half new people) resolved one at a time by the profile projection
/// against all profiles (incremental). The last line is one JSON object.
/// </summary>
public static class ResolveBenchmark
{
    public static async Task<int> RunAsync(int records, int seed, int incremental, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(records);
        ArgumentOutOfRangeException.ThrowIfNegative(incremental);
        var people = new SyntheticPeople(records, seed);
        output.WriteLine($"Generating {records:N0} CRM contacts of {people.PeopleCount:N0} people ({records - people.PeopleCount:N0} duplicates), seed {seed}.");

        // Each incremental run resolves exactly one new record against every profile and commits.
        using var host = await BenchHost.CreateAsync("resolve", builder => builder.Services.Configure<ProjectionOptions>(o => o.BatchSize = 1));
        var truth = new Dictionary<(string SourceKey, string ExternalId), int>(records + incremental);

        // Setup: generate and ingest, so the records are stored and awaiting resolution.
        var clock = Stopwatch.StartNew();
        var intake = await IngestAsync(host, people.Generate(), truth, cancellationToken);
        var setupSeconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"Setup:       {setupSeconds,10:N2} s  (generate and ingest: stored {intake.Stored:N0}, quarantined {intake.Quarantined:N0}, duplicates {intake.Duplicates:N0})");
        if (intake.Stored != records)
        {
            output.WriteLine($"Intake stored {intake.Stored:N0} of {records:N0} generated records; the generator and intake disagree.");
            return 1;
        }

        // Full resolution: train, cluster, persist.
        clock.Restart();
        var report = await host.Services.GetRequiredService<FullResolution>().RunAsync(new PhaseProgress(output), cancellationToken);
        var fullSeconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"Full:        {fullSeconds,10:N2} s  ({records / Math.Max(fullSeconds, 1e-9):N0} records/s; {report.Profiles:N0} profiles, {report.Merges:N0} merges, {report.Reviews:N0} reviews; {report.CandidatePairs:N0} pairs compared)");
        output.WriteLine($"             phases: {string.Join(", ", report.Phases.Select(p => $"{p.Key} {p.Value.TotalSeconds:N2} s"))}");
        var full = await MeasureAsync(host, truth, cancellationToken);
        output.WriteLine($"Accuracy:    {Describe(full)}");

        // Incremental: more records through intake (not timed), then one projection run each.
        var extra = await IngestAsync(host, people.Extra(incremental), truth, cancellationToken);
        var projection = host.Services.GetRequiredService<ProfileProjection>();
        var timings = new List<double>(incremental);
        var step = new Stopwatch();
        while (true)
        {
            step.Restart();
            if (await projection.RunOnceAsync(cancellationToken) == 0) break;
            timings.Add(step.Elapsed.TotalMilliseconds);
        }
        timings.Sort();
        var (p50, p95, p99, max) = (Percentile(timings, 0.50), Percentile(timings, 0.95), Percentile(timings, 0.99), timings.LastOrDefault());
        output.WriteLine($"Incremental: {timings.Count:N0} records one at a time (of {extra.Stored:N0} stored) against {report.Profiles:N0} profiles: " +
            $"p50 {p50:N2} ms, p95 {p95:N2} ms, p99 {p99:N2} ms, max {max:N2} ms");
        var after = await MeasureAsync(host, truth, cancellationToken);
        output.WriteLine($"Accuracy:    {Describe(after)} (after the increment)");

        var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        output.WriteLine($"Peak memory: {peakMb,10:N0} MB (working set)");

        var result = new
        {
            benchmark = "resolve",
            records,
            people = people.PeopleCount,
            setup_seconds = Math.Round(setupSeconds, 3),
            full_seconds = Math.Round(fullSeconds, 3),
            full_records_per_second = Math.Round(records / Math.Max(fullSeconds, 1e-9)),
            profiles = report.Profiles,
            merges = report.Merges,
            reviews = report.Reviews,
            precision = Math.Round(full.Metrics.Precision, 5),
            recall = Math.Round(full.Metrics.Recall, 5),
            f1 = Math.Round(full.Metrics.F1, 5),
            incremental_records = timings.Count,
            incremental_p50_ms = Math.Round(p50, 3),
            incremental_p95_ms = Math.Round(p95, 3),
            incremental_p99_ms = Math.Round(p99, 3),
            incremental_max_ms = Math.Round(max, 3),
            incremental_precision = Math.Round(after.Metrics.Precision, 5),
            incremental_recall = Math.Round(after.Metrics.Recall, 5),
            incremental_f1 = Math.Round(after.Metrics.F1, 5),
            peak_mb = Math.Round(peakMb),
        };
        output.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Ingests the records as the CRM source sends them, noting each one's person as it passes.</summary>
    private static Task<StreamOutcome> IngestAsync(BenchHost host, IEnumerable<SyntheticRecord> records,
        Dictionary<(string SourceKey, string ExternalId), int> truth, CancellationToken cancellationToken)
    {
        var source = DemoSources.Crm.Key;
        IEnumerable<IncomingRecord> Incoming()
        {
            foreach (var record in records)
            {
                truth[(source, record.ExternalId)] = record.PersonIndex;
                yield return new IncomingRecord(source, RecordKinds.Contact, Encoding.UTF8.GetBytes(record.ContactJson), record.UpdatedAt);
            }
        }
        return host.Services.GetRequiredService<IntakePipeline>().IngestStreamAsync(source, Incoming(), cancellationToken: cancellationToken);
    }

    private static async Task<ResolutionAccuracy> MeasureAsync(BenchHost host, Dictionary<(string SourceKey, string ExternalId), int> truth,
        CancellationToken cancellationToken)
    {
        await using var store = await host.Services.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContextAsync(cancellationToken);
        return await ResolutionAccuracy.MeasureAsync(store, truth, cancellationToken);
    }

    private static string Describe(ResolutionAccuracy a) =>
        $"precision {a.Metrics.Precision:F4}, recall {a.Metrics.Recall:F4}, F1 {a.Metrics.F1:F4} " +
        $"({a.Records:N0} records of {a.Entities:N0} people in {a.Profiles:N0} profiles)";

    /// <summary>Nearest rank of sorted values; 0 when there are none.</summary>
    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>Prints each phase as it starts and, in long phases, where it is every few seconds (synchronously, in order).</summary>
    private sealed class PhaseProgress(TextWriter output) : IProgress<FullResolutionProgress>
    {
        private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
        private readonly Lock gate = new();
        private readonly Stopwatch sinceLast = Stopwatch.StartNew();
        private string? phase;

        public void Report(FullResolutionProgress value)
        {
            lock (gate)
            {
                if (value.Phase == phase && sinceLast.Elapsed < Every) return;
                phase = value.Phase;
                sinceLast.Restart();
                output.WriteLine($"             {value.Phase}: {value.Done:N0} of {value.Total:N0}");
            }
        }
    }
}
