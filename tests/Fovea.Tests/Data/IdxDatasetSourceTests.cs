using System.Security.Cryptography;
using Fovea.Data;
using Xunit;

namespace Fovea.Tests.Data;

public class IdxDatasetSourceTests
{
    private static readonly string[] s_files =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz"];

    /// <summary>The four files of a tiny dataset (6 training, 3 test images of 2×3), as served bytes.</summary>
    private static Dictionary<string, byte[]> TinyDataset()
    {
        using var dir = new TempFolder();
        IdxDatasetTests.WritePair(dir.File(s_files[0]), dir.File(s_files[1]), 6);
        IdxDatasetTests.WritePair(dir.File(s_files[2]), dir.File(s_files[3]), 3);
        return s_files.ToDictionary(f => f, f => File.ReadAllBytes(dir.File(f)));
    }

    /// <summary>A source no search folder holds (a fresh name), downloading from <paramref name="address"/>.</summary>
    private static IdxDatasetSource Source(Uri address, Dictionary<string, byte[]> files, string cache) => new(
        "fovea-test-" + Guid.NewGuid().ToString("N"),
        "Tiny",
        ["a", "b", "c"],
        new DatasetDownloader(address, files.ToDictionary(f => f.Key, f => Md5(f.Value))))
    {
        CacheFolder = cache,
    };

    private static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    [Fact]
    public void Load_NotFoundAnywhere_DownloadsIntoCacheThenReusesIt()
    {
        var files = TinyDataset();
        using var server = new LocalHttpServer(files);
        using var dir = new TempFolder();
        var source = Source(server.BaseAddress, files, dir.File("cache"));

        var (train, test) = source.Load(folder: null, normalization: null);
        var (again, _) = source.Load(folder: null, normalization: null);

        Assert.Equal(6, train.Count);
        Assert.Equal(3, test.Count);
        Assert.Equal(6, again.Count);
        Assert.Equal(4, server.Requests);   // the second load found the cache
        Assert.Equal(s_files.Select(f => Path.Combine("cache", f)).Order(StringComparer.Ordinal), dir.Files());
    }

    [Fact]
    public void Load_DownloadFails_ThrowsListingSearchedFoldersAndLeavesNoFiles()
    {
        var files = TinyDataset();
        files.Remove("t10k-labels-idx1-ubyte.gz");
        using var server = new LocalHttpServer(files);
        using var dir = new TempFolder();
        var source = Source(server.BaseAddress, TinyDataset(), dir.File("cache"));

        var e = Assert.Throws<FoveaException>(() => source.Load(folder: null, normalization: null));

        Assert.Contains("Tiny was not found", e.Message);
        Assert.Contains(DatasetLocator.DebianDatasets, e.Message);
        Assert.Contains(dir.File("cache"), e.Message);
        Assert.Contains("HTTP 404", e.Message);
        Assert.DoesNotContain(dir.Files(), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }
}
