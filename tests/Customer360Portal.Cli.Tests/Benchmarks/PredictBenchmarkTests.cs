using System.Text.Json;
using Customer360Portal.Cli.Benchmarks;

namespace Customer360Portal.Cli.Tests.Benchmarks;

public class PredictBenchmarkTests
{
    private static readonly string[] Keys =
    [
        "train_seconds", "score_seconds", "customers_scored", "auc", "train_phases_seconds", "score_phases_seconds", "peak_memory_mb",
        "score_rows_per_second", "scores_stored", "nbo_train_seconds", "nbo_score_seconds", "nbo_customers_scored", "nbo_hit_at_5",
        "nbo_train_phases_seconds", "nbo_score_phases_seconds", "nbo_offers_stored",
    ];

    [Fact]
    public async Task PredictBenchmark_TinyRun_TrainsAGoodModel_ScoresEveryoneAllowed_AndEndsWithOneJsonLine()
    {
        var output = new StringWriter();

        var exitCode = await PredictBenchmark.RunAsync(customers: 3_000, trainCustomers: 2_000, storePath: null, keepStore: false, seed: 7, output,
            CancellationToken.None);

        var text = output.ToString();
        Assert.True(exitCode == 0, text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var report = JsonDocument.Parse(lines[^1]);
        var root = report.RootElement;
        Assert.All(Keys, key => Assert.True(root.TryGetProperty(key, out _), $"missing {key}"));
        Assert.Equal(3_000, root.GetProperty("customers").GetInt32());
        // The report names every phase and says where it stands against the targets.
        Assert.Contains(lines, l => l.StartsWith("Training:") && l.Contains("customers/s"));
        Assert.Contains(lines, l => l.StartsWith("Targets:") && l.Contains("60 s") && l.Contains("30 s"));
        foreach (var phase in new[] { "feature read and build", "fit (holdout model and final model)", "held-out metrics" })
            Assert.True(root.GetProperty("train_phases_seconds").GetProperty(phase).GetDouble() > 0, $"{phase}: {lines[^1]}");
        foreach (var phase in new[] { "feature read and build", "consent and stored scores", "prediction", "explanation", "score writes" })
            Assert.True(root.GetProperty("score_phases_seconds").GetProperty(phase).GetDouble() > 0, $"{phase}: {lines[^1]}");
        // Most of the 3,000 bought and granted personalisation (90%); everyone scored has exactly one stored score.
        var scored = root.GetProperty("customers_scored").GetInt32();
        Assert.InRange(scored, 2_000, 2_800);
        Assert.Equal(scored, root.GetProperty("scores_stored").GetInt64());
        Assert.True(root.GetProperty("customers_skipped").GetInt32() > 0, lines[^1]);
        // The planted signal is found: speed never comes from a broken model.
        Assert.True(root.GetProperty("auc").GetDouble() > 0.75, lines[^1]);

        // Next best offer: trained and measured, then everyone allowed who bought is ranked, 1 to 3 offers each.
        Assert.Contains(lines, l => l.StartsWith("Offer model:") && l.Contains("customers/s"));
        Assert.Contains(lines, l => l.StartsWith("nbo-1: held-out hit@5"));
        Assert.Contains(lines, l => l.StartsWith("Offers:") && l.Contains("30 s"));
        foreach (var phase in new[] { "inputs read", "evaluation and fit" })
            Assert.True(root.GetProperty("nbo_train_phases_seconds").GetProperty(phase).GetDouble() > 0, $"{phase}: {lines[^1]}");
        foreach (var phase in new[] { "reads (histories, consent, facts, answers)", "consent filter, model load, stale offers removed", "ranking", "offer writes" })
            Assert.True(root.GetProperty("nbo_score_phases_seconds").GetProperty(phase).GetDouble() > 0, $"{phase}: {lines[^1]}");
        var withOffers = root.GetProperty("nbo_customers_scored").GetInt32();
        Assert.InRange(withOffers + root.GetProperty("nbo_customers_without_offer").GetInt32(), 2_000, 2_800);
        Assert.True(withOffers > 1_500, lines[^1]);
        Assert.Equal(withOffers, root.GetProperty("nbo_customers_with_offers").GetInt64());
        Assert.InRange(root.GetProperty("nbo_offers_stored").GetInt64(), withOffers, 3L * withOffers);
        // Learned from the planted category tastes: better than offering the best sellers.
        Assert.True(root.GetProperty("nbo_hit_at_5").GetDouble() > root.GetProperty("nbo_baseline_popularity").GetDouble(), lines[^1]);
    }
}
