using Fovea.Tensors;
using Fovea.Vision.Ops;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Vision.Tests.Ops;

/// <summary>
/// <see cref="FeaturePyramidNetwork"/> against <c>torchvision.ops.FeaturePyramidNetwork</c> 0.14
/// (<c>detection_ops.safetensors</c>): its state dict loaded by name (the names must be exactly torchvision's), odd
/// sizes so the nearest upsampling is not a plain ×2, with and without LastLevelMaxPool; every output and the
/// gradient of Σ r·output with respect to every input level.
/// </summary>
public sealed class FeaturePyramidNetworkGoldenTests(ITestOutputHelper output)
{
    private const string File = "detection_ops";
    private static Golden G => Golden.Load(File);

    public static TheoryData<string> Cases => Golden.CasesOf(File, "fpn");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Call_Case_MatchesTorch(string c)
    {
        var p = G.Params(c);
        var inCh = p["in_channels"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        var fpn = new FeaturePyramidNetwork(inCh, p["out_channels"]!.GetValue<int>(),
            p["extra_pool"]!.GetValue<bool>());
        var torchNames = p["state_dict"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
        Assert.Equal(torchNames, fpn.StateDict().Select(kv => kv.Key)); // one to one, same order
        fpn.LoadStateDict(torchNames.ToDictionary(n => n, n => G.Get($"{c}.w.{n}")));
        var xs = Enumerable.Range(0, inCh.Length).Select(i => G.Input($"{c}.x.{i}")).ToArray();
        var ys = fpn.Call(xs, training: true);
        Assert.Equal(p["outputs"]!.AsArray().Count, ys.Count);
        Tensor? total = null;
        for (int i = 0; i < ys.Count; i++)
        {
            // 3×3 convolution over 1×1-convolved sums: ~40 products of order 0.3·1 per output.
            G.Close($"{c}.y.{i}", ys[i], 1e-5, 1e-5, output);
            var term = Fovea.Autograd.Functional.Sum(Fovea.Autograd.Functional.Multiply(ys[i], G.Get($"{c}.r.{i}")));
            total = total is null ? term : Fovea.Autograd.Functional.Add(total, term);
        }
        total!.Backward();
        for (int i = 0; i < xs.Length; i++)
            G.Close($"{c}.dx.{i}", xs[i].Grad, 1e-5, 1e-5, output);
    }

    [Fact]
    public void Call_WrongChannels_NamesLevelAndShape()
    {
        var fpn = new FeaturePyramidNetwork([2, 3], 4);
        var e = Assert.Throws<FoveaException>(() => fpn.Call([Tensor.Zeros([1, 2, 8, 8]), Tensor.Zeros([1, 5, 4, 4])]));
        Assert.Contains("level 1", e.Message);
        Assert.Contains("[1, 5, 4, 4]", e.Message);
        e = Assert.Throws<FoveaException>(() => fpn.LoadStateDict(new Dictionary<string, Tensor>()));
        Assert.Contains("inner_blocks.0.0.weight", e.Message);
    }
}
