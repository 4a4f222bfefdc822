using Fovea.Vision.Formats;
using Fovea.Vision.Metrics;
using Xunit;

namespace Fovea.Tests.Cli;

/// <summary><c>fovea detect train</c>, <c>--resume</c> and <c>fovea detect --model RUN</c> on a tiny generated
/// dataset (4 + 2 images of 128 px, the model at 64 px).</summary>
[Collection("Console")]
public sealed class DetectTrainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-detect-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DetectTrainResumeAndDetect_TinyDataset_WritesRunAndPredictionsThatEvaluate()
    {
        string data = Path.Combine(_dir, "data"), run = Path.Combine(_dir, "run"), pred = Path.Combine(_dir, "pred");
        var (code, _, err) = CliHarness.Run("detect", "generate", "--out", data, "--train", "4", "--val", "2",
            "--size", "128");
        Assert.True(code == 0, err);
        (code, var output, err) = CliHarness.Run("detect", "train", "--model", "yolo-n", "--data", data, "--epochs",
            "1", "--batch-size", "2", "--image-size", "64", "--out", run);
        Assert.True(code == 0, err);
        Assert.Contains("epoch 1/1: loss", output);
        foreach (string f in new[] { "model/model.json", "model/model.safetensors", "model/yolo.json",
                     "checkpoint/state.json", "checkpoint/weights.safetensors", "checkpoint/optimizer.safetensors",
                     "report.html" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);
        string html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("<polyline", html);
        Assert.Contains("data:image/png;base64,", html);

        (code, output, err) = CliHarness.Run("detect", "train", "--model", "yolo-n", "--data", data, "--epochs",
            "2", "--batch-size", "2", "--image-size", "64", "--out", run, "--resume");
        Assert.True(code == 0, err);
        Assert.Contains("after epoch 1", output);
        Assert.DoesNotContain("epoch 1/2:", output);
        Assert.Contains("epoch 2/2: loss", output);

        (code, _, err) = CliHarness.Run("detect", "--model", run, "--images", Path.Combine(data, "val", "images"),
            "--out", pred);
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(pred, "000000.png")));
        var detections = CocoJson.ReadDetections(Path.Combine(pred, "predictions.json"));
        var gt = CocoJson.ReadDataset(Path.Combine(data, "val", "annotations.json"));
        // Image ids and category ids refer to the ground truth; boxes lie in the 128-px images.
        Assert.All(detections, d =>
        {
            Assert.Contains(gt.Images, i => i.Id == d.ImageId);
            Assert.Contains(gt.Categories, c => c.Id == d.CategoryId);
            Assert.InRange(d.Box.X, 0, 128);
            Assert.InRange(d.Box.X + d.Box.Width, 0, 128.001);
            Assert.InRange(d.Score, 0, 1);
        });
        var stats = CocoEvaluator.Evaluate(gt, detections).Stats;
        Assert.Equal(12, stats.Count);
        Assert.InRange(stats[0], 0, 1);
    }

    [Fact]
    public void DetectTrain_UnknownModel_OneErrorLine()
    {
        var (code, _, err) = CliHarness.Run("detect", "train", "--model", "yolo-x", "--data", _dir, "--out", _dir);
        CliHarness.AssertOneErrorLine(code, err, "yolo-x");
    }
}
