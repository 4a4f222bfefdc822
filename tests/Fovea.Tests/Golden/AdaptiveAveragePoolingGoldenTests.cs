using Fovea.Autograd;
using Fovea.Kernels;
using Fovea.Kernels.Reference;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Onnx;
using Fovea.Tensors;
using Fovea.Tests.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// <see cref="AdaptiveAveragePooling2D"/> against <c>tests/golden/adaptive_pooling.safetensors</c>
/// (<c>F.adaptive_avg_pool2d</c>): output sizes that divide the input, overlapping windows, outputs larger than the
/// input, 1×1 and the identity, forward and backward. Tolerance: an output averages at most ⌈H/OH⌉+1 by ⌈W/OW⌉+1
/// cells and an input's gradient sums as many window shares (<see cref="GoldenTolerance.Sum"/> with 16 terms
/// covers every case). The kernel is also checked against its by-definition twin, and the ONNX export against ONNX
/// Runtime where an ONNX operator exists.
/// </summary>
public sealed class AdaptiveAveragePoolingGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "adaptive_pooling";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var size = g.Params(c)["output_size"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
        var x = g.Input($"{c}.x");
        var y = new AdaptiveAveragePooling2D((size[0], size[1])).Call(x, training: true);
        y.Backward(g.Get($"{c}.r"));
        g.Close($"{c}.y", y, GoldenTolerance.Sum(16, g.MaxAbs($"{c}.y")), 0);
        g.Close($"{c}.dx", x.Grad, GoldenTolerance.Sum(16, g.MaxAbs($"{c}.dx")), 0);
    }

    [Theory]
    [InlineData(7, 5, 3, 2)]
    [InlineData(6, 6, 7, 7)]
    [InlineData(13, 13, 6, 6)]
    [InlineData(1, 3, 4, 2)]
    [InlineData(9, 9, 9, 9)]
    public void Kernel_MatchesReference(int h, int w, int oh, int ow)
    {
        const int planes = 37; // more than one thread chunk
        var rng = new Rng(3);
        var x = Tensor.RandomNormal([planes, h, w], rng).ToArray();
        var dy = Tensor.RandomNormal([planes, oh, ow], rng).ToArray();
        float[] y = new float[planes * oh * ow], yRef = new float[y.Length];
        float[] dx = new float[x.Length], dxRef = new float[x.Length];
        AdaptivePooling.Forward(x, y, planes, h, w, oh, ow);
        ReferenceAdaptivePooling.Forward(x, yRef, planes, h, w, oh, ow);
        AdaptivePooling.Backward(dy, dx, planes, h, w, oh, ow);
        ReferenceAdaptivePooling.Backward(dy, dxRef, planes, h, w, oh, ow);
        // Sums of at most 16 values of order one in another order (float vs double accumulation).
        TensorAssert.Close(yRef, y, 1e-5, 0, "forward");
        TensorAssert.Close(dxRef, dx, 1e-5, 0, "backward");
    }

    [Theory]
    [InlineData(8, 6, 1, 1)]
    [InlineData(8, 6, 4, 3)]
    [InlineData(7, 7, 7, 7)]
    public void OnnxExport_DivisibleSizes_MatchesOnnxRuntime(int h, int w, int oh, int ow)
    {
        var inputs = Input.Create([3, h, w]);
        var model = new Model(inputs, new AdaptiveAveragePooling2D((oh, ow)).Call(inputs));
        // An average of at most 48 values of order one.
        var r = ExportCheck.Run(model, 1e-5, [2], $"adaptive pooling {h}x{w} -> {oh}x{ow}");
        output.WriteLine($"max diff vs ORT {r.Ort:G3}");
    }

    [Fact]
    public void OnnxExport_OverlappingWindows_Refused()
    {
        var inputs = Input.Create([3, 6, 6]);
        var model = new Model(inputs, new AdaptiveAveragePooling2D(4).Call(inputs));
        var e = Assert.Throws<FoveaException>(() => OnnxExporter.ToBytes(model));
        Assert.Contains("does not divide", e.Message);
    }

    [Fact]
    public void Call_WrongRank_NamesLayerAndShape()
    {
        var e = Assert.Throws<FoveaException>(() => new AdaptiveAveragePooling2D(7, name: "avgpool").Call(Tensor.Zeros([2, 3, 4])));
        Assert.Contains("avgpool", e.Message);
        Assert.Contains("[2, 3, 4]", e.Message);
    }
}
