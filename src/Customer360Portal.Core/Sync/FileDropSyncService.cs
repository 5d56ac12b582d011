using System.Globalization;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Ingestion.Normalisation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Sync;

/// <summary>
/// Watches <c>{Folder}/incoming</c> for JSON-lines files (one record per line; <c>*.jsonl</c> or <c>*.ndjson</c>).
/// Lines are ingested in batches whose checkpoint ("file|length|line") is committed with them, so a crash resumes at the first
/// line not stored. A finished file moves to <c>done/</c>; a file that cannot be read moves to <c>failed/</c>.
/// A file named after a record kind (<c>ticket-....jsonl</c>) carries that kind; others the source's kind.
/// </summary>
/// <remarks>
/// Files must appear in <c>incoming/</c> whole (written elsewhere, then moved in), as the demo feeder does. The file
/// the checkpoint names is finished first, so a new file cannot overwrite the progress of a half-read one; once a file
/// is in <c>done/</c> the checkpoint is cleared, so a later file of the same name is read from its first line.
/// Pausing the source stops a pass between batches; resuming continues from the checkpoint.
/// </remarks>
public sealed class FileDropSyncService(SyncSourceOptions source, IntakePipeline pipeline, SourceRegistry registry,
    IOptions<NormalisationOptions> normalisation, TimeProvider clock, ILogger<FileDropSyncService> logger)
    : SourceSyncService(source, registry, clock, logger)
{
    private static readonly string[] Patterns = ["*.jsonl", "*.ndjson"];

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

    /// <summary>Ingests one file from the line after <paramref name="skip"/>; false when a pause stopped it half-way.</summary>
    private async Task<(long Taken, bool Finished)> IngestFileAsync(string path, long skip, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var length = new FileInfo(path).Length;
        var kind = RecordKinds.All.FirstOrDefault(k => name.StartsWith(k + "-", StringComparison.OrdinalIgnoreCase)) ?? Source.RecordKind;
        // One byte over the payload limit is enough for intake to refuse a line as too large.
        var maxLineBytes = normalisation.Value.MaxPayloadBytes == int.MaxValue ? int.MaxValue : normalisation.Value.MaxPayloadBytes + 1;
        long taken = 0, last = skip;
        var batch = new List<IncomingRecord>(Source.LinesPerBatch);
        try
        {
            await foreach (var line in JsonLinesReader.ReadAsync(path, maxLineBytes, cancellationToken))
            {
                if (line.Number <= skip) continue;
                batch.Add(new IncomingRecord(Source.Key, kind, line.Bytes, Clock.GetUtcNow().UtcDateTime));
                last = line.Number;
                if (batch.Count < Source.LinesPerBatch) continue;
                await pipeline.IngestAsync(Source.Key, batch, new Checkpoint(name, length, last).ToString(), cancellationToken);
                taken += batch.Count;
                batch.Clear();
                var state = await Registry.FindAsync(Source.Key, cancellationToken);
                if (state is null || state.State == Data.Model.SyncState.Paused) return (taken, false);
            }
            if (batch.Count > 0)
                await pipeline.IngestAsync(Source.Key, batch, new Checkpoint(name, length, last).ToString(), cancellationToken);
            taken += batch.Count;
        }
        catch (IOException)
        {
            Move(path, "failed");
            throw;
        }
        Move(path, "done");
        await ClearCheckpointAsync(cancellationToken);
        return (taken, true);
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
    /// "file|length|line": the last line of the file whose record is committed. The length tells a file from a later
    /// one of the same name (files arrive whole, so a file's length does not change while it is in incoming/).
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
