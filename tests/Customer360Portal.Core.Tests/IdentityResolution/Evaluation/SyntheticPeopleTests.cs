using System.Text;
using System.Text.Json;
using Customer360Portal.Core.IdentityResolution.Evaluation;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Ingestion.Normalisation;

namespace Customer360Portal.Core.Tests.IdentityResolution.Evaluation;

public class SyntheticPeopleTests
{
    private const int Size = 6_000;
    private static readonly IReadOnlyList<SyntheticRecord> Records = SyntheticPeople.Generate(Size, seed: 11).ToList();

    [Fact]
    public void Generate_SameSeed_SameRecordsInTheSameOrder()
    {
        var again = SyntheticPeople.Generate(Size, seed: 11).ToList();
        var other = SyntheticPeople.Generate(Size, seed: 12).Take(100).ToList();

        Assert.Equal(Records, again);
        Assert.NotEqual(Records.Take(100).Select(r => r.ContactJson), other.Select(r => r.ContactJson));
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void Generate_DuplicateShare_IsWithinTwoPercent(double share)
    {
        var records = share == 0.25 ? Records : SyntheticPeople.Generate(Size, seed: 11, share).ToList();

        Assert.Equal(Size, records.Count);
        var people = records.Select(r => r.PersonIndex).Distinct().Count();
        var duplicates = records.Count(r => r.IsDuplicate);
        Assert.InRange((double)(Size - people) / Size, share - 0.02, share + 0.02);
        Assert.Equal(Size - people, duplicates);
        // One original per person, and 1 to 3 extra records per duplicated person.
        Assert.All(records.GroupBy(r => r.PersonIndex), g =>
        {
            Assert.Single(g, r => !r.IsDuplicate);
            Assert.InRange(g.Count(), 1, 4);
        });
        Assert.Equal(Size, records.Select(r => r.ExternalId).Distinct().Count());
    }

    [Fact]
    public void Generate_EveryRecord_PassesIntakeValidation()
    {
        var normaliser = new RecordNormaliser();
        var extra = new SyntheticPeople(Size, seed: 11).Extra(1_000);

        var refused = Records.Concat(extra)
            .Select(r => (r, result: normaliser.Normalise(RecordKinds.Contact, Encoding.UTF8.GetBytes(r.ContactJson))))
            .Where(x => !x.result.IsValid || x.result.Record!.ExternalId != x.r.ExternalId)
            .Select(x => $"{string.Join("; ", x.result.Errors)}: {x.r.ContactJson}")
            .Take(5).ToList();

        Assert.True(refused.Count == 0, string.Join("\n", refused));
    }

    [Fact]
    public void Generate_Records_CarryEveryContactField()
    {
        var originals = Records.Where(r => !r.IsDuplicate).Select(r => Parse(r.ContactJson)).ToList();

        Assert.All(originals, c => Assert.All(new[] { "id", "updatedAt", "firstName", "lastName", "email", "dateOfBirth", "address" },
            field => Assert.True(c.ContainsKey(field), field)));
        Assert.True(originals.Count(c => c.ContainsKey("phone")) > originals.Count / 2, "most people have a phone at this size");
    }

    [Fact]
    public void Generate_Duplicates_MostlyDifferFromTheirOriginal()
    {
        var originals = Records.Where(r => !r.IsDuplicate).ToDictionary(r => r.PersonIndex, r => Identity(r.ContactJson));
        var duplicates = Records.Where(r => r.IsDuplicate).ToList();

        var differing = duplicates.Count(d => Identity(d.ContactJson) != originals[d.PersonIndex]);

        Assert.InRange((double)differing / duplicates.Count, 0.7, 0.99);
    }

    [Fact]
    public void Generate_Duplicates_AreNotNextToTheirOriginal()
    {
        var adjacent = Records.Zip(Records.Skip(1)).Count(pair => pair.First.PersonIndex == pair.Second.PersonIndex);

        Assert.True(adjacent < Size / 200, $"{adjacent} records follow another of the same person");
    }

    [Fact]
    public void Generate_Households_ShareFamilyNameAndAddressWithOtherGivenNames()
    {
        var originals = Records.Where(r => !r.IsDuplicate).Select(r => Parse(r.ContactJson)).ToList();

        var inHouseholds = originals
            .GroupBy(c => (c["lastName"].GetString(), Line(c), c["address"].GetProperty("postcode").GetString()))
            .Where(g => g.Select(c => c["firstName"].GetString()).Distinct().Count() > 1)
            .Sum(g => g.Count());

        Assert.InRange((double)inHouseholds / originals.Count, 0.02, 0.10);
    }

    [Fact]
    public void Generate_DifferentPeople_ShareNames()
    {
        var sharedNames = Records.Where(r => !r.IsDuplicate).Select(r => Parse(r.ContactJson))
            .GroupBy(c => (c["firstName"].GetString(), c["lastName"].GetString()))
            .Count(g => g.Count() > 1);

        Assert.True(sharedNames >= 10, $"{sharedNames} names are shared by more than one person");
    }

    [Fact]
    public void Extra_HalfDuplicatesOfKnownPeople_HalfNewPeople_WithNewIds()
    {
        var people = new SyntheticPeople(Size, seed: 11);
        var extra = people.Extra(400).ToList();

        Assert.Equal(extra, people.Extra(400).ToList());
        Assert.Equal(200, extra.Count(r => r.IsDuplicate && r.PersonIndex < people.PeopleCount));
        Assert.Equal(200, extra.Where(r => !r.IsDuplicate && r.PersonIndex >= people.PeopleCount).Select(r => r.PersonIndex).Distinct().Count());
        Assert.Empty(extra.Select(r => r.ExternalId).Intersect(Records.Select(r => r.ExternalId)));
    }

    private static Dictionary<string, JsonElement> Parse(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    private static string? Line(Dictionary<string, JsonElement> contact) => contact["address"].GetProperty("line1").GetString();

    /// <summary>Everything but the record's own id and time.</summary>
    private static string Identity(string json)
    {
        var contact = Parse(json);
        contact.Remove("id");
        contact.Remove("updatedAt");
        return string.Join("|", contact.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value.GetRawText()}"));
    }
}
