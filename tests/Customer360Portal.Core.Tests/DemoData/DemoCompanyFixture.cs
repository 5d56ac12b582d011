using System.Text.Json;
using Customer360Portal.Core.DemoData;

namespace Customer360Portal.Core.Tests.DemoData;

/// <summary>The default demo company (2,000 people), generated once for the tests that read it.</summary>
public sealed class DemoCompanyFixture
{
    public DemoCompany Company { get; } = new();
    public IReadOnlyList<DemoPerson> People { get; }
    public IReadOnlyList<DemoRecord> Records { get; }

    public DemoCompanyFixture()
    {
        People = Company.People().ToList();
        Records = People.SelectMany(p => p.Records).ToList();
    }

    public DemoPerson PersonOf(DemoRecord record) => People[int.Parse(record.PersonId!.AsSpan(1)) - 1];

    public IEnumerable<(DemoPerson Person, DemoRecord Record, JsonElement Json)> Valid(string sourceKey)
    {
        foreach (var person in People)
        {
            foreach (var record in person.Records)
            {
                if (record.SourceKey != sourceKey || record.ExpectedInvalid || record.PersonId is null) continue;
                yield return (person, record, JsonDocument.Parse(record.Payload).RootElement);
            }
        }
    }

    public static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

[CollectionDefinition(Name)]
public sealed class DemoCompanyCollection : ICollectionFixture<DemoCompanyFixture>
{
    public const string Name = "Demo company";
}
