using System.Text.Json;
using Customer360Portal.Cli.Benchmarks;

namespace Customer360Portal.Cli.Tests.Benchmarks;

public class SegmentBenchmarkTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData(100, true)] // above 100 profile ids the estimate is sampled
    public async Task SegmentBenchmark_TinyRun_TimesEachRuleKindAndEndsWithOneJsonLine(int? exactUpTo, bool sampled)
    {
        var output = new StringWriter();

        var exitCode = await SegmentBenchmark.RunAsync(profiles: 3_000, repeats: 2, seed: 7, output, CancellationToken.None, exactUpTo);

        Assert.True(exitCode == 0, output.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var report = JsonDocument.Parse(lines[^1]);
        var root = report.RootElement;
        Assert.Equal("segments", root.GetProperty("benchmark").GetString());
        Assert.Equal(3_000, root.GetProperty("profiles").GetInt32());
        Assert.True(root.GetProperty("estimate_p95_ms").GetDouble() > 0, lines[^1]);
        Assert.Equal(sampled, root.GetProperty("sampled").GetBoolean());
        Assert.Equal(8, root.GetProperty("kinds").GetInt32());
        Assert.Equal(16, root.GetProperty("estimates").GetInt32());
        Assert.InRange(root.GetProperty("interactions").GetInt64(), 20_000, 40_000);
        // Exact counts always equal an exact estimate; sampled ones mostly fall inside their interval.
        Assert.True(root.GetProperty("exact_within_interval").GetInt32() >= (sampled ? 5 : 8), lines[^1]);
        Assert.Contains(lines, l => l.StartsWith("behaviour-count", StringComparison.Ordinal));
    }
}
