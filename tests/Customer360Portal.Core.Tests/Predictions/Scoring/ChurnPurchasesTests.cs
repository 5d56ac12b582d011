using System.Globalization;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Core.Predictions.Scoring;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;

namespace Customer360Portal.Core.Tests.Predictions.Scoring;

public sealed class ChurnPurchasesTests
{
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime;

    [Fact]
    public async Task FeatureRows_FromTheStore_AreTheFeatureBuildersRows_ForActiveProfilesOrdersOnly()
    {
        await using var test = await CoreHost.CreateAsync(b => b.AddPredictions(runInBackground: false));
        var random = new Random(5);
        var cutoff = Now.AddDays(-90);
        var events = new List<PurchaseEvent>();
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var people = Enumerable.Range(0, 60).Select(i => new Customer
            {
                Status = i % 10 == 9 ? CustomerStatus.Restricted : i % 10 == 8 ? CustomerStatus.Merged : CustomerStatus.Active, CreatedAt = Now, UpdatedAt = Now,
            }).ToList();
            store.Customers.AddRange(people);
            await store.SaveChangesAsync();
            foreach (var person in people)
                for (var n = random.Next(6); n >= 0; n--)
                {
                    // Some after the cut-off (the label), some with sub-second times, some without an amount.
                    var at = Now.AddDays(-random.Next(400)).AddMilliseconds(random.Next(86_400_000)).AddTicks(random.Next(10_000));
                    long? amount = random.Next(5) == 0 ? null : 100 + random.Next(10_000);
                    store.Interactions.Add(new Interaction
                    {
                        CustomerId = person.Id, SourceKey = "shop", Type = ChurnPurchases.OrderPlaced, OccurredAt = at, Summary = "Order", AmountMinor = amount,
                    });
                    store.Interactions.Add(new Interaction { CustomerId = person.Id, SourceKey = "web", Type = "page.viewed", OccurredAt = at, Summary = "Viewed /" });
                    if (person.Status == CustomerStatus.Active)
                        events.Add(new PurchaseEvent(ChurnPurchases.CustomerKey(person.Id), at, (amount ?? 0) / 100m));
                }
            await store.SaveChangesAsync();
        }

        List<ChurnFeatureRow> rows;
        await using (var store = await test.Stores.CreateDbContextAsync())
            rows = await ChurnPurchases.FeatureRowsAsync(store, cutoff, 90, CancellationToken.None);

        var expected = ChurnFeatureBuilder.Build(events, cutoff, ChurnDefinition.ByInactivity(90))
            .OrderBy(r => ChurnPurchases.CustomerId(r.CustomerId)).ToList();
        Assert.True(expected.Count > 30, $"{expected.Count} rows");
        Assert.Equal(expected.Select(r => r.CustomerId), rows.Select(r => r.CustomerId));
        Assert.Equal(expected.Select(r => r.Churned), rows.Select(r => r.Churned));
        Assert.Equal(expected.Select(r => string.Join(",", r.Features)), rows.Select(r => string.Join(",", r.Features)));
    }

    [Theory]
    [InlineData("2026-11-30 06:41:53")]
    [InlineData("2026-11-30 06:41:53.5")]
    [InlineData("2024-02-29 23:59:59.1234567")]
    [InlineData("0001-01-01 00:00:00")]
    public void SqliteTicks_EfCoreTimestamps_ReadAsTheGeneralParserReadsThem(string text)
    {
        Assert.Equal(DateTime.Parse(text, CultureInfo.InvariantCulture).Ticks, ChurnPurchases.SqliteTicks(text));
    }

    [Theory]
    [InlineData("2026-11-30")]
    [InlineData("2026-13-30 06:41:53")]
    [InlineData("2023-02-29 06:41:53")]
    [InlineData("2026-11-30 06:41:53.12345678")]
    [InlineData("2026-11-30 06:41:53+01:00")]
    [InlineData("30/11/2026 06:41:53")]
    public void SqliteTicks_OtherShapes_LeftToTheGeneralParser(string text)
    {
        Assert.Null(ChurnPurchases.SqliteTicks(text));
    }
}
