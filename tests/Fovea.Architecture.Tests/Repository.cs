namespace Fovea.Architecture.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repository
{
    /// <summary>The repository root: the nearest parent of the test binaries holding <c>Fovea.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The absolute path of <paramref name="relative"/> (forward slashes) under the root.</summary>
    public static string PathOf(string relative) =>
        Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fovea.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no parent of '{AppContext.BaseDirectory}' holds Fovea.sln");
    }
}
