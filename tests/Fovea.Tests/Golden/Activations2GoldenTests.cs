using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// GELU (exact and tanh), HardSigmoid, HardSwish, Mish, ELU (α 1 and 0.5), SELU and Softplus against
/// <c>tests/golden/activations2.safetensors</c> (torch.nn.functional), through Functional, an Activation layer and the
/// config name. Inputs ~N(0, 3²) (and N(0, 12²) for Mish and Softplus, reaching both tails and PyTorch's Softplus
/// threshold 20), kept 0.05 away from the kinks (±3, 0, 20). Tolerance: an elementwise function, so a few ulps of the
/// largest value (<see cref="GoldenTolerance.Sum"/> with one term; for dx the largest of dx and r), as in
/// <see cref="ActivationsGoldenTests"/>; GELU's erfc fit is within 1.2e−7 relative.
/// </summary>
public sealed class Activations2GoldenTests(ITestOutputHelper output)
{
    private const string FileName = "activations2";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Functional_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var x = g.Input($"{c}.x");
        var y = (string)p["op"]! switch
        {
            "gelu" => Functional.Gelu(x),
            "gelu_tanh" => Functional.GeluTanh(x),
            "hard_sigmoid" => Functional.HardSigmoid(x),
            "hard_swish" => Functional.HardSwish(x),
            "mish" => Functional.Mish(x),
            "elu" => Functional.Elu(x, (float)p["alpha"]!.GetValue<double>()),
            "selu" => Functional.Selu(x),
            "softplus" => Functional.Softplus(x),
            var op => throw new InvalidOperationException($"unknown op {op}"),
        };
        y.Backward(g.Get($"{c}.r"));
        Compare(g, c, y, x.Grad);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ActivationLayer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var x = g.Input($"{c}.x");
        string name = (string)p["op"]!;
        float? alpha = p["alpha"] is { } a ? (float)a.GetValue<double>() : null;
        var function = Activations.FromName(name, alpha);
        Assert.Equal(name, function.Name);
        var y = new Activation(function).Call(x, training: true);
        y.Backward(g.Get($"{c}.r"));
        Compare(g, c, y, x.Grad);
    }

    private static void Compare(GoldenFile g, string c, Tensor y, Tensor? dx)
    {
        g.Close($"{c}.y", y, GoldenTolerance.Sum(1, g.MaxAbs($"{c}.y")), 0);
        double dxScale = Math.Max(g.MaxAbs($"{c}.dx"), g.MaxAbs($"{c}.r"));
        g.Close($"{c}.dx", dx, GoldenTolerance.Sum(1, dxScale), 0);
    }
}
