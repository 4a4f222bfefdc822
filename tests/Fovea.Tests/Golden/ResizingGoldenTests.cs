using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Tests.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// <see cref="Resizing"/> against <c>tests/golden/resizing.safetensors</c> (<c>F.interpolate(x, size=...)</c>,
/// <c>tools/golden/make_resizing_golden.py</c>): bilinear with <c>align_corners=False</c> at non-integer scales up and
/// down, from and to 1×1, the identity; nearest up and down; forward and backward. Tolerance: an output mixes 4
/// inputs, an input's gradient sums at most (33/5 + 2)² ≈ 75 shares (<see cref="GoldenTolerance.Sum"/> with 100
/// terms). The ONNX export (Resize to sizes) is checked against ONNX Runtime.
/// </summary>
public sealed class ResizingGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "resizing";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var size = p["size"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
        var mode = p["mode"]!.GetValue<string>() == "nearest" ? Interpolation.Nearest : Interpolation.Bilinear;
        var x = g.Input($"{c}.x");
        var y = new Resizing(size[0], size[1], mode).Call(x, training: true);
        y.Backward(g.Get($"{c}.r"));
        g.Close($"{c}.y", y, GoldenTolerance.Sum(4, g.MaxAbs($"{c}.y")), 0);
        g.Close($"{c}.dx", x.Grad, GoldenTolerance.Sum(100, g.MaxAbs($"{c}.dx")), 0);
    }

    [Theory]
    [InlineData(5, 7, 9, 11, Interpolation.Bilinear)]
    [InlineData(1, 1, 4, 3, Interpolation.Bilinear)]
    [InlineData(9, 8, 4, 3, Interpolation.Bilinear)]
    [InlineData(4, 5, 7, 9, Interpolation.Nearest)]
    public void OnnxExport_MatchesOnnxRuntime(int h, int w, int oh, int ow, Interpolation mode)
    {
        var inputs = Input.Create([3, h, w]);
        var model = new Model(inputs, new Resizing(oh, ow, mode).Call(inputs));
        // Weighted sums of 4 values of order one.
        var r = ExportCheck.Run(model, 1e-5, [1, 2], $"resizing {h}x{w} -> {oh}x{ow} {mode}");
        output.WriteLine($"max diff vs ORT {r.Ort:G3}");
    }

    [Fact]
    public void Call_WrongRank_NamesLayerAndShape()
    {
        var e = Assert.Throws<FoveaException>(() => new Resizing(4, 4, name: "resize").Call(Tensor.Zeros([2, 3, 4])));
        Assert.Contains("resize", e.Message);
        Assert.Contains("[2, 3, 4]", e.Message);
    }
}
