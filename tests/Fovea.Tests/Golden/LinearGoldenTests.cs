using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// Linear (x·Wᵀ + b, W [out, in]) and MatMul against <c>tests/golden/linear.safetensors</c>, with and without bias and
/// with leading dimensions. Tolerances: y sums `in` products, dx `out`, dw and db one per row
/// (<see cref="GoldenTolerance.Sum"/>, scaled by the largest expected value).
/// </summary>
public sealed class LinearGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "linear";

    public static TheoryData<string> LinearCases => CasesOf("linear");

    public static TheoryData<string> MatMulCases => CasesOf("matmul");

    [Theory]
    [MemberData(nameof(LinearCases))]
    public void Linear_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var x = g.Input($"{c}.x");
        var w = g.Input($"{c}.w");
        var b = g.Has($"{c}.b") ? g.Input($"{c}.b") : null;
        var y = Functional.Linear(x, w, b);
        y.Backward(g.Get($"{c}.r"));
        CompareLinear(g, c, y, x.Grad, w.Grad, b?.Grad);
    }

    [Theory]
    [MemberData(nameof(LinearCases))]
    public void DenseLayer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var x = g.Input($"{c}.x");
        var w = g.Get($"{c}.w");
        var layer = new Dense(w.Shape[0], useBias: g.Has($"{c}.b"));
        using (GradMode.NoGrad())
            layer.Call(x);
        layer.Kernel.Assign(w.AsReadOnlySpan());
        layer.Bias?.Assign(g.Get($"{c}.b").AsReadOnlySpan());
        var y = layer.Call(x, training: true);
        y.Backward(g.Get($"{c}.r"));
        CompareLinear(g, c, y, x.Grad, layer.Kernel.Grad, layer.Bias?.Grad);
    }

    [Theory]
    [MemberData(nameof(MatMulCases))]
    public void MatMul_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var a = g.Input($"{c}.a");
        var b = g.Input($"{c}.b");
        var y = Functional.MatMul(a, b);
        y.Backward(g.Get($"{c}.r"));
        var (m, k, n) = (a.Shape[0], a.Shape[1], b.Shape[1]);
        g.Close($"{c}.y", y, GoldenTolerance.Sum(k, g.MaxAbs($"{c}.y")), 0);
        g.Close($"{c}.da", a.Grad, GoldenTolerance.Sum(n, g.MaxAbs($"{c}.da")), 0);
        g.Close($"{c}.db", b.Grad, GoldenTolerance.Sum(m, g.MaxAbs($"{c}.db")), 0);
    }

    private static void CompareLinear(GoldenFile g, string c, Tensor y, Tensor? dx, Tensor? dw, Tensor? db)
    {
        var w = g.Get($"{c}.w");
        int rows = g.Get($"{c}.x").Length / w.Shape[1];
        g.Close($"{c}.y", y, GoldenTolerance.Sum(w.Shape[1], g.MaxAbs($"{c}.y")), 0);
        g.Close($"{c}.dx", dx, GoldenTolerance.Sum(w.Shape[0], g.MaxAbs($"{c}.dx")), 0);
        g.Close($"{c}.dw", dw, GoldenTolerance.Sum(rows, g.MaxAbs($"{c}.dw")), 0);
        if (g.Has($"{c}.db"))
            g.Close($"{c}.db", db, GoldenTolerance.Sum(rows, g.MaxAbs($"{c}.db")), 0);
        else
            Assert.Null(db);
    }

    private static TheoryData<string> CasesOf(string op)
    {
        var g = GoldenFile.Load(FileName);
        return new(g.Cases.Where(c => (string)g.Params(c)["op"]! == op));
    }
}
