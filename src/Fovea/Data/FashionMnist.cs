namespace Fovea.Data;

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT licence): 60,000 training and 10,000 test grayscale 28×28 images of
/// clothing in 10 classes. A copy ships in the repository's <c>data/fashion-mnist</c> folder.
/// </summary>
/// <example><code>
/// var (train, test) = FashionMnist.Load();                       // features [N, 1, 28, 28] in [0, 1], labels [N]
/// var (trainStd, testStd) = FashionMnist.Load(normalization: FashionMnist.Standardization);
/// </code></example>
public static class FashionMnist
{
    /// <summary>The dataset's folder name under every search root (see <see cref="DatasetLocator"/>).</summary>
    public const string FolderName = "fashion-mnist";

    /// <summary>The canonical download address of the four files.</summary>
    public static readonly Uri DownloadAddress = new("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    private static readonly IdxDatasetSource s_source = new(
        FolderName,
        "Fashion-MNIST",
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        new DatasetDownloader(DownloadAddress, new Dictionary<string, string>
        {
            // MD5 sums published by Zalando (Debian's recompressed copies differ; local files are not checked).
            [IdxDatasetSource.TrainImages] = "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            [IdxDatasetSource.TrainLabels] = "25c81989df183df01b3e8a0aad5dffbe",
            [IdxDatasetSource.TestImages] = "bef4ecab320f06d8554ea6380940ec79",
            [IdxDatasetSource.TestLabels] = "bb300cfdad3c16e7a12a480ee83cd310",
        }));

    /// <summary>The 10 class names, indexed by label: T-shirt/top, Trouser, ..., Ankle boot.</summary>
    public static IReadOnlyList<string> ClassNames => s_source.ClassNames;

    /// <summary>Downloads from <see cref="DownloadAddress"/> with the published MD5 sums.</summary>
    public static DatasetDownloader Downloader => s_source.Downloader;

    /// <summary>Mean 0.2860 and std 0.3530 of the training pixels (scaled to [0, 1]).</summary>
    public static Normalization Standardization => new([0.2860f], [0.3530f]);

    /// <summary>
    /// Loads the training and test sets: features [N, 1, 28, 28] scaled to [0, 1] (then normalised when
    /// <paramref name="normalization"/> is given), labels [N] as class indices, <see cref="Dataset.ClassNames"/> set.
    /// </summary>
    /// <param name="folder">A folder holding the four <c>*-ubyte.gz</c> files. When given, only this folder is
    /// used. When null, the folders of <see cref="DatasetLocator"/> are searched, and if none holds the files they
    /// are downloaded into <see cref="DatasetLocator.CacheFolder"/> and verified.</param>
    /// <param name="normalization">Optional standardisation, e.g. <see cref="Standardization"/>.</param>
    /// <exception cref="FoveaException">The files are missing, corrupt or cannot be downloaded.</exception>
    public static (Dataset Train, Dataset Test) Load(string? folder = null, Normalization? normalization = null) =>
        s_source.Load(folder, normalization);
}
