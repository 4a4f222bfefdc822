using Fovea.Layers;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// The initializers against their definitions (Keras's formulas; PyTorch's kaiming_uniform(a=√5) for TorchDefault):
/// the bound of the uniform ones, the 2σ truncation of the normal ones and the variance of 65,536 draws. Tolerance
/// 3% on the variance: the relative standard error of a sample variance of n = 65,536 draws is about √(0.8/n) = 0.35%
/// (uniform) and √(1.6/n) = 0.5% (truncated normal), so 3% is 6σ or more.
/// </summary>
public class InitializerTests
{
    // A conv kernel [out 64, in 32, 4, 8]: receptive field 32, fanIn 1024, fanOut 2048.
    private static readonly Shape Kernel = new(64, 32, 4, 8);
    private const double FanIn = 1024, FanOut = 2048;

    public static TheoryData<string, double, bool> Cases => new()
    {
        { "GlorotUniform", 2 / (FanIn + FanOut), true },
        { "GlorotNormal", 2 / (FanIn + FanOut), false },
        { "HeUniform", 2 / FanIn, true },
        { "HeNormal", 2 / FanIn, false },
        { "LecunUniform", 1 / FanIn, true },
        { "LecunNormal", 1 / FanIn, false },
        { "TorchDefault", 1 / (3 * FanIn), true },       // U(±1/√fanIn): variance (1/fanIn)/3
        { "VarianceScaling-out", 0.5 / FanOut, false },
    };

    private static Initializer Named(string name) => name switch
    {
        "VarianceScaling-out" => Initializers.VarianceScaling(0.5, FanMode.Out),
        _ => Initializers.FromConfig(new System.Text.Json.Nodes.JsonObject { ["class"] = name }),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Variance_AndBounds_FollowTheDefinition(string name, double variance, bool uniform)
    {
        var init = Named(name);
        var values = new float[Kernel.Length];
        init.Fill(values, Kernel, new Rng(7));
        double mean = values.Average(v => (double)v);
        double sampleVariance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        Assert.InRange(sampleVariance / variance, 0.97, 1.03);
        Assert.InRange(mean, -0.05 * Math.Sqrt(variance), 0.05 * Math.Sqrt(variance));
        double max = values.Max(v => Math.Abs((double)v));
        if (uniform)
        {
            double limit = Math.Sqrt(3 * variance);
            Assert.True(max <= limit, $"{name}: {max} beyond the bound {limit}");
            Assert.True(max > 0.99 * limit, $"{name}: {max} far inside the bound {limit}");
        }
        else
        {
            double sigma = Math.Sqrt(variance) / 0.87962566103423978;   // σ before truncation at 2σ
            Assert.True(max <= 2 * sigma, $"{name}: {max} beyond 2σ = {2 * sigma}");
        }
    }

    [Fact]
    public void VarianceScaling_ConfigRoundTrip_KeepsItsArguments()
    {
        var init = Initializers.VarianceScaling(0.25, FanMode.Average, uniform: true);
        var again = Initializers.FromConfig(System.Text.Json.Nodes.JsonNode.Parse(init.GetConfig().ToJsonString()));
        var a = new float[Kernel.Length];
        var b = new float[Kernel.Length];
        init.Fill(a, Kernel, new Rng(3));
        again.Fill(b, Kernel, new Rng(3));
        Assert.Equal(a, b);
        Assert.Equal("TorchDefault", Initializers.FromConfig(Initializers.TorchDefault.GetConfig()).Name);
    }

    [Fact]
    public void VarianceScaling_NonPositiveScale_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.VarianceScaling(0));
}
