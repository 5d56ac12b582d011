using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Customer360Portal.Cli.Tests.Sync;

/// <summary>
/// <c>dotnet c360.dll sync</c> as a separate process, started, killed hard (SIGKILL) or stopped with SIGTERM by the test.
/// c360.dll is the copy the build puts next to this test assembly (Cli.Tests references the Cli project).
/// </summary>
public sealed class SyncWorker : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private SyncWorker(Process process) => this.process = process;

    public bool HasExited => process.HasExited;
    public int ExitCode => process.ExitCode;
    public string Output { get { lock (output) return output.ToString(); } }

    public static string C360Dll
    {
        get
        {
            var besideTests = Path.Combine(AppContext.BaseDirectory, "c360.dll");
            if (File.Exists(besideTests) && File.Exists(Path.ChangeExtension(besideTests, ".runtimeconfig.json"))) return besideTests;
            // Otherwise the Cli project's own output: bin/Debug/net10.0 beside the sources, or an --artifacts-path layout.
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidates = new[]
                {
                    Path.Combine(dir.FullName, "src", "Customer360Portal.Cli", "bin"),
                    Path.Combine(dir.FullName, "Customer360Portal.Cli"),
                };
                foreach (var root in candidates.Where(Directory.Exists))
                {
                    var found = Directory.EnumerateFiles(root, "c360.dll", SearchOption.AllDirectories)
                        .Where(f => File.Exists(Path.ChangeExtension(f, ".runtimeconfig.json")))
                        .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
                    if (found is not null) return found;
                }
            }
            throw new FileNotFoundException("c360.dll was not found beside the tests or in the Cli project's output.");
        }
    }

    /// <summary>The dotnet host running these tests, so the worker runs on the same runtime.</summary>
    private static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? path
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    public static SyncWorker Start(params string[] arguments)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(C360Dll);
        info.ArgumentList.Add("sync");
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // Only what the test passes configures the worker.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Sync__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ProfileStore__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = info };
        var worker = new SyncWorker(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (worker.output) worker.output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (worker.output) worker.output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>SIGKILL: no shutdown code runs, whatever transaction is open is cut off.</summary>
    public void KillHard()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM (what a container runtime sends on stop); returns the exit code. Elsewhere than Linux/macOS: a kill.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            if (SendSignal(process.Id, 15) != 0) throw new InvalidOperationException("SIGTERM could not be sent.");
        }
        else
        {
            process.Kill(entireProcessTree: true);
        }
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return process.ExitCode;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public void Dispose()
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        process.Dispose();
    }
}

/// <summary>The counters and checkpoint of one source, read from the worker's SQLite file by another connection.</summary>
public sealed record SourceCounters(long Received, long Stored, long Duplicates, long Quarantined, string? Cursor)
{
    public static readonly SourceCounters None = new(0, 0, 0, 0, null);

    /// <summary>Read-only and unpooled, so the test never holds the file or blocks the worker (WAL: readers never block the writer).</summary>
    public static SqliteConnection OpenReadOnly(string databaseFile)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databaseFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 5,
        }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>None while the store or the source does not exist yet.</summary>
    public static SourceCounters Read(string databaseFile, string sourceKey)
    {
        if (!File.Exists(databaseFile)) return None;
        try
        {
            using var connection = OpenReadOnly(databaseFile);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT Received, Stored, Duplicates, Quarantined, \"Cursor\" FROM DataSources WHERE \"Key\" = $key";
            command.Parameters.AddWithValue("$key", sourceKey);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new SourceCounters(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4))
                : None;
        }
        catch (SqliteException)
        {
            return None; // not migrated yet
        }
    }
}
