using System.Text.Json;
using Customer360Portal.Cli.Benchmarks;

namespace Customer360Portal.Cli.Tests.Benchmarks;

/// <summary>Benchmarks run at full size as commands; here only at a tiny size, to prove they work and report.</summary>
public class IngestBenchmarkTests
{
    [Fact]
    public async Task IngestBenchmark_TinyRun_PrintsFiguresAndEndsWithOneJsonLine()
    {
        var output = new StringWriter();

        var exitCode = await IngestBenchmark.RunAsync(records: 3_000, seed: 7, output, CancellationToken.None);

        Assert.Equal(0, exitCode);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var report = JsonDocument.Parse(lines[^1]);
        var root = report.RootElement;
        Assert.Equal(3_000, root.GetProperty("records").GetInt32());
        Assert.True(root.GetProperty("records_per_second").GetDouble() > 0);
        Assert.True(root.GetProperty("end_to_end_per_second").GetDouble() > 0);
        Assert.True(root.GetProperty("raw_insert_per_second").GetDouble() > 0);
        Assert.True(root.GetProperty("peak_memory_mb").GetDouble() > 0);
        // Every generated record is accounted for.
        Assert.Equal(3_000, root.GetProperty("stored").GetInt64() + root.GetProperty("quarantined").GetInt64() + root.GetProperty("duplicates").GetInt64());
        Assert.True(root.GetProperty("quarantined").GetInt64() > 0, "the demo company sends a small share of malformed records");
    }
}
