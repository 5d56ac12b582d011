using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Ingestion.Normalisation;

namespace Customer360Portal.Core.Tests.DemoData;

/// <summary>The demo data and intake agree: every record intake should take normalises, every malformed one is refused.</summary>
[Collection(DemoCompanyCollection.Name)]
public class DemoIntakeContractTests(DemoCompanyFixture demo)
{
    private static IEnumerable<string> Disagreements(IEnumerable<DemoRecord> records, RecordNormaliser normaliser) =>
        records.Select(r => (r, result: normaliser.Normalise(r.ToIncoming())))
            .Where(x => x.result.IsValid == x.r.ExpectedInvalid)
            .Select(x => x.r.ExpectedInvalid
                ? $"accepted ({x.r.InvalidReason}): {System.Text.Encoding.UTF8.GetString(x.r.Payload)}"
                : $"refused ({string.Join("; ", x.result.Errors)}): {System.Text.Encoding.UTF8.GetString(x.r.Payload)}");

    [Fact]
    public void Normalise_DemoHistory_AcceptsTheValidAndRefusesTheMalformed()
    {
        var normaliser = new RecordNormaliser(new NormalisationOptions { Now = demo.Company.Now });
        var disagreements = Disagreements(demo.Records, normaliser).Take(5).ToList();
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    [Fact]
    public void Normalise_LiveStream_AcceptsTheValidAndRefusesTheMalformed()
    {
        var live = demo.Company.LiveStream(demo.Company.Now, demo.Company.Now.AddHours(6)).ToList();
        var normaliser = new RecordNormaliser(new NormalisationOptions { Now = demo.Company.Now.AddHours(6) });
        var disagreements = Disagreements(live, normaliser).Take(5).ToList();
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    [Fact]
    public void Normalise_DemoRecords_KeepTheTruthfulEmailAndPhone()
    {
        var normaliser = new RecordNormaliser(new NormalisationOptions { Now = demo.Company.Now });
        foreach (var person in demo.People.Take(300))
        {
            foreach (var record in person.Records.Where(r => !r.ExpectedInvalid && r.PersonId is not null && r.SourceKey == DemoSources.Email.Key))
                Assert.Equal(person.Email, normaliser.Normalise(record.ToIncoming()).Record!.Email);
            foreach (var record in person.Records.Where(r => !r.ExpectedInvalid && r.PersonId is not null))
            {
                var phone = normaliser.Normalise(record.ToIncoming()).Record!.Phone;
                if (phone is not null) Assert.Equal(person.Phone, phone);
            }
        }
    }
}
