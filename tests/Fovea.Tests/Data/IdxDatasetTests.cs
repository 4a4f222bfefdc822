using Fovea.Data;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data;

public class IdxDatasetTests
{
    /// <summary>Writes gzip IDX images [n, 2, 3] (pixel = 10 × sample + position) and labels (sample % 3).</summary>
    internal static void WritePair(string imagesPath, string labelsPath, int n, int? labelCount = null)
    {
        byte[] pixels = new byte[n * 6];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)(10 * (i / 6) + i % 6);
        byte[] labels = [.. Enumerable.Range(0, labelCount ?? n).Select(i => (byte)(i % 3))];
        File.WriteAllBytes(imagesPath, IdxReaderTests.Gzip(IdxReaderTests.IdxBytes([n, 2, 3], pixels)));
        File.WriteAllBytes(labelsPath, IdxReaderTests.Gzip(IdxReaderTests.IdxBytes([labels.Length], labels)));
    }

    [Fact]
    public void Load_ImagesAndLabels_ScaledWithChannelAxis()
    {
        using var dir = new TempFolder();
        WritePair(dir.File("i.gz"), dir.File("l.gz"), n: 4);

        var data = IdxDataset.Load(dir.File("i.gz"), dir.File("l.gz"), ["a", "b", "c"]);

        Assert.Equal(new Shape(4, 1, 2, 3), data.Features.Shape);
        Assert.Equal(35 / 255f, data.Features[3, 0, 1, 2]);
        Assert.Equal([0f, 1f, 2f, 0f], data.Labels.ToArray());
        Assert.Equal(["a", "b", "c"], data.ClassNames!);
    }

    [Fact]
    public void Load_CountsDiffer_ThrowsNamingBothFiles()
    {
        using var dir = new TempFolder();
        WritePair(dir.File("i.gz"), dir.File("l.gz"), n: 4, labelCount: 3);

        var e = Assert.Throws<FoveaException>(() => IdxDataset.Load(dir.File("i.gz"), dir.File("l.gz")));

        Assert.Contains(dir.File("i.gz") + "' holds 4 images", e.Message);
        Assert.Contains(dir.File("l.gz") + "' holds 3 labels", e.Message);
    }

    [Fact]
    public void Load_LabelNotAClass_ThrowsNamingLabelFile()
    {
        using var dir = new TempFolder();
        WritePair(dir.File("i.gz"), dir.File("l.gz"), n: 4);

        var e = Assert.Throws<FoveaException>(() => IdxDataset.Load(dir.File("i.gz"), dir.File("l.gz"), ["a", "b"]));

        Assert.Contains(dir.File("l.gz"), e.Message);
        Assert.Contains("label 2 of sample 2", e.Message);
    }

    [Fact]
    public void Load_LabelsGivenAsImages_ThrowsExpectingRank()
    {
        using var dir = new TempFolder();
        WritePair(dir.File("i.gz"), dir.File("l.gz"), n: 2);

        var e = Assert.Throws<FoveaException>(() => IdxDataset.Load(dir.File("i.gz"), dir.File("i.gz")));

        Assert.Contains("expected labels [N]", e.Message);
    }
}
