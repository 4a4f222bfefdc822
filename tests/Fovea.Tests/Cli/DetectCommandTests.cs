using Xunit;

namespace Fovea.Tests.Cli;

/// <summary><c>fovea detect generate</c>: writes a COCO folder; bad counts give one error line.</summary>
[Collection("Console")]
public sealed class DetectCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-detect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DetectGenerate_SmallDataset_WritesCocoFolderThatEvaluatesPerfectlyAgainstItself()
    {
        var (code, output, err) = CliHarness.Run("detect", "generate", "--out", _dir, "--train", "1", "--val", "1",
            "--seed", "4");
        Assert.True(code == 0, err);
        Assert.Contains("wrote 1 train and 1 val", output);
        foreach (string split in new[] { "train", "val" })
        {
            Assert.True(File.Exists(Path.Combine(_dir, split, "images", "000000.png")));
            Assert.True(File.Exists(Path.Combine(_dir, split, "masks", "000000.png")));
        }
        // The ground truth as detections (score 1) must score AP 1: pycocotools' rule on a perfect result.
        string gt = Path.Combine(_dir, "val", "annotations.json");
        var coco = Fovea.Vision.Formats.CocoJson.ReadDataset(gt);
        string dt = Path.Combine(_dir, "dt.json");
        Fovea.Vision.Formats.CocoJson.WriteDetections(
            coco.Annotations.Select(a => new Fovea.Vision.Formats.CocoDetection(a.ImageId, a.CategoryId, a.Box, 1)),
            dt);
        (code, output, err) = CliHarness.Run("evaluate-detections", "--gt", gt, "--detections", dt);
        Assert.True(code == 0, err);
        // Precision is tp / (tp + fp + 2^-52), as in pycocotools, so a perfect AP prints as 0.9999999999999998.
        using var json = System.Text.Json.JsonDocument.Parse(output);
        double[] stats = [.. json.RootElement.GetProperty("stats").EnumerateArray().Select(e => e.GetDouble())];
        Assert.Equal(1, stats[0], 12);
        Assert.All(stats, v => Assert.True(v == -1 || Math.Abs(v - 1) < 1e-12, $"stat {v}"));
    }

    [Fact]
    public void DetectGenerate_NegativeCount_OneErrorLine()
    {
        var (code, _, err) = CliHarness.Run("detect", "generate", "--out", _dir, "--train", "-1");
        CliHarness.AssertOneErrorLine(code, err, "--train");
    }
}
