using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// Conv2D against <c>tests/golden/conv2d.safetensors</c>: strides 1, 2, (2,1); valid, explicit symmetric and
/// asymmetric padding, and 'same' (TensorFlow rule, also with stride 2); dilations; groups up to depthwise; with and
/// without bias. Tolerances: y sums Cg·KH·KW products, dx at most OCg·KH·KW, dw and db N·OH·OW
/// (<see cref="GoldenTolerance.Sum"/>, scaled by the largest expected value).
/// </summary>
public sealed class Conv2DGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "conv2d";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    /// <summary>Cases a Conv2D layer can express: valid or same padding (a layer has no explicit pads).</summary>
    public static TheoryData<string> LayerCases
    {
        get
        {
            var g = GoldenFile.Load(FileName);
            return new(g.Cases.Where(c => (string)g.Params(c)["padding"]! != "explicit"));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Functional_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var x = g.Input($"{c}.x");
        var w = g.Input($"{c}.w");
        var b = g.Has($"{c}.b") ? g.Input($"{c}.b") : null;
        var (stride, dilation, groups) = (Pair(p["stride"]), Pair(p["dilation"]), p["groups"]!.GetValue<int>());
        var y = (string)p["padding"]! switch
        {
            "valid" => Functional.Conv2D(x, w, b, stride, Padding.Valid, dilation, groups),
            "same" => Functional.Conv2D(x, w, b, stride, Padding.Same, dilation, groups),
            _ => Functional.Conv2D(x, w, b, stride, Pads(p["pads"]), dilation, groups),
        };
        y.Backward(g.Get($"{c}.r"));
        Compare(g, c, y, x.Grad, w.Grad, b?.Grad);
    }

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void Layer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        string padding = (string)p["padding"]!;
        var x = g.Input($"{c}.x");
        var w = g.Get($"{c}.w");
        bool bias = g.Has($"{c}.b");
        var layer = new Conv2D(w.Shape[0], (w.Shape[2], w.Shape[3]), Pair(p["stride"]),
            padding == "same" ? Padding.Same : Padding.Valid, Pair(p["dilation"]), p["groups"]!.GetValue<int>(),
            useBias: bias);
        using (GradMode.NoGrad())
            layer.Call(x);
        layer.Kernel.Assign(w.AsReadOnlySpan());
        if (bias)
            layer.Bias!.Assign(g.Get($"{c}.b").AsReadOnlySpan());
        var y = layer.Call(x, training: true);
        y.Backward(g.Get($"{c}.r"));
        Compare(g, c, y, x.Grad, layer.Kernel.Grad, layer.Bias?.Grad);
    }

    private static void Compare(GoldenFile g, string c, Tensor y, Tensor? dx, Tensor? dw, Tensor? db)
    {
        var w = g.Get($"{c}.w");
        var yShape = g.Get($"{c}.y").Shape;
        int kernel = w.Shape[2] * w.Shape[3];
        int groups = g.Params(c)["groups"]!.GetValue<int>();
        int pixels = yShape[0] * yShape[2] * yShape[3];
        g.Close($"{c}.y", y, GoldenTolerance.Sum(w.Shape[1] * kernel, g.MaxAbs($"{c}.y")), 0);
        g.Close($"{c}.dx", dx, GoldenTolerance.Sum(w.Shape[0] / groups * kernel, g.MaxAbs($"{c}.dx")), 0);
        g.Close($"{c}.dw", dw, GoldenTolerance.Sum(pixels, g.MaxAbs($"{c}.dw")), 0);
        if (g.Has($"{c}.db"))
            g.Close($"{c}.db", db, GoldenTolerance.Sum(pixels, g.MaxAbs($"{c}.db")), 0);
        else
            Assert.Null(db);
    }

    private static Size2 Pair(JsonNode? n) => (n![0]!.GetValue<int>(), n[1]!.GetValue<int>());

    private static (int, int, int, int) Pads(JsonNode? n) =>
        (n![0]!.GetValue<int>(), n[1]!.GetValue<int>(), n[2]!.GetValue<int>(), n[3]!.GetValue<int>());
}
