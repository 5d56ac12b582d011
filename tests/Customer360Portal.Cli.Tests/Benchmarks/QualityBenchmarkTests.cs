using System.Text.Json;
using Customer360Portal.Cli.Benchmarks;

namespace Customer360Portal.Cli.Tests.Benchmarks;

public class QualityBenchmarkTests
{
    [Fact]
    public async Task QualityBenchmark_TinyRun_PrintsFiguresAndEndsWithOneJsonLine()
    {
        var output = new StringWriter();

        var exitCode = await QualityBenchmark.RunAsync(profiles: 300, seed: 7, output, CancellationToken.None);

        Assert.Equal(0, exitCode);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("Scan:", StringComparison.Ordinal));
        using var report = JsonDocument.Parse(lines[^1]);
        var root = report.RootElement;
        Assert.Equal("quality", root.GetProperty("benchmark").GetString());
        var profiles = root.GetProperty("profiles").GetInt64();
        Assert.InRange(profiles, 250, 300); // the generator sends a few unusable records
        Assert.Equal(profiles, root.GetProperty("freshness_sampled").GetInt64()); // below the sample size every profile is read
        Assert.True(root.GetProperty("scan_seconds").GetDouble() > 0);
        Assert.InRange(root.GetProperty("completeness").GetDouble(), 0.3, 1.0);
        Assert.True(root.GetProperty("snapshot_bytes").GetInt32() > 0);
    }
}
