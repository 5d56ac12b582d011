namespace Customer360Portal.Core.Sync;

/// <summary>
/// A dropped file that cannot be read as records at all (an unusable CSV header, a file that is not UTF-8): it moves
/// to <c>failed/</c> and the pass fails with this message as the source's last error. The message names the file and
/// the problem (column numbers, never column names or cells: a file without a header row has a data row there).
/// </summary>
internal sealed class DropFileRejectedException(string message) : Exception(message);
