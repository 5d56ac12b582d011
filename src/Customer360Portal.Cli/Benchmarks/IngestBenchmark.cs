using System.Diagnostics;
using System.Text.Json;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Cli.Benchmarks;

/// <summary>
/// <c>c360 bench ingest --records N</c>: N generated mixed records from the demo company through the real intake into a
/// fresh SQLite store. Reports, from one run: the raw-insert baseline (the same rows, prepared beforehand, written by
/// the same writer), intake (validate + normalise + hash + write, two threads), and end to end through to profiles and
/// timeline. The last line is one JSON object.
/// </summary>
public static class IngestBenchmark
{
    public static async Task<int> RunAsync(int records, int seed, TextWriter output, CancellationToken cancellationToken)
    {
        var company = new DemoCompany(DemoCompanyOptions.ForRecords(records, seed));
        var stream = company.Records().Take(records).ToList();
        output.WriteLine($"Generated {stream.Count:N0} records from {company.Options.People:N0} people across {stream.Select(r => r.SourceKey).Distinct().Count()} sources.");

        // Intake: a fresh store, the real pipeline, one source per demo source.
        using var intakeHost = await BenchHost.CreateAsync("ingest");
        var pipeline = intakeHost.Services.GetRequiredService<IntakePipeline>();
        var memoryBefore = Process.GetCurrentProcess().PeakWorkingSet64;
        var clock = Stopwatch.StartNew();
        long stored = 0, quarantined = 0, duplicates = 0;
        foreach (var group in stream.GroupBy(r => r.SourceKey))
        {
            var outcome = await pipeline.IngestStreamAsync(group.Key,
                group.Select(r => new IncomingRecord(r.SourceKey, r.Kind, r.Payload, r.At)), cancellationToken: cancellationToken);
            stored += outcome.Stored;
            quarantined += outcome.Quarantined;
            duplicates += outcome.Duplicates;
        }
        var intakeSeconds = clock.Elapsed.TotalSeconds;
        var peakMemoryMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        output.WriteLine($"Intake:      {stream.Count / intakeSeconds,12:N0} records/s  ({intakeSeconds:N2} s; stored {stored:N0}, quarantined {quarantined:N0}, duplicates {duplicates:N0})");

        // End to end: the interim exact-match resolver projects everything onto profiles and the timeline.
        clock.Restart();
        var projected = await intakeHost.Services.GetRequiredService<ProfileProjection>().CatchUpAsync(cancellationToken);
        var projectionSeconds = clock.Elapsed.TotalSeconds;
        var endToEnd = stream.Count / (intakeSeconds + projectionSeconds);
        output.WriteLine($"Projection:  {projected / projectionSeconds,12:N0} records/s  ({projectionSeconds:N2} s)");
        output.WriteLine($"End to end:  {endToEnd,12:N0} records/s");

        // Baseline: the same rows, already validated, written by the same writer into another fresh store.
        using var baselineHost = await BenchHost.CreateAsync("baseline");
        clock.Restart();
        var prepared = stream.GroupBy(r => r.SourceKey).Select(g => (g.Key, Items: g.Select(r => pipeline.Prepare(new IncomingRecord(r.SourceKey, r.Kind, r.Payload, r.At))).ToList())).ToList();
        var prepareSeconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"Validate:    {stream.Count / prepareSeconds,12:N0} records/s  ({prepareSeconds:N2} s, one thread: parse, validate, normalise, hash)");
        var writer = baselineHost.Services.GetRequiredService<IntakeWriter>();
        clock.Restart();
        foreach (var (source, items) in prepared)
            foreach (var chunk in items.Chunk(5_000))
                await writer.WriteAsync(source, chunk, null, cancellationToken);
        var baselineSeconds = clock.Elapsed.TotalSeconds;
        var baselinePerSecond = stream.Count / baselineSeconds;
        output.WriteLine($"Raw insert:  {baselinePerSecond,12:N0} records/s  ({baselineSeconds:N2} s, baseline: prepared rows, writer only)");

        var result = new
        {
            benchmark = "ingest",
            records = stream.Count,
            records_per_second = Math.Round(stream.Count / intakeSeconds),
            end_to_end_per_second = Math.Round(endToEnd),
            raw_insert_per_second = Math.Round(baselinePerSecond),
            validate_per_second = Math.Round(stream.Count / prepareSeconds),
            intake_vs_raw_insert = Math.Round(stream.Count / intakeSeconds / baselinePerSecond, 3),
            peak_memory_mb = Math.Round(peakMemoryMb),
            peak_memory_before_mb = Math.Round(memoryBefore / (1024.0 * 1024.0)),
            stored, quarantined, duplicates,
        };
        output.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }
}
