using Fovea.Data;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data;

public class Cifar100Tests
{
    /// <summary>
    /// Writes train.bin with <paramref name="train"/> records and test.bin with <paramref name="test"/>. Record k
    /// (train then test) has coarse label k % 20, fine label (3k) % 100, and pixels R = k, G = 100 + k,
    /// B = 200 + k % 50, except pixel (row 2, column 5) of the green plane, which is 255.
    /// </summary>
    private static void WriteFiles(string folder, int train, int test)
    {
        Directory.CreateDirectory(folder);
        int k = 0;
        (string File, int Count)[] files = [(Cifar100.TrainFile, train), (Cifar100.TestFile, test)];
        foreach (var (file, count) in files)
        {
            byte[] bytes = new byte[count * Cifar100.RecordLength];
            for (int r = 0; r < count; r++, k++)
            {
                var record = bytes.AsSpan(r * Cifar100.RecordLength, Cifar100.RecordLength);
                record[0] = (byte)(k % 20);
                record[1] = (byte)(3 * k % 100);
                record.Slice(2, 1024).Fill((byte)k);
                record.Slice(2 + 1024, 1024).Fill((byte)(100 + k));
                record.Slice(2 + 2048, 1024).Fill((byte)(200 + k % 50));
                record[2 + 1024 + 2 * 32 + 5] = 255;
            }
            File.WriteAllBytes(Path.Combine(folder, file), bytes);
        }
    }

    [Fact]
    public void Load_FineLabels_ReadsSecondLabelByteAndChannelPlanes()
    {
        using var dir = new TempFolder();
        WriteFiles(dir.Path, train: 40, test: 3);

        var (train, test) = Cifar100.Load(dir.Path);

        Assert.Equal(new Shape(40, 3, 32, 32), train.Features.Shape);
        Assert.Equal(new Shape(3, 3, 32, 32), test.Features.Shape);
        Assert.Equal(Enumerable.Range(0, 40).Select(k => (float)(3 * k % 100)), train.Labels.ToArray());
        Assert.Equal([20f, 23f, 26f], test.Labels.ToArray());
        Assert.Equal(7 / 255f, train.Features[7, 0, 31, 31]);
        Assert.Equal(107 / 255f, train.Features[7, 1, 0, 0]);
        Assert.Equal(1f, train.Features[7, 1, 2, 5]);
        Assert.Equal(207 / 255f, train.Features[7, 2, 16, 5]);
        Assert.Equal(Cifar100.FineClassNames, train.ClassNames!);
        Assert.Equal(100, train.ClassNames!.Count);
    }

    [Fact]
    public void Load_CoarseLabels_ReadsFirstLabelByte()
    {
        using var dir = new TempFolder();
        WriteFiles(dir.Path, train: 25, test: 2);

        var (train, test) = Cifar100.Load(dir.Path, Cifar100Labels.Coarse);

        Assert.Equal(Enumerable.Range(0, 25).Select(k => (float)(k % 20)), train.Labels.ToArray());
        Assert.Equal([5f, 6f], test.Labels.ToArray());
        Assert.Equal(20, train.ClassNames!.Count);
        Assert.Equal("aquatic_mammals", train.ClassNames[0]);
        Assert.Equal("vehicles_2", train.ClassNames[19]);
    }

    [Fact]
    public void Load_NameFilesInExtractedSubfolder_GiveClassNames()
    {
        using var dir = new TempFolder();
        string folder = Path.Combine(dir.Path, "cifar-100-binary");
        WriteFiles(folder, train: 2, test: 1);
        string[] coarse = [.. Enumerable.Range(0, 20).Select(i => $"super{i}")];
        File.WriteAllLines(Path.Combine(folder, "coarse_label_names.txt"), [.. coarse, ""]);

        var (train, _) = Cifar100.Load(dir.Path, Cifar100Labels.Coarse);

        Assert.Equal(coarse, train.ClassNames!);
    }

    [Fact]
    public void Load_TooFewNames_ThrowsNamingFile()
    {
        using var dir = new TempFolder();
        WriteFiles(dir.Path, train: 2, test: 1);
        File.WriteAllLines(dir.File("fine_label_names.txt"), ["a", "b"]);

        var e = Assert.Throws<FoveaException>(() => Cifar100.Load(dir.Path));

        Assert.Contains(dir.File("fine_label_names.txt"), e.Message);
        Assert.Contains("expected 100", e.Message);
    }

    [Fact]
    public void Load_TruncatedFile_ThrowsNamingFileAndRecordLength()
    {
        using var dir = new TempFolder();
        WriteFiles(dir.Path, train: 2, test: 2);
        string path = dir.File(Cifar100.TestFile);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^10]);

        var e = Assert.Throws<FoveaException>(() => Cifar100.Load(dir.Path));

        Assert.Contains(path, e.Message);
        Assert.Contains("3074-byte records", e.Message);
    }

    [Fact]
    public void Load_FineLabelOutOfRange_ThrowsNamingRecord()
    {
        using var dir = new TempFolder();
        WriteFiles(dir.Path, train: 3, test: 1);
        string path = dir.File(Cifar100.TrainFile);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[2 * Cifar100.RecordLength + 1] = 100;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<FoveaException>(() => Cifar100.Load(dir.Path));

        Assert.Contains(path, e.Message);
        Assert.Contains("record 2 has label 100", e.Message);
    }

    [Fact]
    public void Load_MissingTestFile_ThrowsNamingIt()
    {
        using var dir = new TempFolder();
        WriteFiles(dir.Path, train: 1, test: 1);
        File.Delete(dir.File(Cifar100.TestFile));

        var e = Assert.Throws<FoveaException>(() => Cifar100.Load(dir.Path));

        Assert.Contains(dir.File(Cifar100.TestFile), e.Message);
        Assert.Contains("missing", e.Message);
    }
}
