using Customer360Portal.Core.Consent;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.Consent;

/// <summary>The demo company sends real consent (CRM consent objects, the cookie banner, unsubscribes) and it reaches the ledger.</summary>
public class DemoConsentTests
{
    [Fact]
    public async Task DemoCompany_ConsentReachesTheLedgerFromEverySource()
    {
        await using var test = await CoreHost.CreateAsync();
        var company = new DemoCompany(new DemoCompanyOptions { People = 150 });
        foreach (var source in DemoSources.All)
            await test.Get<SourceRegistry>().EnsureSourceAsync(source.Key, source.DisplayName, source.Kind, source.Connector, trustRank: source.TrustRank);
        var records = company.People().SelectMany(p => p.Records).OrderBy(r => r.At).ToList();
        foreach (var group in records.GroupBy(r => r.SourceKey))
            await test.Get<IntakePipeline>().IngestAsync(group.Key, group.Select(r => r.ToIncoming()).ToList());
        await test.Get<ProfileProjection>().CatchUpAsync();

        await using var store = await test.Stores.CreateDbContextAsync();
        var bySource = await store.ConsentEvents.GroupBy(e => e.SourceKey).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        Assert.True(bySource.GetValueOrDefault(DemoSources.Crm.Key) > 100, $"crm: {bySource.GetValueOrDefault(DemoSources.Crm.Key)}");
        Assert.True(bySource.GetValueOrDefault(DemoSources.Web.Key) > 50, $"web: {bySource.GetValueOrDefault(DemoSources.Web.Key)}");
        Assert.True(await store.ConsentEvents.AllAsync(e => e.SourceRecordId != null && e.OriginCustomerId != null));
        // Every state points at a ledger row of its profile and purpose.
        Assert.False(await store.ConsentStates.AnyAsync(s => !store.ConsentEvents.Any(e => e.Id == s.LastEventId && e.CustomerId == s.CustomerId && e.Purpose == s.Purpose)));
        var rates = await test.Get<ConsentLedger>().RatesAsync();
        Assert.Contains(rates, r => r.Purpose == ConsentPurpose.EmailMarketing && r.Granted > 0 && r.Denied > 0);
    }
}
