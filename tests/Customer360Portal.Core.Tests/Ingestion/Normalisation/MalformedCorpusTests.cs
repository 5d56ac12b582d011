using System.Text.Json;
using System.Text.RegularExpressions;
using Customer360Portal.Core.Ingestion.Normalisation;
using static Customer360Portal.Core.Tests.Ingestion.Normalisation.NormalisationTestKit;

namespace Customer360Portal.Core.Tests.Ingestion.Normalisation;

public partial class MalformedCorpusTests
{
    private static readonly IReadOnlyList<CorpusRecord> Malformed = MalformedCorpus.Records();
    private static readonly IReadOnlyList<CorpusRecord> Oddities = MalformedCorpus.ValidOddities();

    [GeneratedRegex(@"^[^:\p{C}]+: [^\p{C}]+$")]
    private static partial Regex ReasonShape();

    public static TheoryData<int, string> MalformedCases() => Cases(Malformed);

    public static TheoryData<int, string> OddButValidCases() => Cases(Oddities);

    private static TheoryData<int, string> Cases(IReadOnlyList<CorpusRecord> corpus)
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < corpus.Count; i++) data.Add(i, corpus[i].Description);
        return data;
    }

    [Fact]
    public void Records_Built_HasAtLeast200DistinctEntries()
    {
        Assert.True(Malformed.Count >= 200, $"only {Malformed.Count} records");
        Assert.Equal(Malformed.Count, Malformed.Select(r => r.Description).Distinct().Count());
        Assert.Equal(Oddities.Count, Oddities.Select(r => r.Description).Distinct().Count());
    }

    [Fact]
    public void Records_BuiltTwice_AreIdentical()
    {
        var again = MalformedCorpus.Records();
        Assert.Equal(Malformed.Count, again.Count);
        for (int i = 0; i < again.Count; i++)
        {
            Assert.Equal(Malformed[i].Kind, again[i].Kind);
            Assert.Equal(Malformed[i].Payload, again[i].Payload);
        }
    }

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void Normalise_MalformedRecord_IsRefusedWithReasons(int index, string description)
    {
        var record = Malformed[index];

        var result = Normaliser.Normalise(record.Kind, record.Payload);

        Assert.False(result.IsValid, $"accepted: {description}");
        Assert.Null(result.Record);
        Assert.NotEmpty(result.Errors);
        foreach (var reason in result.Errors)
        {
            Assert.Matches(ReasonShape(), reason);
            Assert.True(reason.Length < 200, reason);
        }
        // The safety net is for bugs, not for input: every hostile record must get a specific reason.
        Assert.DoesNotContain(RecordNormaliser.Reasons.CouldNotProcess, result.Errors);
        if (result.ExternalId is { } externalId)
        {
            Assert.InRange(externalId.Length, 1, 200);
            Assert.DoesNotMatch(@"\p{C}", externalId);
        }
    }

    [Theory]
    [MemberData(nameof(OddButValidCases))]
    public void Normalise_OddButValidRecord_IsAccepted(int index, string description)
    {
        var record = Oddities[index];

        var result = Normaliser.Normalise(record.Kind, record.Payload);

        Assert.True(result.IsValid, $"{description}: " + string.Join(" | ", result.Errors));
        Assert.Empty(result.Errors);
        Assert.Equal(record.Kind, result.Record!.Kind);
        Assert.Equal(DateTimeKind.Utc, result.Record.OccurredAt.Kind);
    }

    [Fact]
    public void Normalise_CorpusWithTheRealClockAndDefaultOptions_GivesTheSameVerdicts()
    {
        var normaliser = new RecordNormaliser();

        Assert.All(Malformed, r => Assert.False(normaliser.Normalise(r.Kind, r.Payload).IsValid, r.Description));
        Assert.All(Oddities, r => Assert.True(normaliser.Normalise(r.Kind, r.Payload).IsValid, r.Description));
    }

    [Fact]
    public void Normalise_CorpusOnManyThreads_GivesTheSameResultsAsOnOne()
    {
        var all = Malformed.Concat(Oddities).ToArray();
        var sequential = all.Select(r => Describe(Normaliser.Normalise(r.Kind, r.Payload))).ToArray();

        var parallel = new string[all.Length * 4];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var r = all[i % all.Length];
            parallel[i] = Describe(Normaliser.Normalise(r.Kind, r.Payload));
        });

        for (int i = 0; i < parallel.Length; i++) Assert.Equal(sequential[i % all.Length], parallel[i]);
    }

    [Fact]
    public void Normalise_MalformedRecords_ReasonsNeverQuoteAStringFromThePayload()
    {
        foreach (var record in Malformed)
        {
            var reasons = Normaliser.Normalise(record.Kind, record.Payload).Errors;
            foreach (var value in StringValues(record.Payload))
            {
                foreach (var reason in reasons)
                {
                    Assert.False(reason.Contains(value, StringComparison.OrdinalIgnoreCase),
                        $"{record.Description}: reason \"{reason}\" quotes a payload value");
                }
            }
        }
    }

    private static string Describe(Customer360Portal.Core.Ingestion.NormalisationResult result) =>
        result.IsValid ? "valid " + JsonSerializer.Serialize(result.Record) : "invalid " + result.ExternalId + " " + string.Join("|", result.Errors);

    /// <summary>String values (not property names) of six or more characters, where the payload parses at all.</summary>
    private static List<string> StringValues(byte[] payload)
    {
        var values = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 100_000 });
            Collect(document.RootElement, values);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // Unparsable payloads get payload-level reasons, which carry no value by construction.
        }
        return values;
    }

    private static void Collect(JsonElement element, List<string> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject()) Collect(property.Value, values);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Collect(item, values);
                break;
            case JsonValueKind.String:
                var text = element.GetString()!.Trim();
                if (text.Length >= 6) values.Add(text);
                break;
        }
    }
}
