using Customer360Portal.Core.Predictions;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.Predictions;

public sealed class StoredScoresTests
{
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime;

    [Fact]
    public async Task HolderSet_ChurnAndOfferRows_ExactlyTheCustomersHoldingTheKind()
    {
        await using var test = await CoreHost.CreateAsync();
        await using var store = await test.Stores.CreateDbContextAsync();
        var people = Enumerable.Range(0, 5).Select(_ => new Customer { Status = CustomerStatus.Active, CreatedAt = Now, UpdatedAt = Now }).ToList();
        store.Customers.AddRange(people);
        await store.SaveChangesAsync();
        CustomerScore Score(Customer c, ScoreKind kind) => new() { CustomerId = c.Id, Kind = kind, ModelVersion = "v1", Value = 0.5, ScoredAt = Now };
        // Two churn rows on one (a merge), offers only on another, nothing on the last.
        store.Scores.AddRange(Score(people[0], ScoreKind.ChurnRisk), Score(people[1], ScoreKind.ChurnRisk), Score(people[1], ScoreKind.ChurnRisk),
            Score(people[1], ScoreKind.NextBestOffer), Score(people[2], ScoreKind.NextBestOffer), Score(people[3], ScoreKind.ChurnRisk));
        await store.SaveChangesAsync();

        var churn = StoredScores.HolderSet(store, ScoreKind.ChurnRisk);
        var offers = StoredScores.HolderSet(store, ScoreKind.NextBestOffer);

        Assert.Equal([people[0].Id, people[1].Id, people[3].Id], churn.Order());
        Assert.Equal([people[1].Id, people[2].Id], offers.Order());
        Assert.Equal((await StoredScores.Holders(store, ScoreKind.ChurnRisk).ToListAsync()).ToHashSet(), churn);
    }
}
