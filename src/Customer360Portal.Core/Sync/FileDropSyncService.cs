using System.Text;
using Customer360Portal.Core.Ingestion;
using Microsoft.Extensions.Logging;

namespace Customer360Portal.Core.Sync;

/// <summary>
/// Watches <c>{Folder}/incoming</c> for JSON-lines files (one record per line; <c>*.jsonl</c> or <c>*.ndjson</c>).
/// Lines are ingested in batches whose checkpoint ("file|line") is committed with them, so a crash resumes at the first
/// line not stored. A finished file moves to <c>done/</c>; a file that cannot be read moves to <c>failed/</c>.
/// A file named after a record kind (<c>ticket-....jsonl</c>) carries that kind; others the source's kind.
/// </summary>
public sealed class FileDropSyncService(SyncSourceOptions source, IntakePipeline pipeline, SourceRegistry registry,
    TimeProvider clock, ILogger<FileDropSyncService> logger) : SourceSyncService(source, registry, clock, logger)
{
    private static readonly string[] Patterns = ["*.jsonl", "*.ndjson"];

    protected override async Task<long> RunPassAsync(CancellationToken cancellationToken)
    {
        var incoming = Directory.CreateDirectory(Path.Combine(Source.Folder!, "incoming")).FullName;
        Directory.CreateDirectory(Path.Combine(Source.Folder!, "done"));
        Directory.CreateDirectory(Path.Combine(Source.Folder!, "failed"));
        long taken = 0;
        foreach (var file in Patterns.SelectMany(p => Directory.EnumerateFiles(incoming, p)).Order(StringComparer.Ordinal))
        {
            var state = await Registry.FindAsync(Source.Key, cancellationToken);
            if (state is null || state.State == Data.Model.SyncState.Paused) break;
            taken += await IngestFileAsync(file, state.Cursor, cancellationToken);
        }
        return taken;
    }

    private async Task<long> IngestFileAsync(string path, string? cursor, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var skip = cursor is not null && cursor.StartsWith(name + "|", StringComparison.Ordinal) && long.TryParse(cursor.AsSpan(name.Length + 1), out var done) ? done : 0;
        var kind = RecordKinds.All.FirstOrDefault(k => name.StartsWith(k + "-", StringComparison.OrdinalIgnoreCase)) ?? Source.RecordKind;
        long line = 0, taken = 0;
        var batch = new List<IncomingRecord>(Source.LinesPerBatch);
        try
        {
            using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: false));
            string? text;
            while ((text = await reader.ReadLineAsync(cancellationToken)) is not null)
            {
                line++;
                if (line <= skip || text.Length == 0) continue;
                batch.Add(new IncomingRecord(Source.Key, kind, Encoding.UTF8.GetBytes(text), Clock.GetUtcNow().UtcDateTime));
                if (batch.Count == Source.LinesPerBatch)
                {
                    await pipeline.IngestAsync(Source.Key, batch, $"{name}|{line}", cancellationToken);
                    taken += batch.Count;
                    batch.Clear();
                }
            }
            await pipeline.IngestAsync(Source.Key, batch, $"{name}|{line}", cancellationToken);
            taken += batch.Count;
        }
        catch (IOException)
        {
            Move(path, "failed");
            throw;
        }
        Move(path, "done");
        return taken;
    }

    private void Move(string path, string folder)
    {
        var target = Path.Combine(Source.Folder!, folder, Path.GetFileName(path));
        if (File.Exists(target)) target = Path.Combine(Source.Folder!, folder, $"{Path.GetFileNameWithoutExtension(path)}-{Guid.NewGuid():N}{Path.GetExtension(path)}");
        File.Move(path, target);
    }
}
