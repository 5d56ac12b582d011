using System.Runtime.CompilerServices;
using Xunit;

namespace Customer360Portal.Tests.Shared;

/// <summary>
/// The data sets beside the repository (<c>../shared/data</c> from its root), or in the folder <c>C360_SHARED_DATA</c>
/// names. Tests that need one use <see cref="SharedDataFactAttribute"/>, which skips them with a visible reason when
/// the data set is absent.
/// </summary>
public static class SharedData
{
    public const string EnvironmentVariable = "C360_SHARED_DATA";

    /// <summary>The shared data folder (it may not exist), or null when neither the variable nor the repository root is found.</summary>
    public static string? Folder { get; } = Locate();

    /// <summary>A path inside the shared data folder, or null when there is none.</summary>
    public static string? PathOf(string relative) => Folder is null ? null : Path.Combine(Folder, relative);

    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
            return Path.GetFullPath(configured);
        return RepositoryRoot() is { } root ? Path.GetFullPath(Path.Combine(root, "..", "shared", "data")) : null;
    }

    /// <summary>
    /// The folder of Customer360Portal.sln: found from this source file's compile-time path (build output may live
    /// outside the repository, e.g. with --artifacts-path), else by walking up from the test output and the working folder.
    /// </summary>
    private static string? RepositoryRoot([CallerFilePath] string thisFile = "")
    {
        IEnumerable<string?> starts = [Path.GetDirectoryName(thisFile), AppContext.BaseDirectory, Directory.GetCurrentDirectory()];
        foreach (var start in starts)
        {
            for (var folder = start is { Length: > 0 } ? new DirectoryInfo(start) : null; folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Customer360Portal.sln"))) return folder.FullName;
            }
        }
        return null;
    }
}

/// <summary>A fact that needs a shared data set (a folder under the shared data folder) and skips, saying so, without it.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string dataSet)
    {
        var folder = SharedData.PathOf(dataSet);
        if (folder is null)
            Skip = $"Shared data set '{dataSet}' not found: the repository root is unknown; set {SharedData.EnvironmentVariable} to the shared data folder.";
        else if (!Directory.Exists(folder))
            Skip = $"Shared data set '{dataSet}' not found at {folder} (set {SharedData.EnvironmentVariable} to the folder that holds it).";
    }
}
