using System.Security.Cryptography;
using System.Text;
using Customer360Portal.Core.DemoData;

namespace Customer360Portal.Cli.Tests.Sync;

/// <summary>
/// What a source holds for a crash test: distinct CRM contact payloads from the demo company plus a few invalid records
/// at fixed places, with what the store must hold afterwards (each record's external id and payload hash).
/// </summary>
public sealed class CrashTestData
{
    public const string NoId = "(none)";

    public List<byte[]> Records { get; } = [];
    /// <summary>Per record: the external id intake will find in it (<see cref="NoId"/> for unparseable lines).</summary>
    public List<string> ExternalIds { get; } = [];
    public int Invalid { get; private set; }

    public int Count => Records.Count;

    /// <param name="invalidEvery">One invalid record after every this many contacts.</param>
    /// <param name="jsonOnly">No cut-off JSON (an API serialises whole objects; a file can hold anything).</param>
    public static CrashTestData Contacts(int count, int seed, int invalidEvery, bool jsonOnly)
    {
        var data = new CrashTestData();
        // MalformedRate 0: the only invalid records are the ones placed here, so the test knows every expected id.
        var company = new DemoCompany(new DemoCompanyOptions { People = count + count / 4 + 10, Seed = seed, MalformedRate = 0 });
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var contacts = 0;
        foreach (var record in company.RecordsFor("crm"))
        {
            if (data.Count >= count) break;
            // Identical lines would be (correctly) counted as duplicates; the test wants duplicates to mean a replay.
            if (!seen.Add(Convert.ToHexStringLower(SHA256.HashData(record.Payload)))) continue;
            data.Add(record.Payload, record.ExternalId!);
            if (++contacts % invalidEvery == 0 && data.Count < count)
            {
                var n = data.Invalid;
                if (jsonOnly || n % 2 == 0)
                    data.Add(Encoding.UTF8.GetBytes($$"""{"id":"BAD-{{n}}","updatedAt":"2026-10-01T09:00:00Z","firstName":"Ann","email":"ann.{{n}}@@example"}"""), $"BAD-{n}");
                else
                    data.Add(Encoding.UTF8.GetBytes($$"""{"id":"CUT-{{n}}","updatedAt":"2026-10-01T0"""), NoId);
                data.Invalid++;
            }
        }
        if (data.Count < count) throw new InvalidOperationException("The demo company gave fewer contacts than asked for.");
        return data;
    }

    private void Add(byte[] payload, string externalId)
    {
        Records.Add(payload);
        ExternalIds.Add(externalId);
    }

    public void WriteJsonLines(string path)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        foreach (var record in Records)
        {
            file.Write(record);
            file.WriteByte((byte)'\n');
        }
    }

    /// <summary>SHA-256 over the sorted payload hashes: equal only if the very same records are stored, each once.</summary>
    public string PayloadChecksum() => Checksum(Records.Select(r => Convert.ToHexStringLower(SHA256.HashData(r))));

    /// <summary>SHA-256 over the sorted external ids.</summary>
    public string IdChecksum() => Checksum(ExternalIds);

    public static string Checksum(IEnumerable<string> values) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", values.Order(StringComparer.Ordinal)))));
}
