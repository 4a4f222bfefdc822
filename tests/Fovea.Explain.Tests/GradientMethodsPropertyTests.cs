using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Explain.Tests;

/// <summary>Mathematical properties of the gradient methods: completeness, invariances, exact cases.</summary>
public sealed class GradientMethodsPropertyTests(ITestOutputHelper output)
{
    private static Tensor X => ExplainGolden.Get("x");

    [Theory]
    [InlineData(IntegrationRule.RiemannMiddle)]
    [InlineData(IntegrationRule.RiemannTrapezoid)]
    [InlineData(IntegrationRule.GaussLegendre)]
    public void IntegratedGradients_MoreSteps_CompletenessErrorShrinks(IntegrationRule rule)
    {
        // Completeness: Σ IG = F(x) − F(x') exactly for the integral; the quadrature error falls with the steps.
        var model = ExplainGolden.SmallCnn();
        double previous = double.MaxValue;
        foreach (int steps in new[] { 2, 8, 64, 512 })
        {
            var a = new IntegratedGradients(model) { Steps = steps, Rule = rule, InternalBatchSize = 64 }
                .Attribute(X, ExplainGolden.Target);
            double err = a.ConvergenceDelta!.Max(Math.Abs);
            output.WriteLine($"{rule} {steps} steps: max |delta| {err:G3}");
            Assert.True(err <= previous + 1e-5, $"{steps} steps: |delta| {err} grew from {previous}");
            previous = err;
        }
        Assert.True(previous < 2e-3, $"512 steps still leave |delta| = {previous}");
    }

    [Fact]
    public void IntegratedGradients_InternalBatchSize_DoesNotChangeResult()
    {
        var model = ExplainGolden.SmallCnn();
        var one = new IntegratedGradients(model) { Steps = 20, InternalBatchSize = 1 }.Attribute(X, 1);
        var many = new IntegratedGradients(model) { Steps = 20, InternalBatchSize = 7 }.Attribute(X, 1);
        ExplainGolden.Close(one.Values, many.Values, 1e-6f, 1e-5f, "batch 1 vs 7", output);
    }

    [Fact]
    public void IntegratedGradients_OneBaselineForAll_EqualsRepeatedBaseline()
    {
        var model = ExplainGolden.SmallCnn();
        var one = Tensor.RandomUniform([1, 3, 8, 8], new Rng(9), -0.1f, 0.1f);
        var repeated = Tensor.Wrap([.. one.ToArray(), .. one.ToArray()], [2, 3, 8, 8]);
        var ig = new IntegratedGradients(model) { Steps = 6 };
        var a = ig.Attribute(X, 0, one);
        var b = ig.Attribute(X, 0, repeated);
        var c = ig.Attribute(X, 0, Tensor.Wrap(one.ToArray(), [3, 8, 8]));
        Assert.Equal(b.Values.ToArray(), a.Values.ToArray());
        Assert.Equal(b.Values.ToArray(), c.Values.ToArray());
        Assert.Throws<FoveaException>(() => ig.Attribute(X, 0, Tensor.Zeros([3, 3, 8, 8])));
    }

    [Fact]
    public void GradCam_TorchvisionModuleName_ResolvesToItsLastLayer()
    {
        // torchvision's "features" of MobileNetV2 ends with the 1×1 convolution block features.18 (1280 channels).
        var model = Models.Zoo.ModelZoo.Create("mobilenet_v2", inputShape: [3, 32, 32]);
        var cam = new GradCam(model, "features");
        Assert.StartsWith("features.18", cam.Layer);
        var a = cam.Attribute(Tensor.RandomUniform([1, 3, 32, 32], new Rng(2), -1, 1), 3);
        Assert.Equal(new Shape(1, 1, 1, 1), a.Values.Shape);
    }

    [Fact]
    public void SmoothGrad_ZeroNoise_EqualsGradient()
    {
        var sg = new SmoothGrad(ExplainGolden.SmallCnn()) { NoiseLevel = 0, Samples = 3 };
        ExplainGolden.Close(ExplainGolden.Get("saliency"), sg.Attribute(X, ExplainGolden.Target).Values, 1e-4f, 1e-4f,
            "smoothgrad σ=0", output);
    }

    [Fact]
    public void SmoothGrad_SameSeed_SameResult_OtherSeedDiffers()
    {
        var model = ExplainGolden.SmallCnn();
        var a = new SmoothGrad(model) { Samples = 5, Seed = 3 }.Attribute(X, 0).Values.ToArray();
        var b = new SmoothGrad(model) { Samples = 5, Seed = 3 }.Attribute(X, 0).Values.ToArray();
        var c = new SmoothGrad(model) { Samples = 5, Seed = 4 }.Attribute(X, 0).Values.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void GradientShap_LinearModel_EqualsWeightTimesDifference()
    {
        // For F(x) = w·x + b the gradient is w everywhere, so every draw gives w ⊙ (x − baseline): exact SHAP values.
        var dense = new Dense(3, name: "fc");
        var model = new Sequential([new Flatten(name: "flat"), dense], "linear", inputShape: [2, 2, 2]);
        var x = Tensor.RandomUniform([2, 2, 2, 2], new Rng(1), -1, 1);
        var baseline = Tensor.RandomUniform([1, 2, 2, 2], new Rng(2), -1, 1);
        var a = new GradientShap(model) { Samples = 10 }.Attribute(x, 1, baseline);
        var w = dense.Kernel.ToArray();
        var xs = x.ToArray();
        var bs = baseline.ToArray();
        var v = a.Values.ToArray();
        for (int i = 0; i < v.Length; i++)
            Assert.Equal(w[8 + i % 8] * (xs[i] - bs[i % 8]), v[i], 1e-5f);
        Assert.All(a.ConvergenceDelta!, d => Assert.True(Math.Abs(d) < 1e-4f, $"delta {d}"));
    }

    [Fact]
    public void GradCam_UnknownLayer_ThrowsNamingIt()
    {
        var ex = Assert.Throws<FoveaException>(() => new GradCam(ExplainGolden.SmallCnn(), "layer9"));
        Assert.Contains("layer9", ex.Message);
    }

    [Fact]
    public void Saliency_TargetOutOfRange_Throws()
    {
        var ex = Assert.Throws<FoveaException>(() => new Saliency(ExplainGolden.SmallCnn()).Attribute(X, 5));
        Assert.Contains("5 classes", ex.Message);
    }

    [Fact]
    public void Maps_Upsample_ConstantStaysConstantAndCornersInterpolate()
    {
        // Half-pixel bilinear from 2×2 to 4×4: output pixel 0 maps to source −0.25 → clamped to 0, pixel 1 to 0.25.
        var m = Tensor.FromArray([0f, 1f, 2f, 3f], [1, 1, 2, 2]);
        var up = Maps.Upsample(m, 4, 4).ToArray();
        Assert.Equal(0f, up[0], 1e-6f);
        Assert.Equal(0.25f, up[1], 1e-6f);
        Assert.Equal(0.75f, up[2], 1e-6f);
        Assert.Equal(3f, up[15], 1e-6f);
        var n = Maps.Normalize(m).ToArray();
        Assert.Equal([0f, 1f / 3, 2f / 3, 1f], n);
    }
}
