namespace Fovea.Tests.Data;

/// <summary>Locates the repository's bundled <c>data/</c> folder from the test's output folder.</summary>
internal static class RepositoryData
{
    /// <summary>The repository root: the nearest parent of the test binaries holding <c>Fovea.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The bundled Fashion-MNIST folder.</summary>
    public static string FashionMnist => Path.Combine(Root, "data", "fashion-mnist");

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
