using System.Security.Cryptography;
using Fovea.Data;
using Xunit;

namespace Fovea.Tests.Data;

public class DatasetDownloaderTests
{
    private static readonly byte[] s_images = [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 31))];
    private static readonly byte[] s_labels = [1, 2, 3, 4, 5];

    private static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    private static LocalHttpServer Serve(params string[] cut) => new(
        new Dictionary<string, byte[]> { ["images.gz"] = s_images, ["labels.gz"] = s_labels }, cut);

    private static DatasetDownloader Downloader(Uri address, string? imagesMd5 = null) => new(
        address,
        new Dictionary<string, string>
        {
            ["images.gz"] = imagesMd5 ?? Md5(s_images),
            ["labels.gz"] = Md5(s_labels),
            ["absent.gz"] = Md5([]),
        });

    [Fact]
    public void Download_MatchingChecksum_WritesOnlyTheVerifiedFile()
    {
        using var server = Serve();
        using var dir = new TempFolder();
        string cache = Path.Combine(dir.Path, "cache", "set");

        string path = Downloader(server.BaseAddress).Download("images.gz", cache);

        Assert.Equal(Path.Combine(cache, "images.gz"), path);
        Assert.Equal(s_images, File.ReadAllBytes(path));
        Assert.Equal([Path.Combine("cache", "set", "images.gz")], dir.Files());
    }

    [Fact]
    public void DownloadMissing_OneFilePresent_FetchesOnlyTheOthers()
    {
        using var server = Serve();
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("images.gz"), [9, 9, 9]);   // present files are trusted, not re-checked
        var downloader = new DatasetDownloader(server.BaseAddress,
            new Dictionary<string, string> { ["images.gz"] = Md5(s_images), ["labels.gz"] = Md5(s_labels) });

        downloader.DownloadMissing(dir.Path);

        Assert.Equal(1, server.Requests);
        Assert.Equal(s_labels, File.ReadAllBytes(dir.File("labels.gz")));
        Assert.Equal([9, 9, 9], File.ReadAllBytes(dir.File("images.gz")));
    }

    [Fact]
    public void Download_ChecksumMismatch_ThrowsNamingUrlAndSumsAndLeavesNothing()
    {
        using var server = Serve();
        using var dir = new TempFolder();
        string cache = dir.File("cache");
        string wrong = new('0', 32);

        var e = Assert.Throws<FoveaException>(() => Downloader(server.BaseAddress, wrong).Download("images.gz", cache));

        Assert.Contains(server.BaseAddress + "images.gz", e.Message);
        Assert.Contains("expected MD5 " + wrong, e.Message);
        Assert.Contains(Md5(s_images), e.Message);
        Assert.Empty(dir.Files());
        Assert.False(Directory.Exists(cache));   // the folder it created is gone too
    }

    [Fact]
    public void Download_ChecksumMismatch_KeepsExistingFileUntouched()
    {
        using var server = Serve();
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("images.gz"), [1, 2, 3]);

        Assert.Throws<FoveaException>(() => Downloader(server.BaseAddress, new string('a', 32))
            .Download("images.gz", dir.Path));

        Assert.Equal([1, 2, 3], File.ReadAllBytes(dir.File("images.gz")));
        Assert.Equal(["images.gz"], dir.Files());
    }

    [Fact]
    public void Download_Http404_ThrowsNamingUrlAndStatusAndLeavesNothing()
    {
        using var server = Serve();
        using var dir = new TempFolder();
        string cache = dir.File("cache");

        var e = Assert.Throws<FoveaException>(() => Downloader(server.BaseAddress).Download("absent.gz", cache));

        Assert.Contains(server.BaseAddress + "absent.gz", e.Message);
        Assert.Contains("HTTP 404", e.Message);
        Assert.Empty(dir.Files());
        Assert.False(Directory.Exists(cache));
    }

    [Fact]
    public void Download_ConnectionDroppedMidFile_ThrowsAndLeavesNothing()
    {
        using var server = Serve(cut: "images.gz");
        using var dir = new TempFolder();

        var e = Assert.Throws<FoveaException>(() => Downloader(server.BaseAddress).Download("images.gz", dir.Path));

        Assert.Contains(server.BaseAddress + "images.gz", e.Message);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void Download_NothingListening_ThrowsNamingUrl()
    {
        using var dir = new TempFolder();
        var address = LocalHttpServer.UnreachableAddress();

        var e = Assert.Throws<FoveaException>(() => Downloader(address).Download("labels.gz", dir.Path));

        Assert.Contains(address + "labels.gz", e.Message);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void Download_FileNotInManifest_ThrowsListingKnownFiles()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Downloader(new Uri("http://127.0.0.1:1/")).Download("other.gz", Path.GetTempPath()));

        Assert.Contains("images.gz", e.Message);
    }

    [Fact]
    public void Constructor_MalformedChecksum_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new DatasetDownloader(new Uri("http://127.0.0.1/"),
            new Dictionary<string, string> { ["a.gz"] = "xyz" }));

        Assert.Contains("32 hex digits", e.Message);
    }

    [Fact]
    public void AddressOf_BaseWithoutSlash_AppendsFileName()
    {
        var downloader = new DatasetDownloader(new Uri("http://example.org/datasets/fashion"),
            new Dictionary<string, string> { ["a.gz"] = Md5([]) });

        Assert.Equal("http://example.org/datasets/fashion/a.gz", downloader.AddressOf("a.gz").AbsoluteUri);
    }
}
