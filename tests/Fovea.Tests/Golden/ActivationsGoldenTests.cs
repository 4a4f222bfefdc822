using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// Activations against <c>tests/golden/activations.safetensors</c>: ReLU, LeakyReLU, PReLU with one slope per channel
/// ([N, C, H, W] and [N, C]), SiLU, Sigmoid, Tanh (inputs ~N(0, 3²), so the saturated tails are covered) and Softmax
/// over the last axis. ReLU-family inputs stay 0.05 away from the kink. Tolerances: elementwise functions may differ
/// by a few ulps between math libraries (exp, tanh), so 1e−6 of the largest value (<see cref="GoldenTolerance.Sum"/>
/// with one term; for dx the largest of dx and r); PReLU's slope gradient sums the N·H·W elements of a channel, and
/// Softmax the C classes of a row.
/// </summary>
public sealed class ActivationsGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "activations";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Functional_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var x = g.Input($"{c}.x");
        var alpha = g.Has($"{c}.alpha") ? g.Input($"{c}.alpha") : null;
        var y = (string)p["op"]! switch
        {
            "relu" => Functional.Relu(x),
            "leaky_relu" => Functional.LeakyRelu(x, (float)p["alpha"]!.GetValue<double>()),
            "prelu" => Functional.PRelu(x, alpha!),
            "silu" => Functional.Silu(x),
            "sigmoid" => Functional.Sigmoid(x),
            "tanh" => Functional.Tanh(x),
            "softmax" => Functional.Softmax(x),
            var op => throw new InvalidOperationException($"unknown op {op}"),
        };
        y.Backward(g.Get($"{c}.r"));
        Compare(g, c, y, x.Grad, alpha?.Grad);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var x = g.Input($"{c}.x");
        Layer layer = (string)p["op"]! switch
        {
            "relu" => new ReLU(),
            "leaky_relu" => new LeakyReLU((float)p["alpha"]!.GetValue<double>()),
            "prelu" => new PReLU(),
            "silu" => new Activation(Activations.Swish),
            "sigmoid" => new Activation(Activations.Sigmoid),
            "tanh" => new Activation(Activations.Tanh),
            "softmax" => new Softmax(),
            var op => throw new InvalidOperationException($"unknown op {op}"),
        };
        using (GradMode.NoGrad())
            layer.Call(x);
        if (layer is PReLU prelu)
            prelu.Alpha.Assign(g.Get($"{c}.alpha").AsReadOnlySpan());
        var y = layer.Call(x, training: true);
        y.Backward(g.Get($"{c}.r"));
        Compare(g, c, y, x.Grad, (layer as PReLU)?.Alpha.Grad);
    }

    private static void Compare(GoldenFile g, string c, Tensor y, Tensor? dx, Tensor? dalpha)
    {
        var x = g.Get($"{c}.x");
        int terms = (string)g.Params(c)["op"]! == "softmax" ? x.Shape[-1] : 1;
        g.Close($"{c}.y", y, GoldenTolerance.Sum(terms, g.MaxAbs($"{c}.y")), 0);
        // dx = r·f'(x) with f' computed from y (1 − y², y·(1 − y)) to a few ulps of 1, so its error scales with r.
        double dxScale = Math.Max(g.MaxAbs($"{c}.dx"), g.MaxAbs($"{c}.r"));
        g.Close($"{c}.dx", dx, GoldenTolerance.Sum(terms, dxScale), 0);
        if (g.Has($"{c}.dalpha"))
            g.Close($"{c}.dalpha", dalpha, GoldenTolerance.Sum(x.Length / x.Shape[1], g.MaxAbs($"{c}.dalpha")), 0);
    }
}
