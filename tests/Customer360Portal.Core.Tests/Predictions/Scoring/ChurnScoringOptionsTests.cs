using Customer360Portal.Core.Predictions.Scoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Tests.Predictions.Scoring;

public sealed class ChurnScoringOptionsTests
{
    private static async Task<ChurnScoringOptions> BindAsync(Dictionary<string, string?> settings)
    {
        await using var test = await CoreHost.CreateAsync(b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.AddPredictions(runInBackground: false);
        });
        return test.Get<IOptions<ChurnScoringOptions>>().Value;
    }

    [Fact]
    public async Task Rule_FromConfiguration_PurchaseOrLogin()
    {
        var options = await BindAsync(new()
        {
            ["Predictions:Churn:HorizonDays"] = "60",
            ["Predictions:Churn:ActivityTypes:0"] = "order.placed",
            ["Predictions:Churn:ActivityTypes:1"] = "track:Signed In",
        });

        var rule = options.Rule();

        Assert.False(rule.ByCancellation);
        Assert.Equal(["order.placed", "track:Signed In"], rule.ActivityTypes);
        Assert.Equal(60, rule.HorizonDays);
    }

    [Fact]
    public async Task Rule_FromConfiguration_CancellationTrait()
    {
        var options = await BindAsync(new() { ["Predictions:Churn:CancellationTrait"] = "subscription_status = cancelled" });

        var rule = options.Rule();

        Assert.True(rule.ByCancellation);
        Assert.Equal(("subscription_status", "cancelled"), (rule.CancellationTraitKey, rule.CancellationTraitValue));
        Assert.Equal("the trait \"subscription_status\" set to \"cancelled\" within 90 days after the cut-off", rule.Describe());
    }

    [Fact]
    public async Task CancellationTrait_WithoutValue_IsRefusedAtStartUp()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => BindAsync(new() { ["Predictions:Churn:CancellationTrait"] = "cancelled" }));

        Assert.Contains("key=value", error.Message);
    }
}
