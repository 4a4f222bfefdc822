using Fovea.IO;
using Fovea.Models.Zoo;
using Fovea.Tensors;
using Fovea.Tests.Golden;
using Fovea.Tests.Models;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Cli;

/// <summary>
/// <c>fovea zoo</c> and <c>fovea run --model zoo:&lt;name&gt; --weights state_dict.safetensors</c>, checked against
/// torchvision's output in <c>tests/golden/zoo.safetensors</c> (weights from <see cref="ZooWeights"/>, written the
/// way <c>safetensors.torch.save_file</c> writes a state dict: F32, and I64 scalars for num_batches_tracked).
/// </summary>
[Collection("Console")]
public sealed class ZooCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-zoo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Zoo_ListsEveryTorchvisionName()
    {
        var (code, stdout, err) = CliHarness.Run("zoo");
        Assert.True(code == 0, err);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // The core's classifiers, then Fovea.Vision's segmentation models.
        Assert.Equal(ModelZoo.Names.Concat(Fovea.Vision.Segmentation.SegmentationZoo.Names), lines);
        Assert.Contains("resnet50", lines);
    }

    [Fact]
    public void Run_ZooResNet18WithTorchStateDict_MatchesTorchvision()
    {
        var g = GoldenFile.Load("zoo", output);
        var model = ModelZoo.Create("resnet18", inputShape: [3, 64, 64]);
        var sd = ZooWeights.For(model);
        Safetensors.Save(File("resnet18.safetensors"), sd, new Dictionary<string, string> { ["format"] = "pt" },
            sd.Where(kv => kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Select(kv => kv.Key)
                .ToHashSet());
        Npy.Save(File("x.npy"), g.Get("input.64"));

        var (code, stdout, err) = CliHarness.Run("run", "--model", "zoo:resnet18", "--weights",
            File("resnet18.safetensors"), "--input", File("x.npy"), "--output", File("y.npy"));
        Assert.True(code == 0, err);
        Assert.Contains("y.npy", stdout);
        // As ZooGoldenTests: 2e-5 of the largest logit (measured 0.9e-6).
        g.Close("resnet18.output", Npy.Load(File("y.npy")), 2e-5 * g.MaxAbs("resnet18.output"), 0);
    }

    [Fact]
    public void Run_ZooGoogLeNetWithAuxiliaryHeads_WritesTheLogits()
    {
        // torchvision's default googlenet() state dict holds aux1 and aux2; eval mode returns the main logits only.
        var g = GoldenFile.Load("zoo", output);
        var model = ModelZoo.Create("googlenet", inputShape: [3, 64, 64]);
        Safetensors.Save(File("googlenet.safetensors"), ZooWeights.For(model));
        Npy.Save(File("x.npy"), g.Get("input.64"));

        var (code, _, err) = CliHarness.Run("run", "--model", "zoo:googlenet", "--weights",
            File("googlenet.safetensors"), "--input", File("x.npy"), "--output", File("y.npy"));
        Assert.True(code == 0, err);
        // As ZooGoldenTests: 2e-5 of the largest logit.
        g.Close("googlenet.output", Npy.Load(File("y.npy")), 2e-5 * g.MaxAbs("googlenet.output"), 0);
    }

    [Fact]
    public void Run_ZooErrors_OneLineEach()
    {
        Npy.Save(File("x.npy"), Tensor.Zeros([1, 3, 32, 32]));
        var (code, _, err) = CliHarness.Run("run", "--model", "zoo:resnet5O", "--weights", File("w.safetensors"),
            "--input", File("x.npy"), "--output", File("y.npy"));
        CliHarness.AssertOneErrorLine(code, err, "unknown zoo model 'resnet5O'");
        Assert.Contains("resnet50", err);

        (code, _, err) = CliHarness.Run("run", "--model", "zoo:resnet18", "--input", File("x.npy"), "--output",
            File("y.npy"));
        CliHarness.AssertOneErrorLine(code, err, "needs --weights");

        Safetensors.Save(File("w.safetensors"), [new("conv1.weight", Tensor.Zeros([64, 3, 5, 5]))]);
        (code, _, err) = CliHarness.Run("run", "--model", "zoo:resnet18", "--weights", File("w.safetensors"),
            "--input", File("x.npy"), "--output", File("y.npy"));
        CliHarness.AssertOneErrorLine(code, err, "'conv1.weight' has shape [64, 3, 5, 5], the model expects [64, 3, 7, 7]");
        Assert.False(System.IO.File.Exists(File("y.npy")));
    }
}
