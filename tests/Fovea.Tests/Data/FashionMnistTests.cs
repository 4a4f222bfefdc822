using Fovea.Data;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data;

/// <summary>Loads Fashion-MNIST once (about a second) for every test of <see cref="FashionMnistTests"/>.</summary>
public sealed class FashionMnistFixture
{
    public FashionMnistFixture() => (Train, Test) = FashionMnist.Load();

    public Dataset Train { get; }

    public Dataset Test { get; }
}

public class FashionMnistTests(FashionMnistFixture data) : IClassFixture<FashionMnistFixture>
{
    [Fact]
    public void Load_Default_60000TrainAnd10000TestImages()
    {
        Assert.Equal(new Shape(60000, 1, 28, 28), data.Train.Features.Shape);
        Assert.Equal(new Shape(60000), data.Train.Labels.Shape);
        Assert.Equal(new Shape(10000, 1, 28, 28), data.Test.Features.Shape);
        Assert.Equal(new Shape(10000), data.Test.Labels.Shape);
    }

    [Fact]
    public void Load_Default_BalancedClasses()
    {
        Assert.Equal(Enumerable.Repeat(6000, 10), DatasetTests.Histogram(data.Train.Labels, 10));
        Assert.Equal(Enumerable.Repeat(1000, 10), DatasetTests.Histogram(data.Test.Labels, 10));
    }

    [Fact]
    public void Load_Default_PixelsSpanUnitRange()
    {
        foreach (var set in (Dataset[])[data.Train, data.Test])
        {
            var x = set.Features.AsReadOnlySpan();
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            foreach (float v in x)
            {
                min = MathF.Min(min, v);
                max = MathF.Max(max, v);
            }
            Assert.Equal(0f, min);
            Assert.Equal(1f, max);
        }
    }

    [Fact]
    public void Load_Default_ClassNamesInLabelOrder()
    {
        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            data.Train.ClassNames!);
        Assert.Equal(FashionMnist.ClassNames, data.Test.ClassNames!);
    }

    [Fact]
    public void Standardization_MatchesTrainingPixelStatistics()
    {
        var measured = Normalization.Compute(data.Train.Features);

        Assert.Equal(FashionMnist.Standardization.Mean[0], measured.Mean[0], 0.0005f);
        Assert.Equal(FashionMnist.Standardization.Std[0], measured.Std[0], 0.0005f);
    }

    [Fact]
    public void Load_ExplicitFolderWithNormalization_StandardisesPixels()
    {
        using var dir = new TempFolder();
        IdxDatasetTests.WritePair(dir.File("train-images-idx3-ubyte.gz"), dir.File("train-labels-idx1-ubyte.gz"), 6);
        IdxDatasetTests.WritePair(dir.File("t10k-images-idx3-ubyte.gz"), dir.File("t10k-labels-idx1-ubyte.gz"), 3);
        var norm = new Normalization([0.5f], [0.25f]);

        var (train, test) = FashionMnist.Load(dir.Path, norm);

        Assert.Equal(6, train.Count);
        Assert.Equal(3, test.Count);
        Assert.Equal((51 / 255f - 0.5f) / 0.25f, train.Features[5, 0, 0, 1], 6);
    }

    [Fact]
    public void Load_ExplicitFolderMissing_ThrowsNamingFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "fovea-no-fashion-" + Guid.NewGuid().ToString("N"));

        var e = Assert.Throws<FoveaException>(() => FashionMnist.Load(folder));

        Assert.Contains(folder, e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Load_ExplicitFolderIncomplete_ThrowsNamingMissingFileWithoutFallback()
    {
        using var dir = new TempFolder();
        foreach (string file in (string[])["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                     "t10k-images-idx3-ubyte.gz"])
            File.Copy(Path.Combine(RepositoryData.FashionMnist, file), dir.File(file));

        var e = Assert.Throws<FoveaException>(() => FashionMnist.Load(dir.Path));

        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", e.Message);
    }

    [Fact]
    public void Downloader_CanonicalAddress_PublishedChecksums()
    {
        var downloader = FashionMnist.Downloader;

        Assert.Equal("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz",
            downloader.AddressOf("train-images-idx3-ubyte.gz").AbsoluteUri);
        Assert.Equal("8d4fb7e6c68d591d4c3dfef9ec88bf0d", downloader.Checksums["train-images-idx3-ubyte.gz"]);
        Assert.Equal("25c81989df183df01b3e8a0aad5dffbe", downloader.Checksums["train-labels-idx1-ubyte.gz"]);
        Assert.Equal("bef4ecab320f06d8554ea6380940ec79", downloader.Checksums["t10k-images-idx3-ubyte.gz"]);
        Assert.Equal("bb300cfdad3c16e7a12a480ee83cd310", downloader.Checksums["t10k-labels-idx1-ubyte.gz"]);
    }
}
