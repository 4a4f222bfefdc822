using Fovea.Vision.Formats;
using Xunit;

namespace Fovea.Vision.Tests.Formats;

/// <summary>YOLO label files: normalised centre/size conversion, round trip, errors naming file and line.</summary>
public sealed class YoloTxtTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-yolo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FromXyxy_HandComputed_NormalisedCentreAndSize()
    {
        // Box (40, 30)-(100, 90) in a 200×120 image: centre (70, 60) → (0.35, 0.5), size 60×60 → (0.3, 0.5).
        var l = YoloLabel.FromXyxy(3, 40, 30, 100, 90, 200, 120);
        Assert.Equal(new YoloLabel(3, 0.35, 0.5, 0.3, 0.5), l);
        var (x1, y1, x2, y2) = l.ToXyxy(200, 120);
        Assert.Equal(40, x1, 12);
        Assert.Equal(30, y1, 12);
        Assert.Equal(100, x2, 12);
        Assert.Equal(90, y2, 12);
    }

    [Fact]
    public void Write_ThenRead_SameLabels()
    {
        YoloLabel[] labels = [new(0, 0.5, 0.5, 1, 1), new(12, 1.0 / 3.0, 0.1 + 0.2, 0.015625, 2e-9)];
        string path = Path.Combine(_dir, "img.txt");
        YoloTxt.Write(labels, path);
        Assert.Equal(labels, YoloTxt.Read(path));
    }

    [Fact]
    public void Read_EmptyFile_NoObjects()
    {
        string path = Path.Combine(_dir, "empty.txt");
        File.WriteAllText(path, "\n");
        Assert.Empty(YoloTxt.Read(path));
    }

    [Theory]
    [InlineData("0 0.5 0.5 0.1\n", "line 1")]
    [InlineData("0 0.5 0.5 0.1 0.1\n-1 0.5 0.5 0.1 0.1\n", "line 2")]
    [InlineData("0 0.5 x 0.1 0.1\n", "'x' is not a number")]
    public void Read_Malformed_ErrorNamesFileAndLine(string text, string message)
    {
        string path = Path.Combine(_dir, "bad.txt");
        File.WriteAllText(path, text);
        var e = Assert.Throws<FoveaException>(() => YoloTxt.Read(path));
        Assert.Contains("bad.txt", e.Message);
        Assert.Contains(message, e.Message);
    }
}
