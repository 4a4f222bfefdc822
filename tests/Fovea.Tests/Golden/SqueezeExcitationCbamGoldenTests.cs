using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// SqueezeExcitation against <c>torchvision.ops.SqueezeExcitation</c> (ReLU/Sigmoid, SiLU/Sigmoid, ReLU/Tanh) with its
/// weights loaded under torchvision's names (weight → kernel), and Cbam against the CBAM module of Woo et al. written
/// in torch (<c>tools/golden/make_se_cbam_golden.py</c>): the output and the gradients of the input and of every
/// weight.
/// Tolerance: every value is a sum of at most N·C·H·W·k² products (k the spatial kernel, 1 for SE), so
/// <see cref="GoldenTolerance.Sum"/> with that count, scaled by the largest expected value of the tensor.
/// </summary>
public sealed class SqueezeExcitationCbamGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "se_cbam";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var x = g.Input($"{c}.x");
        int k = 1;
        Layer layer;
        if ((string)p["op"]! == "se")
        {
            layer = new SqueezeExcitation(x.Shape[1], p["squeeze_channels"]!.GetValue<int>(),
                Activations.FromName((string)p["activation"]!), Activations.FromName((string)p["scale_activation"]!));
        }
        else
        {
            k = p["kernel_size"]!.GetValue<int>();
            layer = new Cbam(p["reduction_ratio"]!.GetValue<int>(), k);
        }
        var model = new Fovea.Models.Sequential(layer);
        model.Build(x.Shape.Dims[1..]);
        var weights = layer.NamedWeights();
        Assert.Equal(TorchNames(g, c).Order(), weights.Select(kv => kv.Key).Order());
        foreach (var (name, w) in weights)
            w.Assign(g.Get($"{c}.{name}").AsReadOnlySpan());

        var y = layer.Call(x, training: true);
        y.Backward(g.Get($"{c}.r"));
        int terms = x.Length * k * k;
        g.Close($"{c}.y", y, GoldenTolerance.Sum(terms, g.MaxAbs($"{c}.y")), 0);
        g.Close($"{c}.dx", x.Grad, GoldenTolerance.Sum(terms, g.MaxAbs($"{c}.dx")), 0);
        foreach (var (name, w) in weights)
            g.Close($"{c}.d.{name}", w.Grad, GoldenTolerance.Sum(terms, g.MaxAbs($"{c}.d.{name}")), 0);
    }

    /// <summary>The weight names the golden case holds (torchvision's state_dict names with weight → kernel).</summary>
    private static IEnumerable<string> TorchNames(GoldenFile g, string c) =>
        new[] { "fc1.kernel", "fc1.bias", "fc2.kernel", "fc2.bias", "spatial.kernel" }.Where(n => g.Has($"{c}.{n}"));
}
