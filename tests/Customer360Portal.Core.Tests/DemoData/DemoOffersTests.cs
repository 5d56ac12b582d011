using Customer360Portal.Core.Audit;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Predictions.Offers.Portal;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Customer360Portal.Core.Tests.DemoData;

/// <summary>The demo company's offers: valid, saved once, and ranked for its customers after the first pass.</summary>
public class DemoOffersTests(ITestOutputHelper output)
{
    [Fact]
    public void Drafts_AreValidAndNameRealProductsAndCategories()
    {
        var drafts = DemoOffers.Drafts(CoreHost.Now.UtcDateTime);

        Assert.All(drafts, d => Assert.Empty(OfferDefinitions.Validate(d)));
        Assert.Contains(drafts, d => d.Kind == OfferKind.Campaign);
        Assert.Contains(drafts, d => d.ValidUntil < CoreHost.Now.UtcDateTime); // one expired, to show it is never made
    }

    [Fact]
    public async Task FirstPass_OnDemoData_PutsOffersOnProfiles_NeverTheExpiredOneOrAnOwnedProduct()
    {
        await using var test = await CoreHost.CreateAsync(b => NboSetup.AddNextBestOffer(b, runInBackground: false));
        var company = new DemoCompany(new DemoCompanyOptions { People = 400 });
        foreach (var source in DemoSources.All)
            await test.Get<SourceRegistry>().EnsureSourceAsync(source.Key, source.DisplayName, source.Kind, source.Connector, trustRank: source.TrustRank);
        foreach (var group in company.People().SelectMany(p => p.Records).OrderBy(r => r.At).GroupBy(r => r.SourceKey))
            await test.Get<IntakePipeline>().IngestAsync(group.Key, group.Select(r => r.ToIncoming()).ToList());
        await test.Get<ProfileProjection>().CatchUpAsync();
        Assert.Equal(7, await DemoOffers.EnsureAsync(test.Get<OfferDefinitions>(), TimeProvider.System));
        Assert.Equal(0, await DemoOffers.EnsureAsync(test.Get<OfferDefinitions>(), TimeProvider.System));

        var result = await test.Get<NboJob>().RunNowAsync(AuditActor.System("test"));

        output.WriteLine(result.Training!.Message);
        output.WriteLine(result.Scoring.Message);
        Assert.True(result.Training!.Trained, result.Training.Message);
        Assert.True(result.Scoring.Scored > 20, result.Scoring.Message);
        await using var store = await test.Stores.CreateDbContextAsync();
        var scores = await store.Scores.Where(s => s.Kind == ScoreKind.NextBestOffer).ToListAsync();
        Assert.DoesNotContain(scores, s => s.Label == "winter-fragrance");
        var offers = await store.Offers.Where(o => o.Kind == OfferKind.Product).ToDictionaryAsync(o => o.Code, o => o.Sku);
        var owned = (await store.PurchasedItems.Select(i => new { i.CustomerId, i.Sku }).ToListAsync()).Select(i => (i.CustomerId, i.Sku)).ToHashSet();
        Assert.DoesNotContain(scores, s => offers.TryGetValue(s.Label!, out var sku) && owned.Contains((s.CustomerId, sku!)));
        Assert.Contains(scores, s => s.ReasonsJson!.Contains("customers who buy", StringComparison.Ordinal));
    }
}
