using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// <see cref="LayerNormalization"/> against <c>tests/golden/layernorm.safetensors</c>
/// (<c>tools/golden/make_attention_golden.py</c>: Keras's formula in torch) for one trailing axis, the channel axis of
/// NCHW, several contiguous and non-contiguous axes, an unsorted list, and center/scale off.
/// Tolerances: y and dx come from sums over the D normalised elements (mean, variance and their gradients), so
/// <see cref="GoldenTolerance.Sum"/>(D) scaled by the largest expected value; dγ and dβ sum over the N·(other axes)
/// rows that share a weight, so Sum(rows). ε as small as 1e−6 makes 1/σ sensitive when σ is small, which the random
/// inputs (σ ≈ 2) never are.
/// </summary>
public sealed class LayerNormalizationGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "layernorm";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var x = g.Input($"{c}.x");
        int[] axis = p["axis"] is JsonArray a
            ? a.Select(n => n!.GetValue<int>()).ToArray()
            : [p["axis"]!.GetValue<int>()];
        var layer = new LayerNormalization(axis, p["epsilon"]!.GetValue<float>(), p["center"]!.GetValue<bool>(),
            p["scale"]!.GetValue<bool>());
        using (GradMode.NoGrad())
            layer.Call(x);
        layer.Gamma?.Assign(g.Get($"{c}.gamma").AsReadOnlySpan());
        layer.Beta?.Assign(g.Get($"{c}.beta").AsReadOnlySpan());
        Assert.Equal(g.Has($"{c}.gamma"), layer.Gamma is not null);
        Assert.Equal(g.Has($"{c}.beta"), layer.Beta is not null);
        if (layer.Gamma is not null)
            Assert.Equal(g.Get($"{c}.gamma").Shape, layer.Gamma.Shape);

        var y = layer.Call(x, training: true);
        y.Backward(g.Get($"{c}.r"));
        int d = layer.Gamma?.Length ?? layer.Beta!.Length;
        int rows = x.Length / d;
        g.Close($"{c}.y", y, GoldenTolerance.Sum(d, g.MaxAbs($"{c}.y")), 0);
        g.Close($"{c}.dx", x.Grad, GoldenTolerance.Sum(d, g.MaxAbs($"{c}.dx")), 0);
        if (layer.Gamma is not null)
            g.Close($"{c}.dgamma", layer.Gamma.Grad, GoldenTolerance.Sum(rows, g.MaxAbs($"{c}.dgamma")), 0);
        if (layer.Beta is not null)
            g.Close($"{c}.dbeta", layer.Beta.Grad, GoldenTolerance.Sum(rows, g.MaxAbs($"{c}.dbeta")), 0);
    }
}
