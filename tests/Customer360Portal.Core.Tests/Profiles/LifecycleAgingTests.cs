using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.Profiles;

/// <summary>Buyers who go quiet move to At risk, then Lapsed; only a new order brings them back (as on the journey map).</summary>
public sealed class LifecycleAgingTests
{
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime;

    [Fact]
    public async Task AgeAsync_QuietBuyers_AtRiskAfter90DaysLapsedAfterAYear_OthersUntouched()
    {
        await using var test = await CoreHost.CreateAsync(_ => { });
        await using var store = await test.Stores.CreateDbContextAsync();
        Customer Person(LifecycleStage stage, int orders, int quietDays, CustomerStatus status = CustomerStatus.Active) => new()
        {
            Status = status, LifecycleStage = stage, OrderCount = orders, LastActivityAt = Now.AddDays(-quietDays), CreatedAt = Now.AddDays(-900), UpdatedAt = Now,
        };
        var active = Person(LifecycleStage.Retention, 3, 30);
        var quiet = Person(LifecycleStage.Retention, 3, 120);
        var gone = Person(LifecycleStage.Purchase, 1, 400);
        var browser = Person(LifecycleStage.Consideration, 0, 400);
        var merged = Person(LifecycleStage.Retention, 2, 400, CustomerStatus.Merged);
        store.Customers.AddRange(active, quiet, gone, browser, merged);
        await store.SaveChangesAsync();

        var moved = await LifecycleAging.AgeAsync(store, Now);

        var stages = await store.Customers.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.LifecycleStage);
        Assert.Equal(2, moved);
        Assert.Equal(LifecycleStage.Retention, stages[active.Id]);
        Assert.Equal(LifecycleStage.AtRisk, stages[quiet.Id]);
        Assert.Equal(LifecycleStage.Lapsed, stages[gone.Id]);
        Assert.Equal(LifecycleStage.Consideration, stages[browser.Id]);
        Assert.Equal(LifecycleStage.Retention, stages[merged.Id]);
        Assert.Equal(0, await LifecycleAging.AgeAsync(store, Now));
    }

    [Theory]
    [InlineData(LifecycleStage.AtRisk, "email.opened", LifecycleStage.AtRisk)]
    [InlineData(LifecycleStage.Lapsed, "ticket.opened", LifecycleStage.Lapsed)]
    [InlineData(LifecycleStage.Lapsed, "order.placed", LifecycleStage.Retention)]
    [InlineData(LifecycleStage.Retention, "email.opened", LifecycleStage.Retention)]
    public void NextStage_AgedBuyer_OnlyANewOrderWinsThemBack(LifecycleStage current, string interaction, LifecycleStage expected) =>
        Assert.Equal(expected, Metrics.NextStage(current, interaction == "order.placed" ? 3 : 2, interaction));
}
