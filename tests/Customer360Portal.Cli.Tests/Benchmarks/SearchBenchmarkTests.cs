using System.Text.Json;
using Customer360Portal.Cli.Benchmarks;

namespace Customer360Portal.Cli.Tests.Benchmarks;

public class SearchBenchmarkTests
{
    private static readonly string[] Keys =
    [
        "records", "profiles", "search_p50_ms", "search_p95_ms", "search_p99_ms", "profile_p95_ms", "index_seconds", "recall_at_10",
    ];

    [Fact]
    public async Task SearchBenchmark_TinyRun_FindsThePeopleAndEndsWithOneJsonLine()
    {
        var output = new StringWriter();

        var exitCode = await SearchBenchmark.RunAsync(profiles: 2_000, queries: 100, seed: 7, output, CancellationToken.None);

        Assert.True(exitCode == 0, output.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var report = JsonDocument.Parse(lines[^1]);
        var root = report.RootElement;
        Assert.All(Keys, key => Assert.True(root.TryGetProperty(key, out _), $"missing {key}"));
        Assert.Equal(2_000, root.GetProperty("records").GetInt32());
        Assert.Equal(100, root.GetProperty("queries").GetInt32());
        Assert.True(root.GetProperty("search_p95_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("profile_p95_ms").GetDouble() > 0);
        // A real check that search finds the intended person among a few thousand.
        Assert.True(root.GetProperty("recall_at_10").GetDouble() > 0.9, lines[^1]);
    }
}
