using System.Globalization;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Ingestion.Normalisation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Sync;

/// <summary>
/// Watches <c>{Folder}/incoming</c> for JSON-lines files (one record per line; <c>*.jsonl</c> or <c>*.ndjson</c>) and CSV
/// files (<c>*.csv</c>: a header row of field paths, then one record per row; see <see cref="CsvDropReader"/> and
/// <see cref="CsvShape"/>). Lines or rows are ingested in batches whose checkpoint ("file|length|line", the line or row
/// number) is committed with them, so a crash resumes at the first one not stored. A finished file moves to
/// <c>done/</c>; a file that cannot be read (or a CSV file whose header is unusable) moves to <c>failed/</c>.
/// A file named after a record kind (<c>ticket-....jsonl</c>, <c>contact-....csv</c>) carries that kind; others the source's kind.
/// </summary>
/// <remarks>
/// Files must appear in <c>incoming/</c> whole (written elsewhere, then moved in), as the demo feeder does. The file
/// the checkpoint names is finished first, so a new file cannot overwrite the progress of a half-read one; once a file
/// is in <c>done/</c> the checkpoint is cleared, so a later file of the same name is read from its first line.
/// Pausing the source stops a pass between batches; resuming continues from the checkpoint.
/// </remarks>
public sealed class FileDropSyncService(SyncSourceOptions source, IntakePipeline pipeline, IntakeWriter writer, SourceRegistry registry,
    IOptions<NormalisationOptions> normalisation, TimeProvider clock, ILogger<FileDropSyncService> logger)
    : SourceSyncService(source, registry, clock, logger)
{
    private static readonly string[] Patterns = ["*.jsonl", "*.ndjson", "*.csv"];

    protected override async Task<long> RunPassAsync(CancellationToken cancellationToken)
    {
        var incoming = Directory.CreateDirectory(Path.Combine(Source.Folder!, "incoming")).FullName;
        Directory.CreateDirectory(Path.Combine(Source.Folder!, "done"));
        Directory.CreateDirectory(Path.Combine(Source.Folder!, "failed"));
        long taken = 0;
        while (true)
        {
            var state = await Registry.FindAsync(Source.Key, cancellationToken);
            if (state is null || state.State == Data.Model.SyncState.Paused) return taken;
            var files = Patterns.SelectMany(p => Directory.EnumerateFiles(incoming, p)).Select(Path.GetFileName).OfType<string>()
                .Order(StringComparer.Ordinal).ToList();
            var checkpoint = Checkpoint.Parse(state.Cursor);
            if (checkpoint is not null && !(files.Contains(checkpoint.File, StringComparer.Ordinal) && checkpoint.Length == new FileInfo(Path.Combine(incoming, checkpoint.File)).Length))
            {
                // The file it names left incoming/ (finished or failed) before the checkpoint was cleared, or another
                // file of that name took its place: either way it says nothing about what is in incoming/ now.
                await ClearCheckpointAsync(cancellationToken);
                checkpoint = null;
            }
            if (files.Count == 0) return taken;
            // The half-read file first: its progress lives in the one checkpoint the source has.
            var file = checkpoint?.File ?? files[0];
            var (count, finished) = await IngestFileAsync(Path.Combine(incoming, file), checkpoint?.Line ?? 0, cancellationToken);
            taken += count;
            if (!finished) return taken;
        }
    }

    /// <summary>Ingests one file from the line (or row) after <paramref name="skip"/>; false when a pause stopped it half-way.</summary>
    private async Task<(long Taken, bool Finished)> IngestFileAsync(string path, long skip, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var length = new FileInfo(path).Length;
        var kind = RecordKinds.All.FirstOrDefault(k => name.StartsWith(k + "-", StringComparison.OrdinalIgnoreCase)) ?? Source.RecordKind;
        // One byte over the payload limit is enough for intake to refuse a line as too large.
        var maxLineBytes = normalisation.Value.MaxPayloadBytes == int.MaxValue ? int.MaxValue : normalisation.Value.MaxPayloadBytes + 1;
        long taken = 0, last = skip;
        var batch = new List<DropRecord>(Source.LinesPerBatch);
        try
        {
            await foreach (var record in ReadAsync(path, kind, skip, maxLineBytes, cancellationToken))
            {
                if (record.Number <= skip) continue;
                batch.Add(record);
                last = record.Number;
                if (batch.Count < Source.LinesPerBatch) continue;
                await IngestBatchAsync(kind, batch, new Checkpoint(name, length, last).ToString(), cancellationToken);
                taken += batch.Count;
                batch.Clear();
                var state = await Registry.FindAsync(Source.Key, cancellationToken);
                if (state is null || state.State == Data.Model.SyncState.Paused) return (taken, false);
            }
            if (batch.Count > 0)
                await IngestBatchAsync(kind, batch, new Checkpoint(name, length, last).ToString(), cancellationToken);
            taken += batch.Count;
        }
        catch (IOException)
        {
            Move(path, "failed");
            throw;
        }
        catch (DropFileRejectedException e)
        {
            // Nothing of the file was committed (the header or encoding is checked before the first row).
            Move(path, "failed");
            throw new DropFileRejectedException($"{name} was moved to failed/: {e.Message}.");
        }
        Move(path, "done");
        await ClearCheckpointAsync(cancellationToken);
        return (taken, true);
    }

    /// <summary>A line of a JSON-lines file or a row of a CSV file, numbered as its checkpoint counts it.</summary>
    /// <param name="Problem">Why a CSV row could not be read as a record (a reason without values), or null.</param>
    private readonly record struct DropRecord(long Number, byte[] Payload, string? Problem);

    private static async IAsyncEnumerable<DropRecord> ReadAsync(string path, string kind, long skip, int maxLineBytes,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (string.Equals(Path.GetExtension(path), ".csv", StringComparison.OrdinalIgnoreCase))
        {
            await foreach (var row in CsvDropReader.ReadAsync(path, kind, skip, maxLineBytes, cancellationToken))
                yield return new DropRecord(row.Number, row.Payload, row.Problem);
        }
        else
        {
            await foreach (var line in JsonLinesReader.ReadAsync(path, maxLineBytes, cancellationToken))
                yield return new DropRecord(line.Number, line.Bytes, null);
        }
    }

    /// <summary>
    /// One batch with its checkpoint in one transaction, as <see cref="IntakePipeline.IngestAsync"/> writes it, except
    /// that a CSV row that could not be read is quarantined with the reason why (its payload, the raw row as a JSON
    /// string, would only tell intake that it is not an object).
    /// </summary>
    private Task IngestBatchAsync(string kind, List<DropRecord> batch, string checkpoint, CancellationToken cancellationToken)
    {
        var receivedAt = Clock.GetUtcNow().UtcDateTime;
        var items = new IntakeItem[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var item = pipeline.Prepare(new IncomingRecord(Source.Key, kind, batch[i].Payload, receivedAt));
            items[i] = batch[i].Problem is not { } problem
                ? item
                : item with
                {
                    NormalizedJson = null,
                    OccurredAt = null,
                    Reasons = [problem, .. item.Reasons.Where(r => r != RecordNormaliser.Reasons.NotObject)],
                };
        }
        return writer.WriteAsync(Source.Key, items, checkpoint, cancellationToken);
    }

    /// <summary>An empty batch whose checkpoint is empty: the next file starts at its first line.</summary>
    private Task ClearCheckpointAsync(CancellationToken cancellationToken) =>
        pipeline.IngestAsync(Source.Key, [], "", cancellationToken);

    private void Move(string path, string folder)
    {
        var target = Path.Combine(Source.Folder!, folder, Path.GetFileName(path));
        if (File.Exists(target)) target = Path.Combine(Source.Folder!, folder, $"{Path.GetFileNameWithoutExtension(path)}-{Guid.NewGuid():N}{Path.GetExtension(path)}");
        File.Move(path, target);
    }

    /// <summary>
    /// "file|length|line": the last line (JSON lines) or data row (CSV, counted after the header) of the file whose
    /// record is committed. The length tells a file from a later one of the same name (files arrive whole, so a file's
    /// length does not change while it is in incoming/).
    /// </summary>
    internal sealed record Checkpoint(string File, long Length, long Line)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}|{Length}|{Line}");

        public static Checkpoint? Parse(string? cursor)
        {
            if (string.IsNullOrEmpty(cursor)) return null;
            var lineBar = cursor.LastIndexOf('|');
            var lengthBar = lineBar > 0 ? cursor.LastIndexOf('|', lineBar - 1) : -1;
            return lengthBar > 0
                && long.TryParse(cursor.AsSpan(lengthBar + 1, lineBar - lengthBar - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                && long.TryParse(cursor.AsSpan(lineBar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var line)
                ? new Checkpoint(cursor[..lengthBar], length, line)
                : null;
        }
    }
}
