using Customer360Portal.Core.Consent;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Customer360Portal.Core.Tests.Consent;

public class ConsentCheckTests
{
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime;

    private static async Task<long> AddCustomerAsync(TestProfileStore test, CustomerStatus status = CustomerStatus.Active, params ConsentState[] states)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        var customer = new Customer { Status = status, CreatedAt = Now, UpdatedAt = Now };
        store.Customers.Add(customer);
        await store.SaveChangesAsync();
        foreach (var state in states)
        {
            state.CustomerId = customer.Id;
            store.ConsentStates.Add(state);
        }
        await store.SaveChangesAsync();
        return customer.Id;
    }

    private static ConsentState State(ConsentPurpose purpose, ConsentStatus status, DateTime? expires = null) =>
        new() { Purpose = purpose, Status = status, LawfulBasis = LawfulBasis.Consent, UpdatedAt = Now.AddDays(-10), ExpiresAt = expires };

    [Theory]
    [InlineData(ConsentPurpose.EmailMarketing)]
    [InlineData(ConsentPurpose.SmsMarketing)]
    [InlineData(ConsentPurpose.PhoneMarketing)]
    [InlineData(ConsentPurpose.PostMarketing)]
    [InlineData(ConsentPurpose.PartnerSharing)]
    [InlineData(ConsentPurpose.SaleOrSharing)]
    [InlineData(ConsentPurpose.Personalisation)]
    public async Task Check_WithoutAnyRecord_DeniesMarketingAndSharing(ConsentPurpose purpose)
    {
        await using var test = await CoreHost.CreateAsync();
        var id = await AddCustomerAsync(test);

        var decision = await test.Get<ConsentCheck>().CheckAsync(id, purpose);

        Assert.False(decision.Allowed);
        Assert.Equal(ConsentCheck.Reasons.NoRecord, decision.Reason);
    }

    [Fact]
    public async Task Check_AnalyticsWithoutRecord_FollowsTheConfiguredLawfulBasis()
    {
        await using (var test = await CoreHost.CreateAsync())
        {
            var id = await AddCustomerAsync(test);
            Assert.True((await test.Get<ConsentCheck>().CheckAsync(id, ConsentPurpose.Analytics)).Allowed);
        }
        await using (var test = await CoreHost.CreateAsync(b => b.Configuration["Consent:AnalyticsDefaultBasis"] = "Consent"))
        {
            var id = await AddCustomerAsync(test);
            var decision = await test.Get<ConsentCheck>().CheckAsync(id, ConsentPurpose.Analytics);
            Assert.False(decision.Allowed);
            Assert.Equal(ConsentCheck.Reasons.NoRecord, decision.Reason);
        }
    }

    [Fact]
    public async Task Check_GrantedConsent_Allows_UntilItExpires()
    {
        await using var test = await CoreHost.CreateAsync();
        var current = await AddCustomerAsync(test, states: State(ConsentPurpose.EmailMarketing, ConsentStatus.Granted, Now.AddDays(30)));
        var expired = await AddCustomerAsync(test, states: State(ConsentPurpose.EmailMarketing, ConsentStatus.Granted, Now.AddDays(-1)));
        var check = test.Get<ConsentCheck>();

        Assert.True((await check.CheckAsync(current, ConsentPurpose.EmailMarketing)).Allowed);
        Assert.Equal(ConsentCheck.Reasons.Expired, (await check.CheckAsync(expired, ConsentPurpose.EmailMarketing)).Reason);
        // Consent for one channel says nothing about another.
        Assert.False((await check.CheckAsync(current, ConsentPurpose.SmsMarketing)).Allowed);
    }

    [Fact]
    public async Task Filter_MixedAudience_KeepsOnlyConsentedAndCountsTheRestByReason()
    {
        await using var test = await CoreHost.CreateAsync();
        var granted = await AddCustomerAsync(test, states: State(ConsentPurpose.EmailMarketing, ConsentStatus.Granted));
        var withdrawn = await AddCustomerAsync(test, states: State(ConsentPurpose.EmailMarketing, ConsentStatus.Withdrawn));
        var denied = await AddCustomerAsync(test, states: State(ConsentPurpose.EmailMarketing, ConsentStatus.Denied));
        var restricted = await AddCustomerAsync(test, CustomerStatus.Restricted, State(ConsentPurpose.EmailMarketing, ConsentStatus.Granted));
        var merged = await AddCustomerAsync(test, CustomerStatus.Merged, State(ConsentPurpose.EmailMarketing, ConsentStatus.Granted));
        var silent = await AddCustomerAsync(test);

        var result = await test.Get<ConsentCheck>().FilterAsync([granted, withdrawn, denied, restricted, merged, silent, 999_999], ConsentPurpose.EmailMarketing);

        Assert.Equal([granted], result.Allowed);
        Assert.Equal(6, result.SkippedCount);
        Assert.Equal(1, result.SkippedByReason[ConsentCheck.Reasons.Withdrawn]);
        Assert.Equal(1, result.SkippedByReason[ConsentCheck.Reasons.Denied]);
        Assert.Equal(1, result.SkippedByReason[ConsentCheck.Reasons.Restricted]);
        Assert.Equal(1, result.SkippedByReason[ConsentCheck.Reasons.NotActive]);
        Assert.Equal(1, result.SkippedByReason[ConsentCheck.Reasons.NoRecord]);
        Assert.Equal(1, result.SkippedByReason[ConsentCheck.Reasons.Unknown]);
    }

    [Fact]
    public async Task Filter_MoreIdsThanOneQueryTakes_ChecksThemAll()
    {
        await using var test = await CoreHost.CreateAsync();
        var ids = new List<long>();
        for (var i = 0; i < 2_500; i++) ids.Add(i + 1_000_000);
        var granted = await AddCustomerAsync(test, states: State(ConsentPurpose.PostMarketing, ConsentStatus.Granted));
        ids.Add(granted);

        var result = await test.Get<ConsentCheck>().FilterAsync(ids, ConsentPurpose.PostMarketing);

        Assert.Equal([granted], result.Allowed);
        Assert.Equal(2_500, result.SkippedByReason[ConsentCheck.Reasons.Unknown]);
    }

    [Fact]
    public async Task Filter_TensOfThousandsOfIds_DecidesEachAsForAFewIds()
    {
        await using var test = await CoreHost.CreateAsync();
        var granted = await AddCustomerAsync(test, CustomerStatus.Active, State(ConsentPurpose.Personalisation, ConsentStatus.Granted));
        var withdrawn = await AddCustomerAsync(test, CustomerStatus.Active, State(ConsentPurpose.Personalisation, ConsentStatus.Withdrawn));
        var restricted = await AddCustomerAsync(test, CustomerStatus.Restricted, State(ConsentPurpose.Personalisation, ConsentStatus.Granted));
        var otherPurpose = await AddCustomerAsync(test, CustomerStatus.Active, State(ConsentPurpose.EmailMarketing, ConsentStatus.Granted));
        var known = new[] { granted, withdrawn, restricted, otherPurpose };
        // A whole-store pass (churn scoring) asks about everyone at once: here mostly ids of no profile.
        var many = known.Concat(Enumerable.Range(1, 25_000).Select(i => 1_000_000L + i)).ToList();
        var check = test.Get<ConsentCheck>();

        var few = await check.FilterAsync(known, ConsentPurpose.Personalisation);
        var all = await check.FilterAsync(many, ConsentPurpose.Personalisation);

        Assert.Equal([granted], few.Allowed);
        Assert.Equal([granted], all.Allowed);
        Assert.Equal(few.SkippedByReason.OrderBy(p => p.Key), all.SkippedByReason.Where(p => p.Key != ConsentCheck.Reasons.Unknown).OrderBy(p => p.Key));
        Assert.Equal(25_000, all.SkippedByReason[ConsentCheck.Reasons.Unknown]);
        Assert.Equal(1, all.SkippedByReason[ConsentCheck.Reasons.Restricted]);
        Assert.Equal(1, all.SkippedByReason[ConsentCheck.Reasons.Withdrawn]);
        Assert.Equal(1, all.SkippedByReason[ConsentCheck.Reasons.NoRecord]);
    }

    [Fact]
    public async Task DecideEveryone_DirectSqliteAndEfReaders_DecideEveryCaseIdentically()
    {
        await using var test = await CoreHost.CreateAsync();
        // Every profile status × every kind of state (none, each status, expiry none / ahead / past / exactly now, and
        // an expiry stored in a shape EF Core does not write), for every purpose.
        (ConsentStatus Status, DateTime? Expires)?[] cases =
        [
            null, (ConsentStatus.Granted, null), (ConsentStatus.Granted, Now.AddDays(30).AddTicks(1_234_567)), (ConsentStatus.Granted, Now.AddSeconds(-1)),
            (ConsentStatus.Granted, Now), (ConsentStatus.Denied, null), (ConsentStatus.Denied, Now.AddDays(-1)), (ConsentStatus.Withdrawn, Now.AddDays(1)),
        ];
        var purposes = Enum.GetValues<ConsentPurpose>();
        var ids = new List<long>();
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var people = Enum.GetValues<CustomerStatus>().SelectMany(status => cases.Select(_ => new Customer { Status = status, CreatedAt = Now, UpdatedAt = Now })).ToList();
            store.Customers.AddRange(people);
            await store.SaveChangesAsync();
            ids.AddRange(people.Select(p => p.Id));
            foreach (var (person, i) in people.Select((p, i) => (p, i)))
                foreach (var purpose in purposes)
                    // Each purpose sees each case on a different profile.
                    if (cases[(i + (int)purpose) % cases.Length] is { } state)
                        store.ConsentStates.Add(new ConsentState
                        {
                            CustomerId = person.Id, Purpose = purpose, Status = state.Status, LawfulBasis = LawfulBasis.Consent, UpdatedAt = Now.AddDays(-10),
                            ExpiresAt = state.Expires,
                        });
            await store.SaveChangesAsync();
            // Expiries as another writer may have stored them: read as EF reads them.
            await store.Database.ExecuteSqlRawAsync(
                "UPDATE \"ConsentStates\" SET \"ExpiresAt\" = '2026-11-29T11:59:59.5Z' WHERE \"CustomerId\" % 5 = 0 AND \"ExpiresAt\" IS NOT NULL");
        }
        var check = test.Get<ConsentCheck>();
        var seen = new HashSet<string>();

        foreach (var purpose in purposes)
        {
            var direct = await check.DecideEveryoneAsync(purpose, direct: true, CancellationToken.None);
            var ef = await check.DecideEveryoneAsync(purpose, direct: false, CancellationToken.None);

            foreach (var id in ids.Append(999_999))
            {
                Assert.Equal(ef.Of(id), direct.Of(id));
                seen.Add(direct.Of(id).Reason);
            }
            Assert.Equal(ef.Filter(ids).SkippedByReason.OrderBy(p => p.Key), direct.Filter(ids).SkippedByReason.OrderBy(p => p.Key));
        }
        Assert.Equal(typeof(ConsentCheck.Reasons).GetFields().Select(f => (string)f.GetValue(null)!).Order(), seen.Order());
    }
}
