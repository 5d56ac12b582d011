using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Customer360Portal.E2E.Infrastructure;

/// <summary>
/// The real portal in its own process: <c>dotnet Customer360Portal.Web.dll</c> from the build output on a free loopback
/// port, in demo mode (one user per role), with a SQLite store in a fresh temp folder that is deleted afterwards.
/// </summary>
public sealed class PortalServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly ProcessLog log;

    private PortalServer(Process process, ProcessLog log, Uri baseAddress, string dataFolder)
    {
        this.process = process;
        this.log = log;
        BaseAddress = baseAddress;
        DataFolder = dataFolder;
    }

    /// <summary>http://127.0.0.1:port/ (with the trailing slash, so relative URLs resolve against it).</summary>
    public Uri BaseAddress { get; }

    public string DataFolder { get; }

    /// <summary>Everything the portal wrote to stdout and stderr so far.</summary>
    public string Output => log.ToString();

    /// <summary>
    /// Creates the given admin accounts with c360 first (so a test can own a user nobody else signs in with), then
    /// starts the portal and waits until <c>/health</c> answers 200.
    /// </summary>
    public static async Task<PortalServer> StartAsync(IEnumerable<PortalAccount> cliAdmins)
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), "c360-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataFolder);
        try
        {
            foreach (var admin in cliAdmins)
                await CreateAdminAsync(admin, dataFolder);

            var baseAddress = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}/");
            var webDll = RepoPaths.WebDll;
            var start = DotnetStartInfo(webDll, ["--urls", baseAddress.GetLeftPart(UriPartial.Authority)]);
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["DOTNET_ENVIRONMENT"] = "Development";
            start.Environment["Demo__Enabled"] = "true";
            start.Environment["Demo__People"] = "80"; // a small simulated company (big enough for a few borderline pairs to review); the 2 cores stay free for the browser
            start.Environment["ProfileStore__DataFolder"] = dataFolder;
            start.Environment.Remove("ASPNETCORE_URLS");
            start.Environment.Remove("ASPNETCORE_HTTP_PORTS");

            var log = new ProcessLog();
            var process = StartProcess(start, log);
            var server = new PortalServer(process, log, baseAddress, dataFolder);
            try
            {
                await server.WaitUntilHealthyAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
            return server;
        }
        catch
        {
            DeleteFolder(dataFolder);
            throw;
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        string lastProblem = "no answer yet";
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
                throw new InvalidOperationException(
                    $"The portal exited with code {process.ExitCode} before it was healthy.{Environment.NewLine}{Output}");
            try
            {
                using var response = await http.GetAsync("health");
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
                lastProblem = $"/health answered {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lastProblem = e.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException(
            $"The portal at {BaseAddress} was not healthy within {StartTimeout.TotalSeconds:0} s ({lastProblem}).{Environment.NewLine}{Output}");
    }

    private static async Task CreateAdminAsync(PortalAccount admin, string dataFolder)
    {
        var start = DotnetStartInfo(RepoPaths.CliDll,
            ["create-admin", "--email", admin.Email, "--name", admin.DisplayName, "--data-folder", dataFolder]);
        start.RedirectStandardInput = true;
        var log = new ProcessLog();
        using var process = StartProcess(start, log);
        // The password is read from one line of standard input.
        await process.StandardInput.WriteLineAsync(admin.Password);
        process.StandardInput.Close();

        using var timeout = new CancellationTokenSource(CliTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"c360 create-admin did not finish within {CliTimeout.TotalSeconds:0} s.{Environment.NewLine}{log}");
        }
        process.WaitForExit(); // flushes the redirected output
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"c360 create-admin --email {admin.Email} exited with code {process.ExitCode}.{Environment.NewLine}{log}");
    }

    private static ProcessStartInfo DotnetStartInfo(string dll, IEnumerable<string> arguments)
    {
        // DOTNET_HOST_PATH is the muxer that runs these tests; fall back to dotnet on the PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(dotnet) || !File.Exists(dotnet) ? "dotnet" : dotnet)
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }

    private static Process StartProcess(ProcessStartInfo start, ProcessLog log)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => log.Add(e.Data);
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"Could not start {start.FileName} {string.Join(' ', start.ArgumentList)}.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try { await process.WaitForExitAsync(timeout.Token); }
                catch (OperationCanceledException) { /* reported by the leftover folder at worst */ }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        process.Dispose();
        DeleteFolder(DataFolder);
    }

    private static void DeleteFolder(string folder)
    {
        // SQLite may hold its files for a moment after the process ends.
        for (var attempt = 0; attempt < 10 && Directory.Exists(folder); attempt++)
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { Thread.Sleep(200); }
            catch (UnauthorizedAccessException) { Thread.Sleep(200); }
        }
    }

    private sealed class ProcessLog
    {
        private readonly ConcurrentQueue<string> lines = new();

        public void Add(string? line)
        {
            if (line is not null) lines.Enqueue(line);
        }

        public override string ToString() => string.Join(Environment.NewLine, lines);
    }
}
