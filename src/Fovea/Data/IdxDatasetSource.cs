namespace Fovea.Data;

/// <summary>
/// An MNIST-family dataset published as four IDX files (train/test × images/labels): where to look for it, how to
/// download it, and its class names. <see cref="FashionMnist"/> and <see cref="Mnist"/> are instances of this.
/// </summary>
internal sealed class IdxDatasetSource(
    string name, string displayName, IReadOnlyList<string> classNames, DatasetDownloader downloader)
{
    public const string TrainImages = "train-images-idx3-ubyte.gz";
    public const string TrainLabels = "train-labels-idx1-ubyte.gz";
    public const string TestImages = "t10k-images-idx3-ubyte.gz";
    public const string TestLabels = "t10k-labels-idx1-ubyte.gz";

    public static readonly IReadOnlyList<string> Files = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>The dataset's folder name under each search root (e.g. <c>fashion-mnist</c>).</summary>
    public string Name { get; } = name;

    public IReadOnlyList<string> ClassNames { get; } = classNames;

    public DatasetDownloader Downloader { get; } = downloader;

    /// <summary>Where downloads go (searched last); tests point it at a temporary folder.</summary>
    public string CacheFolder { get; init; } = DatasetLocator.CacheFolder(name);

    /// <summary>Loads (train, test) from <paramref name="folder"/>; when null, finds or downloads the files.</summary>
    public (Dataset Train, Dataset Test) Load(string? folder, Normalization? normalization)
    {
        string source = folder is null ? FindOrDownload() : CheckFolder(folder);
        var train = IdxDataset.Load(
            Path.Combine(source, TrainImages), Path.Combine(source, TrainLabels), ClassNames, normalization);
        var test = IdxDataset.Load(
            Path.Combine(source, TestImages), Path.Combine(source, TestLabels), ClassNames, normalization);
        return (train, test);
    }

    private string CheckFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new FoveaException($"{displayName} folder '{folder}' does not exist");
        foreach (string file in Files)
        {
            if (!File.Exists(Path.Combine(folder, file)))
            {
                throw new FoveaException(
                    $"{displayName} folder '{folder}' has no '{file}'; expected the four files "
                    + string.Join(", ", Files));
            }
        }
        return folder;
    }

    private string FindOrDownload()
    {
        var searched = DatasetLocator.SearchFolders(Name);
        string cache = Path.GetFullPath(CacheFolder);
        if (!searched.Contains(cache))
            searched = [.. searched, cache];
        string? found = DatasetLocator.Find(searched, Files);
        if (found is not null)
            return found;
        try
        {
            Downloader.DownloadMissing(cache);
        }
        catch (FoveaException e)
        {
            throw new FoveaException(
                $"{displayName} was not found (looked for {string.Join(", ", Files)} in "
                + $"{string.Join(", ", searched.Select(s => $"'{s}'"))}) and downloading it into '{cache}' failed: "
                + e.Message, e);
        }
        return cache;
    }
}
