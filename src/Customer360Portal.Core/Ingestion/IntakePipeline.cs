using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Customer360Portal.Core.Ingestion.Normalisation;

namespace Customer360Portal.Core.Ingestion;

/// <summary>Totals of a streamed ingest.</summary>
public sealed record StreamOutcome(long Received, long Stored, long Duplicates, long Quarantined, long Suppressed = 0);

/// <summary>
/// Intake: validate and normalise each record, then hand batches to the single writer. Every record ends up stored,
/// quarantined with its reasons, or counted as a duplicate; nothing is dropped.
/// </summary>
public sealed class IntakePipeline(RecordNormaliser normaliser, IntakeWriter writer, Privacy.SuppressionList suppressions)
{
    /// <summary>Largest payload kept whole in quarantine; a larger one is kept truncated (its reason says so).</summary>
    private const int QuarantinePayloadLimit = 64 * 1024;

    public IntakeItem Prepare(IncomingRecord record)
    {
        var payload = record.Payload.Span;
        var hash = Convert.ToHexStringLower(SHA256.HashData(payload));
        var result = normaliser.Normalise(record.Kind, payload);
        if (result.Record is { } normalised)
        {
            return new IntakeItem(record.Kind, normalised.ExternalId, Encoding.UTF8.GetString(payload), hash,
                JsonSerializer.Serialize(normalised, IntakeJson.Storage.NormalisedRecord), normalised.OccurredAt, [], suppressions.HashesOf(normalised));
        }
        var kept = payload.Length <= QuarantinePayloadLimit ? payload : payload[..QuarantinePayloadLimit];
        return new IntakeItem(Truncate(record.Kind, 64), result.ExternalId, Encoding.UTF8.GetString(kept), hash, null, null, result.Errors);
    }

    /// <summary>Writes items prepared with <see cref="Prepare"/> (the caller keeps them to report per-record reasons).</summary>
    public Task<BatchOutcome> WriteAsync(string sourceKey, IReadOnlyList<IntakeItem> items, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(sourceKey, items, cursor: null, cancellationToken);

    /// <summary>One batch (an API call, a page, a file chunk) in one transaction together with the source's checkpoint.</summary>
    public Task<BatchOutcome> IngestAsync(string sourceKey, IReadOnlyList<IncomingRecord> records, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var items = new IntakeItem[records.Count];
        for (var i = 0; i < records.Count; i++) items[i] = Prepare(records[i]);
        return writer.WriteAsync(sourceKey, items, cursor, cancellationToken);
    }

    /// <summary>
    /// A long stream (backfill, benchmark): one thread validates and normalises while the writer commits the previous
    /// batch, so parsing and writing use both cores. <paramref name="cursorOf"/> gives the checkpoint after a record.
    /// </summary>
    public async Task<StreamOutcome> IngestStreamAsync(string sourceKey, IEnumerable<IncomingRecord> records, int batchSize = 5_000,
        Func<IncomingRecord, string?>? cursorOf = null, CancellationToken cancellationToken = default)
    {
        var batches = Channel.CreateBounded<(IntakeItem[] Items, string? Cursor)>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(async () =>
        {
            try
            {
                var batch = new List<IntakeItem>(batchSize);
                IncomingRecord? last = null;
                foreach (var record in records)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    batch.Add(Prepare(record));
                    last = record;
                    if (batch.Count == batchSize)
                    {
                        await batches.Writer.WriteAsync((batch.ToArray(), cursorOf?.Invoke(last)), cancellationToken);
                        batch.Clear();
                    }
                }
                if (batch.Count > 0)
                    await batches.Writer.WriteAsync((batch.ToArray(), last is null ? null : cursorOf?.Invoke(last)), cancellationToken);
                batches.Writer.Complete();
            }
            catch (Exception e)
            {
                batches.Writer.Complete(e);
            }
        }, cancellationToken);

        long received = 0, stored = 0, duplicates = 0, quarantined = 0, suppressed = 0;
        await foreach (var (items, cursor) in batches.Reader.ReadAllAsync(cancellationToken))
        {
            var outcome = await writer.WriteAsync(sourceKey, items, cursor, cancellationToken);
            received += items.Length;
            stored += outcome.Stored;
            duplicates += outcome.Duplicates;
            quarantined += outcome.Quarantined;
            suppressed += outcome.Suppressed;
        }
        await producer;
        return new StreamOutcome(received, stored, duplicates, quarantined, suppressed);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>Source-generated JSON for the normalised form stored with each source record.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(NormalisedRecord))]
public sealed partial class IntakeJson : JsonSerializerContext
{
    /// <summary>
    /// For storage: no HTML-safe escaping, so "+44..." and non-Latin names stay readable and compact in the store
    /// (the default encoder would write "\u002B44..."). Never embed this output in HTML unencoded.
    /// </summary>
    public static IntakeJson Storage { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
