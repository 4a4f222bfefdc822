using Fovea.IO;
using Fovea.Tensors;
using Fovea.Tests.Golden;
using Fovea.Tests.Models;
using Fovea.Vision.Segmentation;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Cli;

/// <summary>
/// <c>fovea run --model zoo:&lt;segmentation name&gt; --weights state_dict.safetensors</c> writes torchvision's
/// <c>out</c> (the main head's logits at the input size), checked against <c>tests/golden/segmentation.safetensors</c>
/// (<c>tools/golden/make_segmentation_golden.py</c>; weights from <see cref="ZooWeights"/>, written as
/// <c>safetensors.torch.save_file</c> writes a state dict, auxiliary head included).
/// </summary>
[Collection("Console")]
public sealed class SegmentationZooCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-segzoo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    [Theory]
    [InlineData("deeplabv3_mobilenet_v3_large")]
    [InlineData("lraspp_mobilenet_v3_large")]
    public void Run_ZooSegmentationWithTorchStateDict_WritesTorchvisionsOut(string name)
    {
        var g = GoldenFile.Load("segmentation", output);
        var model = SegmentationZoo.Create(name, inputShape: [3, 33, 33]);
        var sd = ZooWeights.For(model);
        Safetensors.Save(File("w.safetensors"), sd, new Dictionary<string, string> { ["format"] = "pt" },
            sd.Where(kv => kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Select(kv => kv.Key)
                .ToHashSet());
        Npy.Save(File("x.npy"), g.Get("input"));

        var (code, _, err) = CliHarness.Run("run", "--model", $"zoo:{name}", "--weights", File("w.safetensors"),
            "--input", File("x.npy"), "--output", File("y.npy"));
        Assert.True(code == 0, err);
        // As SegmentationZooGoldenTests: 2e-5 of the largest logit (measured below 1e-6 for the MobileNets).
        g.Close($"{name}.out", Npy.Load(File("y.npy")), 2e-5 * g.MaxAbs($"{name}.out"), 0);
    }

    [Fact]
    public void Run_ZooSegmentationStateDictWithOtherClasses_BuildsThatManyClasses()
    {
        var model = SegmentationZoo.Create("lraspp_mobilenet_v3_large", classes: 3, inputShape: [3, 17, 17]);
        Safetensors.Save(File("w.safetensors"), ZooWeights.For(model));
        Npy.Save(File("x.npy"), Tensor.Zeros([2, 3, 17, 17]));

        var (code, _, err) = CliHarness.Run("run", "--model", "zoo:lraspp_mobilenet_v3_large", "--weights",
            File("w.safetensors"), "--input", File("x.npy"), "--output", File("y.npy"));
        Assert.True(code == 0, err);
        Assert.Equal(new Shape(2, 3, 17, 17), Npy.Load(File("y.npy")).Shape);
    }
}
