using System.Runtime.CompilerServices;
using System.Text.Unicode;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;

namespace Customer360Portal.Core.Sync;

/// <summary>
/// Reads a CSV file (RFC 4180, comma-separated, UTF-8 with or without a byte order mark, CRLF or LF) with CsvHelper:
/// the first row is the header (see <see cref="CsvShape"/>), every later row one record. Rows are numbered from 1
/// after the header, in the same way on every read of the same file, so a checkpoint row number resumes exactly.
/// Completely blank rows (no line, or only empty cells) are passed over uncounted, as blank lines of JSON lines are.
/// </summary>
/// <remarks>
/// A row that cannot be read as a record is not lost: it comes back with a problem (a reason without values) and its
/// raw text as a JSON string, for intake to quarantine:
/// <list type="bullet">
/// <item>a row with more or fewer cells than the header has;</item>
/// <item>a quoted field that is never closed, or text after a field's closing quote. Such a field may have swallowed the
/// line breaks of the rows after it; then only the row's first line is quarantined and reading starts again on the
/// next line, so one bad quote costs one line, not the rest of the file;</item>
/// <item>a row larger than the payload limit (cut to it; intake refuses it as too large). The reader never buffers
/// much more than that, so an unclosed quote at the top of a large file cannot exhaust memory.</item>
/// </list>
/// A row that is not valid UTF-8 comes back as its bytes, unchanged, as JSON lines do: intake quarantines it as "not
/// valid UTF-8" and its hash is the hash of the bytes in the file. A stray quote inside an unquoted field (<c>5'10"</c>)
/// is an ordinary character, as CsvHelper reads it.
/// </remarks>
internal static class CsvDropReader
{
    /// <summary>One data row: a JSON object, or (with a problem) what intake is to quarantine.</summary>
    internal readonly record struct Row(long Number, byte[] Payload, string? Problem);

    private static readonly JsonWriterOptions RawWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="kind">The record kind of the file's rows (the header must have its id column).</param>
    /// <param name="skip">Rows up to this number (committed before) are read but not returned or converted.</param>
    /// <param name="maxRowBytes">
    /// The largest row read whole (the payload limit plus one); a longer one is returned cut to this length.
    /// <see cref="int.MaxValue"/> for no limit.
    /// </param>
    /// <exception cref="DropFileRejectedException">The file is not UTF-8, or its header is unusable.</exception>
    public static async IAsyncEnumerable<Row> ReadAsync(string path, string kind, long skip, int maxRowBytes,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRowBytes, 1);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        await RefuseOtherEncodingsAsync(stream, cancellationToken);
        var options = new CsvReaderOptions
        {
            Separator = ',',
            Mode = CsvMode.Rfc4180,
            // The header is read as a record, so that its size and position are known like those of every other row.
            HasHeader = false,
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            // Spaces around a value are dropped (intake trims anyway), and ` "Paris, FR"` still reads as a quoted field.
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            IncludeValuesInExceptions = false,
            MaxRecordSize = maxRowBytes == int.MaxValue ? null : Math.Max(maxRowBytes, 1024),
        };

        CsvShape? shape = null;
        long number = 0;
        long segment = 0; // where the current reader started in the file
        while (segment >= 0)
        {
            stream.Position = segment;
            long restartAt = -1;
            long end = segment; // the end of the last record read (its line break not included)
            await using (var reader = CsvReader.Create(stream, options, leaveOpen: true))
            {
                while (true)
                {
                    var read = await TryReadAsync(reader, cancellationToken);
                    if (read == ReadResult.End) break;
                    if (read == ReadResult.TooLarge)
                    {
                        // The row does not fit in the buffer CsvHelper may grow: take its first line (cut) and go on after it.
                        if (shape is null) throw new DropFileRejectedException("the header row is larger than the payload limit");
                        var (firstLine, next) = await ReadLineAsync(stream, end, maxRowBytes, cancellationToken);
                        number++;
                        if (number > skip) yield return new Row(number, RawPayload(firstLine, maxRowBytes), "csv: the row runs past the payload limit (a quoted field may not be closed)");
                        restartAt = next;
                        break;
                    }

                    var offset = segment + reader.ByteOffset;
                    end = offset + reader.RawRecord.Length;
                    var quoting = QuotingProblem(reader);
                    if (shape is null)
                    {
                        if (quoting is not null) throw new DropFileRejectedException("the header row is not valid CSV (a quoted name is not closed properly)");
                        shape = CsvShape.FromHeader(reader, kind);
                        continue;
                    }
                    if (quoting is not null && FirstLineBreak(reader.RawRecord) is var (lineEnd, breakLength) && lineEnd >= 0)
                    {
                        // The bad quote took in the line breaks after it: quarantine the row's first line, then read on from
                        // the next line as a fresh start.
                        number++;
                        if (number > skip) yield return new Row(number, RawPayload(RawLine(reader, lineEnd), maxRowBytes), quoting);
                        restartAt = offset + lineEnd + breakLength;
                        break;
                    }
                    if (quoting is null && CsvShape.IsBlankRow(reader)) continue;
                    number++;
                    if (number <= skip) continue;
                    yield return Convert(reader, shape, number, quoting, maxRowBytes);
                }
            }
            if (restartAt >= 0 && restartAt <= segment) throw new InvalidOperationException("Reading the CSV file made no progress.");
            segment = restartAt;
        }
    }

    private enum ReadResult { Record, End, TooLarge }

    private static async ValueTask<ReadResult> TryReadAsync(CsvReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken) ? ReadResult.Record : ReadResult.End;
        }
        catch (CsvFormatException)
        {
            // With MalformedData = Recover and FieldCountMismatch = Allow the one format error left is a record longer
            // than MaxRecordSize that is not complete yet.
            return ReadResult.TooLarge;
        }
    }

    private static Row Convert(CsvReader reader, CsvShape shape, long number, string? quoting, int maxRowBytes)
    {
        var raw = reader.RawRecord;
        if (raw.Length >= maxRowBytes) return new Row(number, raw[..maxRowBytes].ToArray(), null);
        if (!Utf8.IsValid(raw)) return new Row(number, raw.ToArray(), null);
        if (quoting is not null) return new Row(number, RawPayload(raw.ToArray(), maxRowBytes), quoting);
        if (reader.FieldCount != shape.Columns)
        {
            var problem = FormattableString.Invariant($"csv: the row has {reader.FieldCount} cells, the header {shape.Columns}");
            return new Row(number, RawPayload(raw.ToArray(), maxRowBytes), problem);
        }
        return new Row(number, shape.ToJson(reader), null);
    }

    /// <summary>
    /// The raw row as a JSON string (a payload intake quarantines, not being an object). A row over the limit, or not
    /// UTF-8, stays as its bytes, cut to the limit: intake refuses those for their size or encoding.
    /// </summary>
    private static byte[] RawPayload(byte[] raw, int maxRowBytes)
    {
        if (raw.Length >= maxRowBytes) return raw.AsSpan(0, maxRowBytes).ToArray();
        if (!Utf8.IsValid(raw)) return raw;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(raw.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer, RawWriterOptions)) writer.WriteStringValue(raw);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// What is wrong with the quoting of the current record, or null. A field that starts with a quote (after spaces)
    /// must end with the closing quote (before spaces) and hold only doubled quotes in between; a quote inside an
    /// unquoted field is plain text.
    /// </summary>
    private static string? QuotingProblem(CsvReader reader)
    {
        for (var column = 0; column < reader.FieldCount; column++)
        {
            var field = reader.GetRawSpan(column).Trim(" \t"u8);
            if (field.IsEmpty || field[0] != (byte)'"') continue;
            var position = 1;
            while (true)
            {
                var quote = field[position..].IndexOf((byte)'"');
                if (quote < 0) return "csv: a quoted field is not closed";
                position += quote + 1;
                if (position == field.Length) break; // the closing quote
                if (field[position] != (byte)'"') return "csv: text after the closing quote of a field";
                position++; // a doubled quote
            }
        }
        return null;
    }

    /// <summary>The position of the first line break in a raw record and its length (CR LF is one), or (-1, 0).</summary>
    private static (int Position, int Length) FirstLineBreak(ReadOnlySpan<byte> raw)
    {
        var position = raw.IndexOfAny((byte)'\r', (byte)'\n');
        if (position < 0) return (-1, 0);
        return (position, raw[position] == (byte)'\r' && position + 1 < raw.Length && raw[position + 1] == (byte)'\n' ? 2 : 1);
    }

    private static byte[] RawLine(CsvReader reader, int length) => reader.RawRecord[..length].ToArray();

    /// <summary>
    /// The line that starts at the first non-line-break byte from <paramref name="from"/>: its bytes (at most
    /// <paramref name="maxBytes"/>) and where the line after it starts. Streams past a long line without holding it.
    /// </summary>
    private static async Task<(byte[] Line, long Next)> ReadLineAsync(FileStream stream, long from, int maxBytes, CancellationToken cancellationToken)
    {
        stream.Position = from;
        var buffer = new byte[64 * 1024];
        var line = new List<byte>();
        var started = false;
        var position = from;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            for (var i = 0; i < read; i++, position++)
            {
                var b = buffer[i];
                if (b is (byte)'\r' or (byte)'\n')
                {
                    if (!started) continue;
                    var next = position + 1;
                    if (b == (byte)'\r')
                    {
                        // CR LF: the LF may be in the next block.
                        if (i + 1 < read ? buffer[i + 1] == (byte)'\n' : await PeekLfAsync(stream, next, cancellationToken)) next++;
                    }
                    return (line.ToArray(), next);
                }
                started = true;
                if (line.Count < maxBytes) line.Add(b);
            }
        }
        return (line.ToArray(), position);
    }

    private static async Task<bool> PeekLfAsync(FileStream stream, long at, CancellationToken cancellationToken)
    {
        var one = new byte[1];
        stream.Position = at;
        return await stream.ReadAsync(one, cancellationToken) == 1 && one[0] == (byte)'\n';
    }

    /// <summary>A UTF-16 or UTF-32 byte order mark would make CsvHelper transcode, and byte positions no longer match the file's.</summary>
    private static async Task RefuseOtherEncodingsAsync(FileStream stream, CancellationToken cancellationToken)
    {
        var start = new byte[4];
        var length = await stream.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken);
        ReadOnlySpan<byte> head = start.AsSpan(0, length);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
            throw new DropFileRejectedException("the file is UTF-16 or UTF-32; CSV files must be UTF-8");
        stream.Position = 0;
    }
}
