using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// <see cref="MultiHeadAttention"/> against <c>tests/golden/attention.safetensors</c>
/// (<c>tools/golden/make_attention_golden.py</c>: Keras's einsums in torch, and torch.nn.MultiheadAttention with the
/// mapped weights where dq = dk = dv = h·k = h·v): self- and cross-attention (T ≠ S), key = value and a separate key,
/// masks per sample, broadcast over the batch and with a fully masked row, 1 to 4 heads, keyDim ≠ valueDim, no bias,
/// an output size other than the query's. Compared: the output, the attention probabilities, and the gradients of
/// L = Σ r⊙y with respect to every input and weight.
/// Tolerance: every value is the end of a chain of float32 sums — the projections (d terms), the logits (k), the
/// softmax and its weighted sum (S), the output projection (h·v) — whose rounding errors add up, so
/// <see cref="GoldenTolerance.Sum"/> with K = d + k + S + h·v terms, scaled by the largest expected value (gradients
/// run the same chain backwards, weight gradients add B·T or B·S rows). The key bias gradient is exactly zero in
/// exact arithmetic (bk adds q·bk to a whole row of logits, which the softmax ignores), so both sides hold only
/// rounding noise; it is held to the tolerance of the key kernel's gradient, the sums of the same terms.
/// </summary>
public sealed class MultiHeadAttentionGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "attention";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        bool self = p["self_attention"]!.GetValue<bool>();
        var query = g.Input($"{c}.query");
        var value = self ? query : g.Input($"{c}.value");
        var key = g.Has($"{c}.key") ? g.Input($"{c}.key") : null;
        var mask = g.Has($"{c}.mask") ? g.Get($"{c}.mask") : null;
        var layer = new MultiHeadAttention(p["num_heads"]!.GetValue<int>(), p["key_dim"]!.GetValue<int>(),
            p["value_dim"]!.GetValue<int>(), useBias: p["use_bias"]!.GetValue<bool>(),
            outputShape: p["output_shape"]?.GetValue<int>());
        using (GradMode.NoGrad())
            layer.Call(query, value, key, mask);
        var weights = Weights(layer);
        Assert.Equal(weights.Count, layer.Weights.Count);
        foreach (var (name, w) in weights)
        {
            Assert.Equal(g.Get($"{c}.{name}").Shape, w.Shape);
            w.Assign(g.Get($"{c}.{name}").AsReadOnlySpan());
        }

        var (y, scores) = layer.CallWithScores(query, value, key, mask, training: true);
        y.Backward(g.Get($"{c}.r"));
        int b = query.Shape[0], t = query.Shape[1], s = value.Shape[1];
        int terms = query.Shape[2] + layer.KeyDim + s + layer.NumHeads * layer.ValueDim;
        double Tol(string what, int rows = 1) => GoldenTolerance.Sum(terms * rows, g.MaxAbs($"{c}.{what}"));
        g.Close($"{c}.y", y, Tol("y"), 0);
        if (g.Has($"{c}.y_torch"))
            g.Close($"{c}.y_torch", y, Tol("y_torch"), 0);
        g.Close($"{c}.scores", scores, Tol("scores"), 0);
        g.Close($"{c}.dquery", query.Grad, Tol("dquery"), 0);
        if (!self)
            g.Close($"{c}.dvalue", value.Grad, Tol("dvalue"), 0);
        if (key is not null)
            g.Close($"{c}.dkey", key.Grad, Tol("dkey"), 0);
        foreach (var (name, w) in weights)
        {
            int rows = name.EndsWith('o') ? b * t : b * Math.Max(t, s);
            g.Close($"{c}.d{name}", w.Grad, Tol(name == "bk" ? "dwk" : $"d{name}", rows), 0);
        }
    }

    /// <summary>The layer's weights under the golden file's names (wq, bq, wk, bk, wv, bv, wo, bo).</summary>
    private static List<(string Name, Parameter Weight)> Weights(MultiHeadAttention m)
    {
        var list = new List<(string, Parameter?)>
        {
            ("wq", m.QueryKernel), ("bq", m.QueryBias), ("wk", m.KeyKernel), ("bk", m.KeyBias),
            ("wv", m.ValueKernel), ("bv", m.ValueBias), ("wo", m.OutputKernel), ("bo", m.OutputBias),
        };
        return list.Where(e => e.Item2 is not null).Select(e => (e.Item1, e.Item2!)).ToList();
    }
}
