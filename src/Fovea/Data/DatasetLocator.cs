namespace Fovea.Data;

/// <summary>
/// Where Fovea looks for a dataset's files, by dataset folder name (e.g. <c>fashion-mnist</c>), in this order:
/// <list type="number">
/// <item><c>$FOVEA_DATA/&lt;name&gt;</c>, when the environment variable is set;</item>
/// <item><c>data/&lt;name&gt;</c> under the current directory (a <c>dotnet run</c> from the repository root);</item>
/// <item><c>data/&lt;name&gt;</c> under <see cref="AppContext.BaseDirectory"/> and each of its parents (tests and
/// tools running from <c>bin/</c> find the repository's bundled copy);</item>
/// <item><c>/usr/share/datasets/&lt;name&gt;</c> (Debian's dataset packages);</item>
/// <item>the user cache, <see cref="CacheFolder"/>, where downloads go.</item>
/// </list>
/// </summary>
public static class DatasetLocator
{
    /// <summary>The environment variable naming a folder that holds one sub-folder per dataset.</summary>
    public const string EnvironmentVariable = "FOVEA_DATA";

    /// <summary>The folder where Debian's dataset packages install their files.</summary>
    public const string DebianDatasets = "/usr/share/datasets";

    /// <summary>The folders searched for <paramref name="name"/>, first to last, without duplicates.</summary>
    public static IReadOnlyList<string> SearchFolders(string name) => SearchFolders(
        name,
        Environment.GetEnvironmentVariable(EnvironmentVariable),
        Environment.CurrentDirectory,
        AppContext.BaseDirectory,
        CacheRoot());

    /// <summary>
    /// The download cache for <paramref name="name"/>: <c>$XDG_CACHE_HOME/fovea/&lt;name&gt;</c> when that variable
    /// is set, else <c>~/.cache/fovea/&lt;name&gt;</c>.
    /// </summary>
    public static string CacheFolder(string name) => Path.Combine(CacheRoot(), name);

    /// <summary>
    /// The first of <see cref="SearchFolders(string)"/> that holds every one of <paramref name="files"/>, or null.
    /// </summary>
    public static string? Find(string name, IReadOnlyList<string> files) => Find(SearchFolders(name), files);

    internal static string? Find(IReadOnlyList<string> folders, IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (string folder in folders)
        {
            if (files.All(f => File.Exists(Path.Combine(folder, f))))
                return folder;
        }
        return null;
    }

    internal static IReadOnlyList<string> SearchFolders(
        string name, string? dataVariable, string currentDirectory, string baseDirectory, string cacheRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var folders = new List<string>();
        void Add(string folder)
        {
            string full = Path.GetFullPath(folder);
            if (!folders.Contains(full))
                folders.Add(full);
        }

        if (!string.IsNullOrEmpty(dataVariable))
            Add(Path.Combine(dataVariable, name));
        Add(Path.Combine(currentDirectory, "data", name));
        for (var dir = new DirectoryInfo(baseDirectory); dir is not null; dir = dir.Parent)
            Add(Path.Combine(dir.FullName, "data", name));
        Add(Path.Combine(DebianDatasets, name));
        Add(Path.Combine(cacheRoot, name));
        return folders;
    }

    private static string CacheRoot()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "fovea");
    }
}
