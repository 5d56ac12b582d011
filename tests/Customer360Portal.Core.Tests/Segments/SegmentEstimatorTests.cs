using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Segments;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Tests.Segments;

/// <summary>The live size: exact on small stores, sampled with a 95% interval on large ones, consent per channel, masked preview.</summary>
public class SegmentEstimatorTests
{
    private static readonly SegmentRule Londoners = SegmentRuleJson.Parse(
        """{ "type": "group", "combinator": "all", "rules": [ { "type": "field", "field": "city", "operator": "equals", "values": ["London"] } ] }""");

    [Fact]
    public async Task Estimate_SmallStore_IsExactWithSizesPerChannelAndWhyOthersAreLeftOut()
    {
        var world = await SegmentWorld.CreateAsync();
        await using var _ = world.Test;
        await world.AddAsync("Granted", c => c.City = "London");
        await world.AddAsync("Withdrawn", c => c.City = "London");
        await world.AddAsync("Silent", c => c.City = "London");
        await world.AddAsync("NoEmail", c => { c.City = "London"; c.Email = null; c.Phone = "+447700900123"; });
        await world.AddAsync("Parisian", c => c.City = "Paris");
        await world.AddConsentAsync("Granted", ConsentPurpose.EmailMarketing, ConsentStatus.Granted);
        await world.AddConsentAsync("Withdrawn", ConsentPurpose.EmailMarketing, ConsentStatus.Withdrawn);
        await world.AddConsentAsync("NoEmail", ConsentPurpose.EmailMarketing, ConsentStatus.Granted);
        await world.AddConsentAsync("NoEmail", ConsentPurpose.SmsMarketing, ConsentStatus.Granted);

        var estimate = await world.Test.Get<SegmentEstimator>().EstimateAsync(Londoners, ProfileMasking.ForRoles([PortalRoles.Marketer]));

        Assert.False(estimate.Sampled);
        Assert.Equal(SizeFigure.Exact(4), estimate.Size);
        var email = estimate.Channels.Single(c => c.Purpose == ConsentPurpose.EmailMarketing);
        Assert.Equal(1, email.Size.Value);
        Assert.Equal(1, email.LeftOutByReason[ConsentCheck.Reasons.Withdrawn]);
        Assert.Equal(1, email.LeftOutByReason[ConsentCheck.Reasons.NoRecord]);
        Assert.Equal(1, email.LeftOutByReason[ConsentedExport.NoContactDetails]);
        Assert.Equal(1, estimate.Channels.Single(c => c.Purpose == ConsentPurpose.SmsMarketing).Size.Value);
        Assert.Equal(SegmentWorld.Now, estimate.ComputedAt);
        Assert.Equal(SegmentWorld.Now.AddDays(-1), estimate.DataAsOf);
        Assert.Equal(4, estimate.Preview.Count);
        Assert.DoesNotContain(estimate.Preview, p => p.Email is { } e && e.Contains("granted@example.com"));
        Assert.Contains(estimate.Preview, p => p.Name == "Granted Test" && p.Email is { Length: > 0 });
    }

    [Fact]
    public async Task Estimate_AboveTheExactLimit_SaysItIsSampledAndItsIntervalHoldsTheTrueSize()
    {
        var world = await SegmentWorld.CreateAsync(o => { o.ExactUpTo = 10; o.SampleSize = 100; });
        await using var _ = world.Test;
        await using (var store = await world.Test.Stores.CreateDbContextAsync())
        {
            // 400 profiles, every fourth a Londoner: 100 in truth.
            for (var i = 0; i < 400; i++)
                store.Customers.Add(new Customer { GivenName = $"P{i}", Status = CustomerStatus.Active, City = i % 4 == 0 ? "London" : "Leeds",
                    CreatedAt = SegmentWorld.Now, UpdatedAt = SegmentWorld.Now });
            await store.SaveChangesAsync();
        }

        var estimate = await world.Test.Get<SegmentEstimator>().EstimateAsync(Londoners, ProfileMasking.ForRoles([PortalRoles.Marketer]));

        Assert.True(estimate.Sampled);
        Assert.InRange(estimate.SampleSize, 60, 140);
        Assert.Equal(1_000, estimate.IdSpace); // the highest id rounded up (at least 1,000): new profiles do not change the sample
        Assert.InRange(100, estimate.Size.Low, estimate.Size.High);
        Assert.True(estimate.Size.High > estimate.Size.Low);
        // The sample is fixed: the same rules give the same figure.
        var again = await world.Test.Get<SegmentEstimator>().EstimateAsync(Londoners, ProfileMasking.ForRoles([PortalRoles.Marketer]));
        Assert.Equal(estimate.Size, again.Size);
    }

    [Theory]
    [InlineData(0, 1000, 0, 0, 3)] // nothing seen: still an upper bound above zero
    [InlineData(500, 1000, 100_000, 46_900, 53_100)]
    public void Scale_GivesA95PercentWilsonInterval(int matched, int sample, long space, int low, int high)
    {
        var size = SegmentEstimator.Scale(matched, sample, space == 0 ? 1000 : space);
        Assert.Equal(matched * (space == 0 ? 1 : space / sample), size.Value);
        Assert.InRange(size.Low, low - 100, low + 100);
        Assert.InRange(size.High, high - 100, high + 100);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1_000)]
    [InlineData(1_000, 1_000)]
    [InlineData(1_001, 2_000)]
    [InlineData(999_123, 1_000_000)]
    [InlineData(1_000_001, 1_010_000)]
    public void IdSpace_RoundsUpToTheNextPercent(long maxId, long expected) => Assert.Equal(expected, SegmentEstimator.IdSpace(maxId));
}
