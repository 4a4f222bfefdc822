namespace Fovea.Data;

/// <summary>
/// MNIST handwritten digits (LeCun, Cortes and Burges): 60,000 training and 10,000 test grayscale 28×28 images,
/// classes "0" to "9". Not bundled: found like <see cref="FashionMnist"/> under the folder name <c>mnist</c>, or
/// downloaded from the mirror torchvision uses.
/// </summary>
public static class Mnist
{
    /// <summary>The dataset's folder name under every search root (see <see cref="DatasetLocator"/>).</summary>
    public const string FolderName = "mnist";

    /// <summary>The download address (the original site no longer serves the files reliably).</summary>
    public static readonly Uri DownloadAddress = new("https://ossci-datasets.s3.amazonaws.com/mnist/");

    private static readonly IdxDatasetSource s_source = new(
        FolderName,
        "MNIST",
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        new DatasetDownloader(DownloadAddress, new Dictionary<string, string>
        {
            [IdxDatasetSource.TrainImages] = "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            [IdxDatasetSource.TrainLabels] = "d53e105ee54ea40749a09fcbcd1e9432",
            [IdxDatasetSource.TestImages] = "9fb629c4189551a2d022fa330f9573f3",
            [IdxDatasetSource.TestLabels] = "ec29112dd5afa0611ce80d1b7f02629c",
        }));

    /// <summary>The class names "0" to "9".</summary>
    public static IReadOnlyList<string> ClassNames => s_source.ClassNames;

    /// <summary>Downloads from <see cref="DownloadAddress"/> with the published MD5 sums.</summary>
    public static DatasetDownloader Downloader => s_source.Downloader;

    /// <summary>Mean 0.1307 and std 0.3081 of the training pixels (scaled to [0, 1]), as commonly used.</summary>
    public static Normalization Standardization => new([0.1307f], [0.3081f]);

    /// <summary>Loads the training and test sets exactly as <see cref="FashionMnist.Load"/> does.</summary>
    /// <param name="folder">A folder holding the four <c>*-ubyte.gz</c> files, or null to search and download.</param>
    /// <param name="normalization">Optional standardisation, e.g. <see cref="Standardization"/>.</param>
    /// <exception cref="FoveaException">The files are missing, corrupt or cannot be downloaded.</exception>
    public static (Dataset Train, Dataset Test) Load(string? folder = null, Normalization? normalization = null) =>
        s_source.Load(folder, normalization);
}
