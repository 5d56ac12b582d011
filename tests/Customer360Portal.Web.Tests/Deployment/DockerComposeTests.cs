using System.Diagnostics;

namespace Customer360Portal.Web.Tests.Deployment;

/// <summary>
/// No container engine runs on our machines, so the compose file is checked by docker-compose itself (its
/// <c>config</c> command resolves and validates without an engine) and the Dockerfile against the repository.
/// The README's test command installs docker-compose (Debian package) when it is missing.
/// </summary>
public class DockerComposeTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    // From this source file's path, so it works wherever the build output goes (e.g. --artifacts-path).
    private static string FindRepoRoot([System.Runtime.CompilerServices.CallerFilePath] string here = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(here)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Customer360Portal.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Customer360Portal.sln not found above the test source folder.");
    }

    private static (int ExitCode, string Output) ComposeConfig(string? saPassword)
    {
        var start = new ProcessStartInfo("docker-compose", "-f docker-compose.yml config")
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("MSSQL_SA_PASSWORD");
        if (saPassword is not null) start.Environment["MSSQL_SA_PASSWORD"] = saPassword;
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("docker-compose is not installed: run the README's test command (./test.sh), which installs it.");
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit(60_000);
        return (process.ExitCode, output.Result + error.Result);
    }

    [Fact]
    public void ComposeFile_WithSecrets_IsValidAndRunsThePortalOnSqlServer()
    {
        var (exitCode, output) = ComposeConfig("Test-only-Passw0rd!");

        Assert.True(exitCode == 0, output);
        Assert.Contains("sqlserver:", output);
        Assert.Contains("portal:", output);
        Assert.Contains("ProfileStore__Provider: SqlServer", output);
        Assert.Contains("condition: service_healthy", output);
        Assert.Contains("Password=Test-only-Passw0rd!", output);
    }

    [Fact]
    public void ComposeFile_WithoutTheSaPassword_RefusesToStart()
    {
        var (exitCode, output) = ComposeConfig(null);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("MSSQL_SA_PASSWORD", output);
    }

    [Fact]
    public void Dockerfile_CopiesOnlyPathsThatExist_AndPublishesPortalAndCli()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoRoot, "Dockerfile"));

        var sources = lines.Where(l => l.StartsWith("COPY ") && !l.Contains("--from="))
            .SelectMany(l => l["COPY ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1));
        Assert.All(sources, source => Assert.True(File.Exists(Path.Combine(RepoRoot, source)) || Directory.Exists(Path.Combine(RepoRoot, source)), $"Dockerfile copies missing {source}"));
        Assert.Contains(lines, l => l.Contains("dotnet publish src/Customer360Portal.Web"));
        Assert.Contains(lines, l => l.Contains("dotnet publish src/Customer360Portal.Cli"));
    }
}
