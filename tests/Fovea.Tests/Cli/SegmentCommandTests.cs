using System.Globalization;
using System.Text.RegularExpressions;
using Fovea.Vision.Segmentation;
using Xunit;

namespace Fovea.Tests.Cli;

/// <summary><c>fovea segment train</c> and <c>fovea segment</c> on a tiny generated dataset.</summary>
[Collection("Console")]
public sealed partial class SegmentCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-segment-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SegmentTrain_OneEpochThenResume_ReportsTheMIoUOfTheMasksItWrites()
    {
        string data = Path.Combine(_dir, "data"), run = Path.Combine(_dir, "run"), pred = Path.Combine(_dir, "pred");
        var (code, _, err) = CliHarness.Run("detect", "generate", "--out", data, "--train", "4", "--val", "2",
            "--size", "128", "--seed", "3");
        Assert.True(code == 0, err);

        (code, var output, err) = CliHarness.Run("segment", "train", "--model", "unet", "--data", data, "--epochs", "1",
            "--batch-size", "2", "--out", run, "--filters", "4");
        Assert.True(code == 0, err);
        Assert.Contains("epoch 1/1", output);
        foreach (string file in new[] { "model.json", "model.safetensors", "checkpoint.safetensors", "report.html" })
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        Assert.Contains("Per-class IoU", File.ReadAllText(Path.Combine(run, "report.html")));

        // --resume continues after epoch 1 (the checkpoint) instead of starting again.
        (code, output, err) = CliHarness.Run("segment", "train", "--out", run, "--resume", "--epochs", "2");
        Assert.True(code == 0, err);
        Assert.Contains("resuming", output);
        Assert.DoesNotContain("epoch 1/2", output);
        Assert.Contains("epoch 2/2", output);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "history.csv")).Length); // header + two epochs
        double printed = double.Parse(MIoULine().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);

        // The masks `fovea segment` writes for the val images, scored here with IoU = TP / (TP + FP + FN) over both
        // images together (classes absent from truth and prediction skipped), give the mIoU training printed.
        (code, output, err) = CliHarness.Run("segment", "--model", run, "--images", Path.Combine(data, "val", "images"),
            "--out", pred);
        Assert.True(code == 0, err);
        Assert.Contains("segmented 2 images", output);
        var (tp, fp, fn) = (new long[256], new long[256], new long[256]);
        foreach (string name in new[] { "000000.png", "000001.png" })
        {
            Assert.True(File.Exists(Path.Combine(pred, "overlays", name)));
            var (p, _, _) = SegmentationFolder.ReadMask(Path.Combine(pred, "masks", name));
            var (t, _, _) = SegmentationFolder.ReadMask(Path.Combine(data, "val", "masks", name));
            for (int i = 0; i < p.Length; i++)
            {
                if (p[i] == t[i])
                {
                    tp[(int)p[i]]++;
                    continue;
                }
                fp[(int)p[i]]++;
                fn[(int)t[i]]++;
            }
        }
        var ious = Enumerable.Range(0, 11).Where(k => tp[k] + fp[k] + fn[k] > 0)
            .Select(k => tp[k] / (double)(tp[k] + fp[k] + fn[k])).ToList();
        Assert.Equal(ious.Average(), printed, 5.1e-5); // printed with 4 decimals
    }

    [Fact]
    public void SegmentTrain_ResumeWithoutRunFolder_OneErrorLine()
    {
        var (code, _, err) = CliHarness.Run("segment", "train", "--out", Path.Combine(_dir, "none"), "--resume");
        CliHarness.AssertOneErrorLine(code, err, "not a segment run folder");
    }

    [GeneratedRegex(@"val_mIoU=([0-9.]+)")]
    private static partial Regex MIoULine();
}
