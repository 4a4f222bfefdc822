using Xunit;

namespace Fovea.Tests.Cli;

/// <summary>The `fovea` command line, run in-process with the console captured (not in parallel: Console is global).</summary>
[Collection("Console")]
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    private static void AssertOneErrorLine(int code, string err, string contains) =>
        CliHarness.AssertOneErrorLine(code, err, contains);

    [Fact]
    public void Train_MissingDataFolder_OneErrorLine()
    {
        var (code, _, err) = Run("train", "--data", Path.Combine(_dir, "nowhere"));
        AssertOneErrorLine(code, err, "nowhere");
    }

    [Fact]
    public void Train_TruncatedIdxFile_OneErrorLineNamingTheFile()
    {
        string data = Path.Combine(_dir, "fmnist");
        Directory.CreateDirectory(data);
        string bundled = Fovea.Data.DatasetLocator.Find("fashion-mnist", ["train-labels-idx1-ubyte.gz"])!;
        foreach (var f in Directory.GetFiles(bundled, "*.gz"))
            File.Copy(f, Path.Combine(data, Path.GetFileName(f)));
        string images = Path.Combine(data, "train-images-idx3-ubyte.gz");
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..100_000]);
        var (code, _, err) = Run("train", "--data", data);
        AssertOneErrorLine(code, err, "train-images-idx3-ubyte.gz");
    }

    [Theory]
    [InlineData("--batch-size", "0")]
    [InlineData("--epochs", "-1")]
    [InlineData("--lr", "0")]
    [InlineData("--limit", "0")]
    public void Train_InvalidOption_OneErrorLine(string option, string value)
    {
        var (code, _, err) = Run("train", option, value);
        AssertOneErrorLine(code, err, option);
    }

    [Fact]
    public void Help_ListsVerbsAndTrainOptions()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        foreach (var verb in new[] { "train", "summary", "run", "finetune", "export" })
            Assert.Contains(verb, output);
        (code, output, _) = Run("train", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--epochs", "--batch-size", "--lr", "--seed", "--limit", "--out", "--data" })
            Assert.Contains(option, output);
    }

    [Fact]
    public void Summary_PrintsReferenceModel()
    {
        var (code, output, _) = Run("summary");
        Assert.Equal(0, code);
        Assert.Contains("Trainable params: 157,290", output);
    }

    [Fact]
    public void Summary_OnnxFile_PrintsTheImportedLayers()
    {
        string path = Path.Combine(_dir, "small.onnx");
        File.WriteAllBytes(path, Fovea.Tests.Onnx.OnnxModelBuilder.SmallCnn().Bytes());
        var (code, output, err) = Run("summary", "--model", path);
        Assert.True(code == 0, err);
        Assert.Contains("conv (Conv2D)", output);
        Assert.Contains("fc (Dense)", output);
        // Conv, BatchNormalization (γ, β, mean, variance of 4 channels and the batch count), Dense.
        Assert.Contains($"Total params: {4 * 2 * 9 + 4 + 4 * 4 + 1 + 3 * 64 + 3}", output);
    }

    [Fact]
    public void Summary_MissingModel_OneErrorLine()
    {
        var (code, _, err) = Run("summary", "--model", Path.Combine(_dir, "none.onnx"));
        AssertOneErrorLine(code, err, "none.onnx");
    }

    [Fact]
    public void Train_SmallRun_WritesRunFolderAndTestAccuracy()
    {
        string run = Path.Combine(_dir, "run");
        var (code, output, err) = Run("train", "--epochs", "1", "--limit", "512", "--batch-size", "64", "--out", run);
        Assert.True(code == 0, err);
        Assert.Matches(@"epoch 1/1 .*loss .*val_accuracy .*img/s", output);
        Assert.Matches(@"test_accuracy=0\.\d{4}", output);
        foreach (var f in new[] { "model.json", "model.safetensors", "history.csv", "curves.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"{f} missing from the run folder");
        (code, output, _) = Run("summary", "--model", run);
        Assert.Equal(0, code);
        Assert.Contains("reference_cnn", output);
        (code, output, err) = Run("export", run);
        Assert.True(code == 0, err);
        Assert.Contains("exported 'reference_cnn'", output);
        Assert.True(File.Exists(Path.Combine(run, "model.onnx")), "model.onnx missing from the run folder");
    }

    /// <summary>
    /// <c>fovea export DIR --out FILE</c> writes the saved model as ONNX; ONNX Runtime runs the file with the saved
    /// model's outputs (tolerance 1e−5: LeNet-5's logits of order 1 after five layers).
    /// </summary>
    [Fact]
    public void Export_SavedModel_WritesOnnxThatOnnxRuntimeRuns()
    {
        string saved = Path.Combine(_dir, "lenet");
        var model = Fovea.Models.Zoo.LeNet5.Create(inputShape: [1, 28, 28], seed: 4);
        model.Save(saved);
        string file = Path.Combine(_dir, "out", "lenet.onnx");
        var (code, output, err) = Run("export", saved, "--out", file);
        Assert.True(code == 0, err);
        Assert.Contains(file, output);
        var x = Fovea.Tensors.Tensor.RandomNormal([2, 1, 28, 28], new Fovea.Tensors.Rng(3));
        var expected = model.Predict(x).ToArray();
        var actual = Onnx.OrtReference.Run(file, x)[0].ToArray();
        TensorAssert.Close(expected, actual, 1e-5, 0, "LeNet-5 exported by fovea export");
    }

    [Fact]
    public void Export_NotASavedModel_OneErrorLine()
    {
        var (code, _, err) = Run("export", Path.Combine(_dir, "nowhere"));
        AssertOneErrorLine(code, err, "nowhere");
        Assert.Contains("model.json", err);
    }

    [Fact]
    public void Train_StrongRecipe_AugmentsWithoutHoldOutAndSavesItsModel()
    {
        string run = Path.Combine(_dir, "strong");
        var (code, output, err) = Run("train", "--recipe", "strong", "--epochs", "1", "--limit", "256", "--out", run,
            "--tensorboard");
        Assert.True(code == 0, err);
        Assert.Contains("recipe 'strong'", output);
        Assert.Contains("augmented", output);
        Assert.Matches(@"epoch 1/1 .*loss .*lr .*img/s", output);
        Assert.DoesNotContain("val_loss", output);   // the recipe trains on every image: nothing held out
        Assert.Matches(@"test_accuracy=0\.\d{4}", output);
        (code, output, _) = Run("summary", "--model", run);
        Assert.Equal(0, code);
        Assert.Contains("compact_cnn", output);
        Assert.Contains("\"Recipe\":\"strong\"", File.ReadAllText(Path.Combine(run, "train.json")));
        var events = Directory.GetFiles(Path.Combine(run, "tensorboard", "train"), "events.out.tfevents.*");
        Assert.True(events.Length == 1 && new FileInfo(events[0]).Length > 1000, "no TensorBoard event file was written");
    }

    [Fact]
    public void Train_UnknownRecipe_OneErrorLine()
    {
        var (code, _, err) = Run("train", "--recipe", "fastest");
        Assert.NotEqual(0, code);
        Assert.Contains("fastest", err);
        Assert.DoesNotContain("   at ", err);
    }
}
