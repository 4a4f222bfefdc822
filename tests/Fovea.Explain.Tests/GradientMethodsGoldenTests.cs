using Fovea.Models;
using Fovea.Models.Zoo;
using Fovea.Tensors;
using Fovea.Tests.Models;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Explain.Tests;

/// <summary>
/// The gradient methods against PyTorch autograd (tests/golden/explain.safetensors, the formulas written in torch by
/// tools/golden/make_explain_golden.py): a small CNN with its ReLUs as layers and fused into the convolutions, and
/// the zoo ResNet-18 with generated weights. Tolerance: float32 gradients through two convolutions and a pooling of
/// values of order 0.1–1 agree to ~1e-6; 1e-4 absolute + 1e-4 relative leaves room for summation order.
/// </summary>
public sealed class GradientMethodsGoldenTests(ITestOutputHelper output)
{
    private const float Atol = 1e-4f;
    private const float Rtol = 1e-4f;

    private static int Target => ExplainGolden.Target;

    private static Tensor X => ExplainGolden.Get("x");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Saliency_SmallCnn_MatchesTorch(bool fused)
    {
        var model = ExplainGolden.SmallCnn(fused);
        var expected = ExplainGolden.Get("saliency");
        var a = new Saliency(model).Attribute(X, Target);
        ExplainGolden.Close(expected, a.Values, Atol, Rtol, "saliency", output);
        var abs = new Saliency(model, SaliencyMode.AbsoluteGradient).Attribute(X, Target).Values.ToArray();
        var gx = new Saliency(model, SaliencyMode.GradientTimesInput).Attribute(X, Target).Values.ToArray();
        var e = expected.ToArray();
        var x = X.ToArray();
        for (int i = 0; i < e.Length; i++)
        {
            Assert.Equal(Math.Abs(e[i]), abs[i], 1e-4f);
            Assert.Equal(e[i] * x[i], gx[i], 1e-4f);
        }
    }

    [Fact]
    public void Saliency_ModelEndingInSoftmax_ExplainsTheLogit()
    {
        // The reference CNN ends in Dense(softmax): the methods explain the pre-softmax logit, as the golden does.
        var a = new Saliency(ExplainGolden.SmallCnn(softmax: true)).Attribute(X, Target);
        ExplainGolden.Close(ExplainGolden.Get("saliency"), a.Values, Atol, Rtol, "saliency (softmax model)", output);
        var cam = new GradCam(ExplainGolden.SmallCnn(fused: true, softmax: true), "relu2").Attribute(X, Target);
        ExplainGolden.Close(ExplainGolden.Get("cam.gradcam"), cam.Values, Atol, Rtol, "gradcam (softmax model)",
            output);
    }

    [Theory]
    [InlineData(IntegrationRule.RiemannLeft, "riemann_left")]
    [InlineData(IntegrationRule.RiemannRight, "riemann_right")]
    [InlineData(IntegrationRule.RiemannMiddle, "riemann_middle")]
    [InlineData(IntegrationRule.RiemannTrapezoid, "riemann_trapezoid")]
    [InlineData(IntegrationRule.GaussLegendre, "gausslegendre")]
    public void IntegratedGradients_EachRule_MatchesTorch(IntegrationRule rule, string name)
    {
        // Internal batch 3 does not divide the 8 steps: the last batch is partial.
        var ig = new IntegratedGradients(ExplainGolden.SmallCnn())
        {
            Steps = ExplainGolden.Steps, Rule = rule, InternalBatchSize = 3,
        };
        var a = ig.Attribute(X, Target);
        ExplainGolden.Close(ExplainGolden.Get($"ig.{name}"), a.Values, Atol, Rtol, $"ig.{name}", output);
    }

    [Fact]
    public void IntegratedGradients_UserBaseline_MatchesTorch()
    {
        var ig = new IntegratedGradients(ExplainGolden.SmallCnn()) { Steps = ExplainGolden.Steps };
        var a = ig.Attribute(X, Target, ExplainGolden.Get("baseline"));
        ExplainGolden.Close(ExplainGolden.Get("ig_baseline.gausslegendre"), a.Values, Atol, Rtol, "ig_baseline",
            output);
    }

    [Theory]
    [InlineData(CamMethod.GradCam, "gradcam", false)]
    [InlineData(CamMethod.GradCamPlusPlus, "gradcampp", false)]
    [InlineData(CamMethod.HiResCam, "hirescam", false)]
    [InlineData(CamMethod.LayerCam, "layercam", false)]
    [InlineData(CamMethod.GradCam, "gradcam", true)]
    [InlineData(CamMethod.GradCamPlusPlus, "gradcampp", true)]
    public void GradCam_EachMethod_MatchesTorch(CamMethod method, string name, bool fused)
    {
        var cam = new GradCam(ExplainGolden.SmallCnn(fused), "relu2", method) { InternalBatchSize = 1 };
        var a = cam.Attribute(X, Target);
        ExplainGolden.Close(ExplainGolden.Get($"cam.{name}"), a.Values, Atol, Rtol, $"cam.{name}", output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GuidedBackprop_SeparateAndFusedRelu_MatchesTorch(bool fused)
    {
        var gb = new GuidedBackprop(ExplainGolden.SmallCnn(fused));
        Assert.Equal(2, gb.ReluLayers.Count);
        var a = gb.Attribute(X, Target);
        ExplainGolden.Close(ExplainGolden.Get("guided"), a.Values, Atol, Rtol, "guided", output);
        // Guided backprop differs from the plain gradient on this model (the hooks did something).
        var plain = ExplainGolden.Get("saliency").ToArray();
        Assert.Contains(plain.Zip(a.Values.ToArray()), p => Math.Abs(p.First - p.Second) > 1e-3f);
    }

    [Theory]
    [InlineData(CamMethod.GradCam, "gradcam")]
    [InlineData(CamMethod.GradCamPlusPlus, "gradcampp")]
    [InlineData(CamMethod.HiResCam, "hirescam")]
    [InlineData(CamMethod.LayerCam, "layercam")]
    public void ResNet18_Layer4Cam_MatchesTorch(CamMethod method, string name)
    {
        // layer4 is torchvision's module name: the output of its last block. Tolerance: 18 layers of float32 with
        // generated weights; logits of order 1-10 agree to ~1e-4 relative (the zoo golden's own tolerance).
        var model = ModelZoo.Create("resnet18", inputShape: [3, 64, 64]);
        model.LoadStateDict(ZooWeights.For(model));
        var x = ZooWeights.Input(64);
        int target = 7;
        var a = new GradCam(model, "layer4", method).Attribute(x, target);
        var expected = ExplainGolden.Get($"resnet18.{name}");
        float scale = expected.ToArray().Max();
        ExplainGolden.Close(expected, a.Values, 1e-3f * scale, 1e-3f, $"resnet18.{name}", output);
    }
}
