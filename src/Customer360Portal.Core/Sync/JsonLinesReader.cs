using System.Runtime.CompilerServices;

namespace Customer360Portal.Core.Sync;

/// <summary>
/// Reads a JSON-lines file as raw bytes, line by line, without decoding: the bytes reach intake exactly as they are in
/// the file, so invalid UTF-8 is quarantined with its reason instead of being silently replaced, and the payload hash
/// is the hash of the line in the file. Lines end with <c>\n</c> (a <c>\r</c> before it is dropped); a UTF-8 byte
/// order mark at the start of the file is skipped. Blank lines are counted but not returned.
/// </summary>
internal static class JsonLinesReader
{
    /// <summary>One non-blank line and its 1-based number in the file.</summary>
    internal readonly record struct Line(long Number, byte[] Bytes);

    /// <param name="maxLineBytes">
    /// A longer line is returned cut to this length (and so refused by intake as too large) instead of being held whole in
    /// memory: a hostile file of one endless line must not exhaust the process.
    /// </param>
    public static async IAsyncEnumerable<Line> ReadAsync(string path, int maxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var buffer = new byte[64 * 1024];
        var pending = new byte[Math.Min(maxLineBytes, 4 * 1024)];
        var pendingLength = 0;
        long number = 0;
        var first = true;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var position = 0;
            if (first)
            {
                first = false;
                if (read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) position = 3;
            }
            while (position < read)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', position, read - position);
                var end = newline < 0 ? read : newline;
                Append(ref pending, ref pendingLength, buffer, position, end - position, maxLineBytes);
                if (newline < 0) break;
                number++;
                if (TakeLine(pending, ref pendingLength) is { } bytes) yield return new Line(number, bytes);
                position = newline + 1;
            }
        }
        if (pendingLength > 0)
        {
            number++;
            if (TakeLine(pending, ref pendingLength) is { } bytes) yield return new Line(number, bytes);
        }
    }

    private static void Append(ref byte[] pending, ref int pendingLength, byte[] source, int offset, int count, int maxLineBytes)
    {
        count = Math.Min(count, maxLineBytes - pendingLength);
        if (count <= 0) return;
        if (pendingLength + count > pending.Length)
            Array.Resize(ref pending, (int)Math.Min(maxLineBytes, Math.Max((long)pending.Length * 2, pendingLength + count)));
        Buffer.BlockCopy(source, offset, pending, pendingLength, count);
        pendingLength += count;
    }

    private static byte[]? TakeLine(byte[] pending, ref int pendingLength)
    {
        var length = pendingLength;
        pendingLength = 0;
        if (length > 0 && pending[length - 1] == (byte)'\r') length--;
        var blank = true;
        for (var i = 0; i < length && blank; i++)
            blank = pending[i] is (byte)' ' or (byte)'\t' or (byte)'\r';
        return blank ? null : pending.AsSpan(0, length).ToArray();
    }
}
