using System.Globalization;
using System.Text.RegularExpressions;
using Fovea.IO;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Tests.Onnx;
using SkiaSharp;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Cli;

/// <summary>
/// <c>fovea finetune</c> on the tiny ONNX backbone of <see cref="OnnxModelBuilder.TinyBackbone"/> (random weights)
/// with a few hundred Fashion-MNIST images at 16×16, or a generated image folder: the phases, the saved run folder,
/// the accuracy, and one-line errors. The library path it drives is tested in
/// <see cref="Fovea.Tests.Models.TransferLearningTests"/>.
/// </summary>
[Collection("Console")]
public sealed partial class FinetuneCommandTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-finetune-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteBackbone()
    {
        string path = Path.Combine(_dir, "tiny.onnx");
        File.WriteAllBytes(path, OnnxModelBuilder.TinyBackbone().Bytes());
        return path;
    }

    [GeneratedRegex(@"^test_accuracy=([01]\.\d{4})", RegexOptions.Multiline)]
    private static partial Regex TestAccuracy();

    private static double Accuracy(string output) =>
        double.Parse(TestAccuracy().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>
    /// Ten classes, 400 training images: a linear head on the 8 pooled channels of a random 2-stage network separates
    /// some classes (trousers, bags and shoes differ in brightness and shape) but not all; 0.25, two and a half times
    /// chance, is a floor with margin (a similar random network reached 0.36 to 0.44 here).
    /// </summary>
    [Fact]
    public void Finetune_FashionMnistOnTinyBase_PhasesAccuracyAndRunFolder()
    {
        string run = Path.Combine(_dir, "run");
        var (code, output, err) = CliHarness.Run("finetune", "--base", WriteBackbone(), "--train-count", "400",
            "--test-count", "300", "--image-size", "16", "--epochs", "10", "--fine-tune-epochs", "2",
            "--batch-size", "16", "--preprocess", "torch", "--dropout", "0", "--lr", "0.1", "--out", run);
        log.WriteLine(output);
        Assert.True(code == 0, err);
        Assert.Contains("cut after 'r2'", output);
        Assert.Contains("400 training and 300 test images of [3, 16, 16] (Fashion-MNIST), 10 classes", output);
        Assert.Contains("head: the base frozen; 90 trainable parameters", output);   // Dense(8 → 10)
        Assert.Matches(@"epoch 10/10 .*loss .*accuracy", output);
        Assert.Contains("fine-tune: the last 1 stage(s) unfrozen (3 layers from 'c2' to 'r2')", output);
        Assert.Matches(@"head_test_accuracy=0\.\d{4}", output);
        Assert.True(Accuracy(output) > 0.25, output);
        foreach (var f in new[] { "model.json", "model.safetensors", "finetune.json", "history-head.csv",
            "history-finetune.csv" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"{f} missing from the run folder");

        // The saved classifier loads, summarises and runs: softmax rows over the 10 classes.
        (code, output, err) = CliHarness.Run("summary", "--model", run);
        Assert.True(code == 0, err);
        Assert.Contains("head (Dense)", output);
        Npy.Save(Path.Combine(_dir, "x.npy"), Tensor.RandomUniform([4, 3, 16, 16], new Rng(1)));
        (code, _, err) = CliHarness.Run("run", "--model", run, "--input", Path.Combine(_dir, "x.npy"), "--output",
            Path.Combine(_dir, "p.npy"));
        Assert.True(code == 0, err);
        var p = Npy.Load(Path.Combine(_dir, "p.npy"));
        Assert.Equal(new Shape(4, 10), p.Shape);
        for (int i = 0; i < 4; i++)
            Assert.Equal(1.0, p.AsReadOnlySpan().Slice(10 * i, 10).ToArray().Sum(), 1e-5);
    }

    [Fact]
    public void Finetune_FromScratch_TrainsEverythingForAllEpochs()
    {
        string run = Path.Combine(_dir, "scratch");
        var (code, output, err) = CliHarness.Run("finetune", "--base", WriteBackbone(), "--train-count", "200",
            "--test-count", "100", "--image-size", "16", "--epochs", "1", "--fine-tune-epochs", "1",
            "--preprocess", "none", "--from-scratch", "--out", run);
        Assert.True(code == 0, err);
        // c1 216 + c2 576 kernels, two BatchNormalizations' γ and β (32), Dense 90.
        Assert.Contains("from scratch: the same network with fresh weights, everything trainable; 914 trainable " +
            "parameters, 2 epochs", output);
        Assert.Matches(@"epoch 2/2 ", output);
        Assert.DoesNotContain("head_test_accuracy", output);
        Assert.Matches(@"test_accuracy=0\.\d{4}", output);
        Assert.True(File.Exists(Path.Combine(run, "history.csv")));
    }

    private static void WritePng(string path, SKColor color, int seed)
    {
        var rng = new Rng(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(20, 20, SKColorType.Rgba8888, SKAlphaType.Premul));
        for (int i = 0; i < 20; i++)
        for (int j = 0; j < 20; j++)
        {
            int noise = (int)(rng.NextFloat() * 60) - 30;
            bitmap.SetPixel(j, i, new SKColor((byte)Math.Clamp(color.Red + noise, 0, 255),
                (byte)Math.Clamp(color.Green + noise, 0, 255), (byte)Math.Clamp(color.Blue + noise, 0, 255)));
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>Two classes of noisy red and blue 20×20 PNGs: a colour any head separates once trained.</summary>
    [Fact]
    public void Finetune_ImageFolder_SplitsPerClassAndLearnsTheColours()
    {
        string data = Path.Combine(_dir, "images");
        for (int i = 0; i < 20; i++)
        {
            WritePng(Path.Combine(data, "blue", $"{i}.png"), new SKColor(40, 60, 200), i);
            WritePng(Path.Combine(data, "red", $"{i}.png"), new SKColor(200, 50, 40), 100 + i);
        }
        var (code, output, err) = CliHarness.Run("finetune", "--base", WriteBackbone(), "--data", data,
            "--image-size", "16", "--epochs", "10", "--fine-tune-epochs", "1", "--batch-size", "8", "--lr", "0.05",
            "--dropout", "0", "--preprocess", "torch", "--out", Path.Combine(_dir, "run"));
        log.WriteLine(output);
        Assert.True(code == 0, err);
        Assert.Contains($"32 training and 8 test images of [3, 16, 16] (image folder '{data}'), 2 classes", output);
        Assert.True(Accuracy(output) >= 0.75, output);   // chance: 0.5
    }

    [Fact]
    public void Finetune_MissingOrCorruptBase_OneErrorLine()
    {
        var (code, _, err) = CliHarness.Run("finetune", "--base", Path.Combine(_dir, "absent.onnx"));
        CliHarness.AssertOneErrorLine(code, err, "absent.onnx");
        string corrupt = Path.Combine(_dir, "corrupt.onnx");
        File.WriteAllBytes(corrupt, OnnxModelBuilder.TinyBackbone().Bytes()[..300]);
        (code, _, err) = CliHarness.Run("finetune", "--base", corrupt);
        CliHarness.AssertOneErrorLine(code, err, "corrupt.onnx");
        File.WriteAllText(corrupt, "this is not a network");
        (code, _, err) = CliHarness.Run("finetune", "--base", corrupt);
        CliHarness.AssertOneErrorLine(code, err, "corrupt.onnx");
    }

    [Theory]
    [InlineData("--epochs", "-1")]
    [InlineData("--image-size", "0")]
    [InlineData("--fine-tune-lr", "0")]
    [InlineData("--unfreeze-stages", "0")]
    public void Finetune_InvalidOption_OneErrorLine(string option, string value)
    {
        var (code, _, err) = CliHarness.Run("finetune", "--base", WriteBackbone(), option, value);
        CliHarness.AssertOneErrorLine(code, err, option);
    }

    [Fact]
    public void Finetune_TooManyStagesToUnfreeze_OneErrorLine()
    {
        var (code, _, err) = CliHarness.Run("finetune", "--base", WriteBackbone(), "--train-count", "50",
            "--test-count", "50", "--image-size", "16", "--epochs", "0", "--fine-tune-epochs", "1",
            "--unfreeze-stages", "3", "--preprocess", "none", "--out", Path.Combine(_dir, "run"));
        CliHarness.AssertOneErrorLine(code, err, "2 stages");
    }

    [Fact]
    public void Finetune_Help_ListsTheOptions()
    {
        var (code, output, _) = CliHarness.Run("finetune", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--base", "--data", "--train-count", "--image-size", "--epochs",
            "--fine-tune-epochs", "--from-scratch", "--out", "--unfreeze-stages" })
            Assert.Contains(option, output);
    }
}
