using Fovea.Data;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data;

public class Cifar10Tests
{
    /// <summary>
    /// Writes the six batch files with <paramref name="perFile"/> records each. Record k of the whole set (train
    /// files then test) has label k % 10 and pixels R = k, G = 100 + k, B = 200 + (k % 50) everywhere, except pixel
    /// (row 1, column 2) of the red plane, which is 255.
    /// </summary>
    private static void WriteBatches(string folder, int perFile)
    {
        Directory.CreateDirectory(folder);
        int k = 0;
        foreach (string file in (string[])[.. Cifar10.TrainFiles, Cifar10.TestFile])
        {
            byte[] bytes = new byte[perFile * Cifar10.RecordLength];
            for (int r = 0; r < perFile; r++, k++)
            {
                var record = bytes.AsSpan(r * Cifar10.RecordLength, Cifar10.RecordLength);
                record[0] = (byte)(k % 10);
                record.Slice(1, 1024).Fill((byte)k);
                record.Slice(1 + 1024, 1024).Fill((byte)(100 + k));
                record.Slice(1 + 2048, 1024).Fill((byte)(200 + k % 50));
                record[1 + 1 * 32 + 2] = 255;
            }
            File.WriteAllBytes(Path.Combine(folder, file), bytes);
        }
    }

    [Fact]
    public void Load_SyntheticBatches_ReadsLabelsAndChannelPlanes()
    {
        using var dir = new TempFolder();
        WriteBatches(dir.Path, perFile: 3);

        var (train, test) = Cifar10.Load(dir.Path);

        Assert.Equal(new Shape(15, 3, 32, 32), train.Features.Shape);
        Assert.Equal(new Shape(3, 3, 32, 32), test.Features.Shape);
        Assert.Equal(Enumerable.Range(0, 15).Select(k => (float)(k % 10)), train.Labels.ToArray());
        Assert.Equal([5f, 6f, 7f], test.Labels.ToArray());
        Assert.Equal(7 / 255f, train.Features[7, 0, 31, 31]);
        Assert.Equal(107 / 255f, train.Features[7, 1, 0, 0]);
        Assert.Equal(207 / 255f, train.Features[7, 2, 16, 5]);
        Assert.Equal(1f, train.Features[7, 0, 1, 2]);
        Assert.Equal(116 / 255f, test.Features[1, 1, 1, 2]);
        Assert.Equal(Cifar10.DefaultClassNames, train.ClassNames!);
    }

    [Fact]
    public void Load_MetaFile_GivesClassNames()
    {
        using var dir = new TempFolder();
        WriteBatches(dir.Path, perFile: 1);
        string[] names = ["a0", "b1", "c2", "d3", "e4", "f5", "g6", "h7", "i8", "j9"];
        File.WriteAllText(dir.File("batches.meta.txt"), string.Join("\n", names) + "\n\n");

        var (train, test) = Cifar10.Load(dir.Path);

        Assert.Equal(names, train.ClassNames!);
        Assert.Equal(names, test.ClassNames!);
    }

    [Fact]
    public void Load_ParentOfExtractedFolder_FindsBatches()
    {
        using var dir = new TempFolder();
        WriteBatches(Path.Combine(dir.Path, "cifar-10-batches-bin"), perFile: 1);

        var (train, _) = Cifar10.Load(dir.Path);

        Assert.Equal(5, train.Count);
    }

    [Fact]
    public void Load_MissingBatch_ThrowsNamingFile()
    {
        using var dir = new TempFolder();
        WriteBatches(dir.Path, perFile: 1);
        File.Delete(dir.File("data_batch_4.bin"));

        var e = Assert.Throws<FoveaException>(() => Cifar10.Load(dir.Path));

        Assert.Contains(dir.File("data_batch_4.bin"), e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Load_LengthNotMultipleOfRecord_ThrowsNamingFileAndLength()
    {
        using var dir = new TempFolder();
        WriteBatches(dir.Path, perFile: 2);
        string path = dir.File("test_batch.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^100]);

        var e = Assert.Throws<FoveaException>(() => Cifar10.Load(dir.Path));

        Assert.Contains(path, e.Message);
        Assert.Contains($"{2 * 3073 - 100} bytes", e.Message);
        Assert.Contains("3073", e.Message);
    }

    [Fact]
    public void Load_LabelOutOfRange_ThrowsNamingFileAndRecord()
    {
        using var dir = new TempFolder();
        WriteBatches(dir.Path, perFile: 2);
        string path = dir.File("data_batch_2.bin");
        byte[] bytes = File.ReadAllBytes(path);
        bytes[Cifar10.RecordLength] = 10;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<FoveaException>(() => Cifar10.Load(dir.Path));

        Assert.Contains(path, e.Message);
        Assert.Contains("record 1 has label 10", e.Message);
    }

    [Fact]
    public void Load_MissingFolder_ThrowsNamingFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "fovea-no-cifar-" + Guid.NewGuid().ToString("N"));

        var e = Assert.Throws<FoveaException>(() => Cifar10.Load(folder));

        Assert.Contains(folder, e.Message);
    }
}
