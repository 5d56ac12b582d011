namespace Customer360Portal.E2E.Infrastructure;

/// <summary>
/// Where the repository, the portal's and c360's build output and the test artefacts are. The build configuration and
/// target framework are read from this assembly's own output folder (…/bin/&lt;Configuration&gt;/&lt;TFM&gt;/), so
/// <c>dotnet test -c Release</c> starts the Release build of the portal.
/// </summary>
public static class RepoPaths
{
    private const string SolutionFile = "Customer360Portal.sln";

    public static string Root { get; } = FindRoot();

    /// <summary>Screenshots and the portal's log. <c>C360_E2E_ARTIFACTS</c> overrides the default &lt;repo&gt;/artifacts/e2e.</summary>
    public static string Artifacts { get; } = CreateArtifactsFolder();

    public static string WebDll => BuildOutput("Customer360Portal.Web", "Customer360Portal.Web.dll");

    public static string CliDll => BuildOutput("Customer360Portal.Cli", "c360.dll");

    private static string BuildOutput(string project, string dll)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var targetFramework = output.Name;
        var configuration = output.Parent?.Name
            ?? throw new InvalidOperationException($"Cannot tell the build configuration from {output.FullName}.");
        var path = Path.Combine(Root, "src", project, "bin", configuration, targetFramework, dll);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"{dll} was not found at {path}. Build the solution first (dotnet build {SolutionFile} -c {configuration}).", path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains {SolutionFile}.");
    }

    private static string CreateArtifactsFolder()
    {
        var configured = Environment.GetEnvironmentVariable("C360_E2E_ARTIFACTS");
        var folder = string.IsNullOrWhiteSpace(configured) ? Path.Combine(Root, "artifacts", "e2e") : Path.GetFullPath(configured);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
