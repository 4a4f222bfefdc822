using Fovea.Autograd;
using Fovea.Tensors;
using Fovea.Vision.Ops;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Vision.Tests.Ops;

/// <summary>
/// <see cref="Functional.RoiAlign"/> and <see cref="MultiScaleRoiAlign"/> against torchvision 0.14
/// (<c>detection_ops.safetensors</c>): aligned and not, adaptive and fixed sampling, spatial scales 0.25-2, RoIs
/// across the border, outside the image, of zero area and tiny; the pyramid version over 4, 2 and 1 levels with
/// boxes mapped to every level. Forward and the gradient of Σ r·y with respect to the features.
/// </summary>
public sealed class RoiAlignGoldenTests(ITestOutputHelper output)
{
    private const string File = "detection_ops";
    private static Golden G => Golden.Load(File);

    public static TheoryData<string> RoiAlignCases => Golden.CasesOf(File, "roi_align");
    public static TheoryData<string> MultiScaleCases => Golden.CasesOf(File, "multiscale_roi_align");

    private static Size2 Size(System.Text.Json.Nodes.JsonNode n) => (n[0]!.GetValue<int>(), n[1]!.GetValue<int>());

    [Theory]
    [MemberData(nameof(RoiAlignCases))]
    public void RoiAlign_Case_MatchesTorch(string c)
    {
        var p = G.Params(c);
        var x = G.Input($"{c}.x");
        var y = Functional.RoiAlign(x, G.Get($"{c}.rois"), Size(p["output_size"]!),
            p["spatial_scale"]!.GetValue<float>(), p["sampling_ratio"]!.GetValue<int>(),
            p["aligned"]!.GetValue<bool>());
        y.Backward(G.Get($"{c}.r"));
        // Averages of bilinear samples of N(0, 1) features, same float32 operations in the same order as
        // torchvision's CPU kernel: differences of a few ulp; gradients sum a few dozen shares.
        G.Close($"{c}.y", y, 2e-6, 1e-5, output);
        G.Close($"{c}.dx", x.Grad, 5e-6, 1e-5, output);
    }

    [Theory]
    [MemberData(nameof(MultiScaleCases))]
    public void MultiScaleRoiAlign_Case_MatchesTorch(string c)
    {
        var p = G.Params(c);
        var names = p["featmap_names"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        var feats = names.Select(n => G.Input($"{c}.{n}")).ToArray();
        var sizes = p["image_shapes"]!.AsArray().Select(s => (s![0]!.GetValue<int>(), s[1]!.GetValue<int>())).ToList();
        var pooler = new MultiScaleRoiAlign(Size(p["output_size"]!), p["sampling_ratio"]!.GetValue<int>());
        var scales = MultiScaleRoiAlign.InferScales(feats, sizes);
        Assert.Equal(p["scales"]!.AsArray().Select(s => s!.GetValue<float>()), scales);
        var y = pooler.Call(feats, [G.Get($"{c}.boxes0"), G.Get($"{c}.boxes1")], sizes);
        y.Backward(G.Get($"{c}.r"));
        // As RoiAlign: few-ulp differences of averages of N(0, 1) samples.
        G.Close($"{c}.y", y, 2e-6, 1e-5, output);
        // A level no box maps to takes no part in the graph: no gradient, which torchvision reports as zeros.
        for (int i = 0; i < names.Length; i++)
            G.Close($"{c}.d{names[i]}", feats[i].Grad ?? Tensor.Zeros(feats[i].Shape), 5e-6, 1e-5, output);
    }

    [Fact]
    public void MultiScaleRoiAlign_BoxesOfEverySize_UseEveryLevel()
    {
        // Level k = clamp(floor(4 + log2(sqrt(area)/224) + 1e-6), 2, 5): sides 12, 120, 224, 460 → levels 2, 3, 4, 5.
        var feats = new[] { 64, 32, 16, 8 }.Select(s => Tensor.Zeros([1, 1, s, s])).ToArray();
        var boxes = Tensor.FromArray([0f, 0, 12, 12, 0, 0, 120, 120, 0, 0, 224, 224, 0, 0, 460, 460], [4, 4]);
        var pooler = new MultiScaleRoiAlign(2, 2);
        var scales = MultiScaleRoiAlign.InferScales(feats, [(256, 256)]);
        Assert.Equal([0.25f, 0.125f, 0.0625f, 0.03125f], scales);
        Assert.Equal([0, 1, 2, 3], pooler.MapLevels(boxes, scales));
    }

    [Fact]
    public void RoiAlign_RoiOutsideImage_GivesZeros()
    {
        var x = Tensor.Ones([1, 1, 4, 4]);
        var y = Functional.RoiAlign(x, Tensor.FromArray([0f, 10, 10, 14, 14], [1, 5]), 2, aligned: true);
        Assert.All(y.ToArray(), v => Assert.Equal(0f, v)); // every sample is more than a cell outside the plane
    }

    [Fact]
    public void RoiAlign_NoRois_GivesEmptyOutputAndZeroGradient()
    {
        var x = Tensor.Ones([1, 2, 4, 4]);
        x.RequiresGrad = true;
        var y = Functional.RoiAlign(x, Tensor.Zeros([0, 5]), 2);
        Assert.Equal(new Shape(0, 2, 2, 2), y.Shape);
        Functional.Sum(y).Backward();
        Assert.All(x.Grad!.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void MultiScaleRoiAlign_NoBoxes_GivesEmptyOutput()
    {
        var feats = new[] { Tensor.Ones([2, 3, 8, 8]), Tensor.Ones([2, 3, 4, 4]) };
        var y = new MultiScaleRoiAlign(2, 2).Call(feats, [Tensor.Zeros([0, 4]), Tensor.Zeros([0, 4])],
            [(32, 32), (32, 32)]);
        Assert.Equal(new Shape(0, 3, 2, 2), y.Shape);
    }

    [Fact]
    public void MultiScaleRoiAlign_BadInputs_ThrowFoveaException()
    {
        var pooler = new MultiScaleRoiAlign(2, 2);
        var feats = new[] { Tensor.Ones([2, 3, 8, 8]), Tensor.Ones([2, 3, 4, 4]) };
        var e = Assert.Throws<FoveaException>(() => pooler.Call(feats, [Tensor.Zeros([1, 4])], [(32, 32)]));
        Assert.Contains("2 in the batch", e.Message);
        e = Assert.Throws<FoveaException>(() =>
            pooler.Call(feats, [Tensor.Zeros([1, 5]), Tensor.Zeros([0, 4])], [(32, 32), (32, 32)]));
        Assert.Contains("[1, 5]", e.Message);
        e = Assert.Throws<FoveaException>(() =>
            pooler.Call([feats[0], Tensor.Ones([2, 4, 4, 4])], [Tensor.Zeros([0, 4]), Tensor.Zeros([0, 4])],
                [(32, 32), (32, 32)]));
        Assert.Contains("[2, 4, 4, 4]", e.Message);
    }
}
