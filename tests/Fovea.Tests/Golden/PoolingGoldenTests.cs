using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// Max, average and global average pooling against <c>tests/golden/pooling.safetensors</c>. 'same' pads as TensorFlow
/// does (extra row/column at the bottom/right); padded cells never win a max and are not counted in an average
/// (PyTorch's count_include_pad=False, reproduced with F.pad for asymmetric padding). Tolerances: a max is an exact
/// selection (atol 0) and its gradient a sum over the windows that picked an element; an average sums KH·KW values
/// and its gradient as many window contributions; a global mean sums H·W values (<see cref="GoldenTolerance.Sum"/>).
/// </summary>
public sealed class PoolingGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "pooling";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Functional_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var x = g.Input($"{c}.x");
        var y = (string)p["kind"]! switch
        {
            "max" => Functional.MaxPool2D(x, Pair(p["pool"]), Pair(p["strides"]), PaddingOf(p)),
            "avg" => Functional.AvgPool2D(x, Pair(p["pool"]), Pair(p["strides"]), PaddingOf(p)),
            _ => Functional.GlobalAvgPool(x),
        };
        y.Backward(g.Get($"{c}.r"));
        Compare(g, c, y, x.Grad);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var x = g.Input($"{c}.x");
        Layer layer = (string)p["kind"]! switch
        {
            "max" => new MaxPooling2D(Pair(p["pool"]), Pair(p["strides"]), PaddingOf(p)),
            "avg" => new AveragePooling2D(Pair(p["pool"]), Pair(p["strides"]), PaddingOf(p)),
            _ => new GlobalAveragePooling2D(),
        };
        var y = layer.Call(x, training: true);
        y.Backward(g.Get($"{c}.r"));
        Compare(g, c, y, x.Grad);
    }

    private static void Compare(GoldenFile g, string c, Tensor y, Tensor? dx)
    {
        var p = g.Params(c);
        var x = g.Get($"{c}.x");
        string kind = (string)p["kind"]!;
        if (kind == "global")
        {
            g.Close($"{c}.y", y, GoldenTolerance.Sum(x.Shape[2] * x.Shape[3], g.MaxAbs($"{c}.y")), 0);
            g.Close($"{c}.dx", dx, GoldenTolerance.Sum(1, g.MaxAbs($"{c}.dx")), 0);
            return;
        }
        var (pool, strides) = (Pair(p["pool"]), Pair(p["strides"]));
        int windows = Ceil(pool.Height, strides.Height) * Ceil(pool.Width, strides.Width);
        int window = pool.Height * pool.Width;
        g.Close($"{c}.y", y, kind == "max" ? 0 : GoldenTolerance.Sum(window, g.MaxAbs($"{c}.y")), 0);
        g.Close($"{c}.dx", dx, GoldenTolerance.Sum(windows, g.MaxAbs($"{c}.dx")), 0);
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;

    private static Padding PaddingOf(JsonObject p) => (string)p["padding"]! == "same" ? Padding.Same : Padding.Valid;

    private static Size2 Pair(JsonNode? n) => (n![0]!.GetValue<int>(), n[1]!.GetValue<int>());
}
