using System.Text.Json;
using Customer360Portal.Cli.Benchmarks;

namespace Customer360Portal.Cli.Tests.Benchmarks;

public class SearchBenchmarkTests
{
    private static readonly string[] Keys =
    [
        "records", "profiles", "search_p50_ms", "search_p95_ms", "search_p99_ms", "profile_p95_ms", "index_seconds", "recall_at_10",
        "interactions", "profile_p50_ms", "profile_p99_ms", "profile_p95_ms_heavy", "journey_p95_ms", "timeline_filtered_p95_ms",
    ];

    // Positive whenever profiles were opened: each is a measured time or a count of what the page had to show.
    private static readonly string[] Positive =
    [
        "search_p95_ms", "profile_p50_ms", "profile_p95_ms", "profile_p99_ms", "profile_p95_ms_heavy", "journey_p95_ms", "journey_p95_ms_heavy",
        "timeline_filtered_p95_ms", "timeline_filtered_p95_ms_heavy", "interactions", "consent_events", "scores", "profile_heavy_samples",
    ];

    [Fact]
    public async Task SearchBenchmark_TinyRun_FindsThePeopleAndEndsWithOneJsonLine()
    {
        var output = new StringWriter();

        var exitCode = await SearchBenchmark.RunAsync(profiles: 2_000, queries: 100, seed: 7, interactionsPerProfile: 10, output, CancellationToken.None);

        Assert.True(exitCode == 0, output.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var report = JsonDocument.Parse(lines[^1]);
        var root = report.RootElement;
        Assert.All(Keys, key => Assert.True(root.TryGetProperty(key, out _), $"missing {key}"));
        Assert.Equal(2_000, root.GetProperty("records").GetInt32());
        Assert.Equal(100, root.GetProperty("queries").GetInt32());
        Assert.All(Positive, key => Assert.True(root.GetProperty(key).GetDouble() > 0, $"{key} not positive: {lines[^1]}"));
        // About ten timeline entries a profile, and at least one profile with a long history among those opened.
        Assert.InRange(root.GetProperty("interactions").GetInt64(), 15_000, 25_000);
        Assert.True(root.GetProperty("interactions_max_per_profile").GetInt32() >= 1_000, lines[^1]);
        // A real check that search finds the intended person among a few thousand.
        Assert.True(root.GetProperty("recall_at_10").GetDouble() > 0.9, lines[^1]);
    }
}
