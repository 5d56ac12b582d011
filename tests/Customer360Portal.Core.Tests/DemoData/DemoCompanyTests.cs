using System.Security.Cryptography;
using Customer360Portal.Core.DemoData;

namespace Customer360Portal.Core.Tests.DemoData;

public class DemoCompanyTests
{
    private static DemoCompany Small(int seed = 360, int people = 300) => new(new DemoCompanyOptions { Seed = seed, People = people });

    private static string Digest(IEnumerable<DemoRecord> records)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var r in records)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{r.SourceKey}|{r.Kind}|{r.PersonId}|{r.At.Ticks}|{r.ExternalId}|{r.ExpectedInvalid}|"));
            hash.AppendData(r.Payload);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    [Fact]
    public void Records_SameSeedAndSize_AreByteIdentical()
    {
        Assert.Equal(Digest(Small().Records()), Digest(Small().Records()));
    }

    [Fact]
    public void Records_DifferentSeed_Differ()
    {
        var a = Small(seed: 1).Records().Take(200).ToList();
        var b = Small(seed: 2).Records().Take(200).ToList();
        Assert.NotEqual(Digest(a), Digest(b));
        Assert.NotEqual(Small(seed: 1).Person(0).Email, Small(seed: 2).Person(0).Email);
    }

    [Fact]
    public void Person_SlicesConcatenated_EqualTheStream()
    {
        var company = Small();
        var sliced = Enumerable.Range(0, company.PeopleCount).SelectMany(i => company.Person(i).Records);
        Assert.Equal(Digest(company.Records()), Digest(sliced));
    }

    [Fact]
    public void Person_InAnyOrder_IsTheSame()
    {
        var company = Small();
        var forwards = Enumerable.Range(0, 60).Select(i => Digest(company.Person(i).Records)).ToList();
        var backwards = Enumerable.Range(0, 60).Reverse().Select(i => Digest(new DemoCompany(company.Options).Person(i).Records)).Reverse().ToList();
        Assert.Equal(forwards, backwards);
    }

    [Fact]
    public void Person_DoesNotDependOnCompanySize()
    {
        // Household pairs never straddle a block of 20, so people before the last block are the same at any size.
        var small = Small(people: 200);
        var large = Small(people: 2_000);
        for (var i = 0; i < 180; i++)
            Assert.Equal(Digest(small.Person(i).Records), Digest(large.Person(i).Records));
    }

    [Fact]
    public void RecordsFor_EachSource_EqualsTheMixedStreamFiltered()
    {
        var company = Small();
        var all = company.Records().ToList();
        foreach (var source in DemoSources.All)
        {
            var alone = company.RecordsFor(source.Key).ToList();
            Assert.NotEmpty(alone);
            Assert.All(alone, r => Assert.Equal(source.RecordKind, r.Kind));
            Assert.Equal(Digest(all.Where(r => r.SourceKey == source.Key)), Digest(alone));
        }
    }

    [Fact]
    public void RecordsFor_UnknownSource_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Small().RecordsFor("fax").ToList());
    }

    [Fact]
    public void Records_Range_EqualsThoseSlices()
    {
        var company = Small();
        var expected = Enumerable.Range(100, 50).SelectMany(i => company.Person(i).Records);
        Assert.Equal(Digest(expected), Digest(company.Records(100, 150)));
    }

    [Fact]
    public void Records_StreamsLazily_WithoutGeneratingEveryone()
    {
        // A million people: taking the first records must not build the rest.
        var company = new DemoCompany(new DemoCompanyOptions { People = 1_000_000 });
        var first = company.Records().Take(1_000).ToList();
        Assert.Equal(1_000, first.Count);
        Assert.Equal(Digest(first), Digest(new DemoCompany(new DemoCompanyOptions { People = 1_000_000 }).Records().Take(1_000)));
        var late = company.Person(999_999);
        Assert.Equal("P1000000", late.PersonId);
    }

    [Fact]
    public void ForRecords_GivesAtLeastThatManyRecords()
    {
        var options = DemoCompanyOptions.ForRecords(20_000, seed: 7);
        Assert.Equal(7, options.Seed);
        Assert.True(new DemoCompany(options).Records().Take(20_000).Count() == 20_000);
    }

    [Fact]
    public void Person_RecordsAreInTimeOrder()
    {
        var company = Small();
        for (var i = 0; i < company.PeopleCount; i++)
        {
            var records = company.Person(i).Records;
            for (var k = 1; k < records.Count; k++) Assert.True(records[k - 1].At <= records[k].At);
        }
    }

    [Fact]
    public void Options_OutOfRange_AreRefused()
    {
        Assert.ThrowsAny<Exception>(() => new DemoCompany(new DemoCompanyOptions { People = 0 }));
        Assert.ThrowsAny<Exception>(() => new DemoCompany(new DemoCompanyOptions { MalformedRate = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Small().Person(300));
    }

    [Fact]
    public void PersonIdOf_IsStableAndPadded()
    {
        Assert.Equal("P000001", DemoCompany.PersonIdOf(0));
        Assert.Equal("P000124", DemoCompany.PersonIdOf(123));
        Assert.Equal("P1000000", DemoCompany.PersonIdOf(999_999));
    }

    [Fact]
    public void ToIncoming_CarriesSourceKindPayloadAndTime()
    {
        var record = Small().Person(0).Records[0];
        var incoming = record.ToIncoming();
        Assert.Equal(record.SourceKey, incoming.SourceKey);
        Assert.Equal(record.Kind, incoming.Kind);
        Assert.Equal(record.At, incoming.ReceivedAt);
        Assert.True(incoming.Payload.Span.SequenceEqual(record.Payload));
    }
}
