using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.IdentityResolution.Evaluation;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Quality;
using Customer360Portal.Data.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Cli.Benchmarks;

/// <summary>
/// <c>c360 bench quality --profiles N</c>: N generated people (<see cref="SyntheticPeople"/>, no duplicates, with the
/// generator's gaps) through the real intake and <see cref="FullResolution"/> into a fresh SQLite store (setup, timed
/// apart), then one full quality scan as the background job runs it (timed), the snapshot stored, and what the page
/// reads when it opens: the latest snapshot with the trend, and the first page of the incomplete-data list (timed). The
/// last line is one JSON object.
/// </summary>
public static class QualityBenchmark
{
    public static async Task<int> RunAsync(int profiles, int seed, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(profiles, 1);
        var people = new SyntheticPeople(profiles, seed, duplicateShare: 0);
        output.WriteLine($"Generating {profiles:N0} people, seed {seed}.");
        using var host = await BenchHost.CreateAsync("quality", b => b.AddDataQuality(runInBackground: false));

        var clock = Stopwatch.StartNew();
        var source = DemoSources.Crm.Key;
        var incoming = people.Generate().Select(r => new IncomingRecord(source, RecordKinds.Contact, Encoding.UTF8.GetBytes(r.ContactJson), r.UpdatedAt));
        var intake = await host.Services.GetRequiredService<IntakePipeline>().IngestStreamAsync(source, incoming, cancellationToken: cancellationToken);
        var resolved = await host.Services.GetRequiredService<FullResolution>().RunAsync(null, cancellationToken);
        output.WriteLine($"Setup:       {clock.Elapsed.TotalSeconds,10:N2} s  (stored {intake.Stored:N0} records, {resolved.Profiles:N0} profiles)");

        clock.Restart();
        var report = await host.Services.GetRequiredService<QualityScan>().RunAsync(null, cancellationToken);
        var scanSeconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"Scan:        {scanSeconds,10:N2} s  ({report.Profiles / Math.Max(scanSeconds, 1e-9):N0} profiles/s; completeness {report.Completeness:P1}, "
            + $"validity {report.Validity:P1}; freshness read {report.FreshnessSampled:N0} profiles)");

        var snapshots = host.Services.GetRequiredService<QualitySnapshots>();
        await snapshots.SaveAsync(report, clock.Elapsed, QualitySnapshots.ScheduledTrigger, cancellationToken);
        clock.Restart();
        var latest = await snapshots.LatestAsync(cancellationToken);
        var trend = await snapshots.TrendAsync(cancellationToken: cancellationToken);
        var pageMs = clock.Elapsed.TotalMilliseconds;
        output.WriteLine($"Page open:   {pageMs,10:N1} ms  (latest snapshot and trend of {trend.Count})");

        clock.Restart();
        var listing = await host.Services.GetRequiredService<IncompleteProfiles>()
            .ListAsync(new IncompleteFilter(nameof(Customer.Phone)), ProfileMasking.ForRoles([PortalRoles.Admin]), cancellationToken);
        var listMs = clock.Elapsed.TotalMilliseconds;
        output.WriteLine($"List:        {listMs,10:N1} ms  ({listing.Total:N0} profiles without a phone, first page of {listing.Items.Count})");

        var result = new
        {
            benchmark = "quality",
            profiles = report.Profiles,
            scan_seconds = Math.Round(scanSeconds, 2),
            profiles_per_second = Math.Round(report.Profiles / Math.Max(scanSeconds, 1e-9)),
            freshness_sampled = report.FreshnessSampled,
            page_open_ms = Math.Round(pageMs, 1),
            incomplete_list_ms = Math.Round(listMs, 1),
            completeness = Math.Round(report.Completeness, 4),
            validity = Math.Round(report.Validity, 4),
            snapshot_bytes = latest is null ? 0 : Encoding.UTF8.GetByteCount(QualityReport.Write(latest.Report)),
        };
        output.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }
}
