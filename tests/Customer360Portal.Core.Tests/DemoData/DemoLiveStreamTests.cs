using System.Text.Json;
using Customer360Portal.Core.DemoData;

namespace Customer360Portal.Core.Tests.DemoData;

public class DemoLiveStreamTests
{
    private static readonly DemoCompany Company = new(new DemoCompanyOptions { People = 500 });

    private static List<DemoRecord> Hours(double hours, DateTime? from = null) =>
        Company.LiveStream(from ?? Company.Now, Company.Now.AddHours(hours)).ToList();

    [Fact]
    public void LiveStream_IsDeterministic()
    {
        var a = Hours(2);
        var b = new DemoCompany(Company.Options).LiveStream(Company.Now, Company.Now.AddHours(2)).ToList();
        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++) Assert.True(a[i].Payload.AsSpan().SequenceEqual(b[i].Payload));
    }

    [Fact]
    public void LiveStream_TricklesAtTheConfiguredRate_InTimeOrder_AfterNow()
    {
        var records = Hours(6);
        Assert.InRange(records.Count, 6 * 240 * 0.8, 6 * 240 * 1.6); // an order or a visit may bring a second record
        Assert.All(records, r => Assert.True(r.At >= Company.Now));
        for (var i = 1; i < records.Count; i++) Assert.True(records[i - 1].At <= records[i].At);
        Assert.Equal(DemoSources.All.Select(s => s.Key).Order(), records.Select(r => r.SourceKey).Distinct().Order());
    }

    [Fact]
    public void LiveStream_StartingLater_YieldsTheTail()
    {
        var from = Company.Now.AddMinutes(37).AddSeconds(13);
        var all = Hours(2);
        var tail = Hours(2, from);
        Assert.Equal(all.Where(r => r.At >= from).Select(r => r.ExternalId), tail.Select(r => r.ExternalId));
    }

    [Fact]
    public void LiveStream_IsAboutExistingPeople_WithNewIds()
    {
        var records = Hours(3);
        var people = Enumerable.Range(0, Company.PeopleCount).Select(DemoCompany.PersonIdOf).ToHashSet();
        Assert.All(records, r => Assert.Contains(r.PersonId!, people));
        var historicOrders = Company.RecordsFor(DemoSources.Shop.Key).Select(r => r.ExternalId).ToHashSet();
        var liveOrders = records.Where(r => r.SourceKey == DemoSources.Shop.Key && r.ExternalId is not null).ToList();
        Assert.NotEmpty(liveOrders);
        Assert.All(liveOrders, r => Assert.DoesNotContain(r.ExternalId, historicOrders));
        Assert.All(records.Where(r => !r.ExpectedInvalid), r => Assert.Empty(RecordSpec.Problems(r, r.At)));
        var placed = liveOrders.Where(r => !r.ExpectedInvalid).Select(r => JsonDocument.Parse(r.Payload).RootElement.GetProperty("status").GetString());
        Assert.All(placed, s => Assert.Equal("placed", s));
    }

    [Fact]
    public void LiveStream_Endless_CanBeTaken()
    {
        var first = Company.LiveStream(Company.Now.AddDays(30)).Take(50).ToList();
        Assert.Equal(50, first.Count);
        Assert.All(first, r => Assert.True(r.At >= Company.Now.AddDays(30)));
    }
}
