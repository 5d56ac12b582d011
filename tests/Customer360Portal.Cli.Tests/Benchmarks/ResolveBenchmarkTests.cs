using System.Text.Json;
using Customer360Portal.Cli.Benchmarks;

namespace Customer360Portal.Cli.Tests.Benchmarks;

/// <summary>Benchmarks run at full size as commands; here only at a tiny size, to prove they work and report.</summary>
public class ResolveBenchmarkTests
{
    private static readonly string[] Keys =
    [
        "records", "full_seconds", "setup_seconds", "profiles", "precision", "recall", "f1", "incremental_records",
        "incremental_p50_ms", "incremental_p95_ms", "incremental_p99_ms", "peak_mb",
    ];

    [Fact]
    public async Task ResolveBenchmark_TinyRun_DeduplicatesAndEndsWithOneJsonLine()
    {
        var output = new StringWriter();

        var exitCode = await ResolveBenchmark.RunAsync(records: 3_000, seed: 7, incremental: 50, output, CancellationToken.None);

        Assert.True(exitCode == 0, output.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var report = JsonDocument.Parse(lines[^1]);
        var root = report.RootElement;
        Assert.All(Keys, key => Assert.True(root.TryGetProperty(key, out _), $"missing {key}"));
        Assert.Equal(3_000, root.GetProperty("records").GetInt32());
        Assert.Equal(50, root.GetProperty("incremental_records").GetInt32());
        Assert.True(root.GetProperty("full_seconds").GetDouble() > 0);
        Assert.True(root.GetProperty("incremental_p95_ms").GetDouble() > 0);
        Assert.InRange(root.GetProperty("profiles").GetInt32(), 1, 3_000);
        // A real check that the engine finds the people: it measures about 0.99.
        Assert.True(root.GetProperty("f1").GetDouble() > 0.9, lines[^1]);
        Assert.True(root.GetProperty("incremental_f1").GetDouble() > 0.9, lines[^1]);
    }
}
