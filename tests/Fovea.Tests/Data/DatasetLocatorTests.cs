using Fovea.Data;
using Xunit;

namespace Fovea.Tests.Data;

public class DatasetLocatorTests
{
    private static readonly string[] s_fashionFiles =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz"];

    [Fact]
    public void SearchFolders_AllSources_InDocumentedOrder()
    {
        var folders = DatasetLocator.SearchFolders("fm", "/env", "/work/repo", "/work/repo/bin/x", "/cache/fovea");

        Assert.Equal(
            [
                "/env/fm", "/work/repo/data/fm", "/work/repo/bin/x/data/fm", "/work/repo/bin/data/fm",
                "/work/data/fm", "/data/fm", "/usr/share/datasets/fm", "/cache/fovea/fm",
            ],
            folders);
    }

    [Fact]
    public void SearchFolders_NoVariable_SkipsItAndDropsDuplicates()
    {
        var folders = DatasetLocator.SearchFolders("fm", null, "/a/b", "/a/b/", "/c");

        Assert.Equal(["/a/b/data/fm", "/a/data/fm", "/data/fm", "/usr/share/datasets/fm", "/c/fm"], folders);
    }

    [Fact]
    public void Find_FirstFolderIncomplete_ReturnsFirstCompleteOne()
    {
        using var dir = new TempFolder();
        string partial = Directory.CreateDirectory(dir.File("partial")).FullName;
        string complete = Directory.CreateDirectory(dir.File("complete")).FullName;
        File.WriteAllText(Path.Combine(partial, "a"), "");
        File.WriteAllText(Path.Combine(complete, "a"), "");
        File.WriteAllText(Path.Combine(complete, "b"), "");

        Assert.Equal(complete, DatasetLocator.Find([dir.File("none"), partial, complete], ["a", "b"]));
        Assert.Null(DatasetLocator.Find([partial], ["a", "b"]));
    }

    [Fact]
    public void Find_FromTestBinaries_FindsBundledFashionMnist()
    {
        string? found = DatasetLocator.Find("fashion-mnist", s_fashionFiles);

        Assert.NotNull(found);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(DatasetLocator.EnvironmentVariable)))
            Assert.Equal(RepositoryData.FashionMnist, found);
    }

    [Fact]
    public void CacheFolder_Name_IsUnderFoveaCache()
    {
        string cache = DatasetLocator.CacheFolder("fashion-mnist");

        Assert.EndsWith(Path.Combine("fovea", "fashion-mnist"), cache);
        Assert.Equal(cache, DatasetLocator.SearchFolders("fashion-mnist")[^1]);
    }
}
