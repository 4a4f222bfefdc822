using Fovea.Tensors;
using Fovea.Training;
using Fovea.Vision.Segmentation;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Vision.Tests.Segmentation;

/// <summary>
/// The per-pixel losses against PyTorch (<c>tests/golden/segmentation_metrics.safetensors</c>, written by
/// <c>tools/golden/make_segmentation_metrics_golden.py</c>): the loss and its gradient with respect to the logits,
/// with ignored pixels (255) and class weights. <see cref="PixelCrossentropy"/> is checked against
/// <c>F.cross_entropy(weight=, ignore_index=)</c> itself; Dice, focal and Tversky against the formulas written in
/// torch.
/// </summary>
public sealed class SegmentationLossesGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "segmentation_metrics";
    private const int Ignore = 255;

    /// <summary>float32 sums of a few hundred terms of order one: ~1e−7 relative each; 1e−5 leaves a wide margin and
    /// is far below a wrong term (a missing weight or an ignored pixel counted changes the loss by ≥ 1e−3). Measured:
    /// ≤ 2.4e−7.</summary>
    private const double LossTolerance = 1e-5;

    /// <summary>Gradient entries are of order 1/(number of pixels) ≈ 1e−2 to 1e−3; float32 softmax and sums give ~1e−8
    /// absolute error (measured ≤ 7.5e−9); 1e−6 absolute is still 1000× below a wrong entry.</summary>
    private const double GradientTolerance = 1e-6;

    public static TheoryData<string> Cases => new(Golden.Load(FileName).Meta("cases").Split(','));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_LossAndGradient_MatchTorch(string name)
    {
        var g = Golden.Load(FileName, output);
        var p = g.Json(name);
        var weights = g.Has($"{name}.w") ? g.Get($"{name}.w").ToArray() : null;
        Loss loss = p["loss"]!.GetValue<string>() switch
        {
            "ce" => new PixelCrossentropy(weights, Ignore),
            "dice" => new DiceLoss(p["smooth"]!.GetValue<float>(), Ignore),
            "focal" => new FocalLoss(p["gamma"]!.GetValue<float>(), weights, Ignore),
            "tversky" => new TverskyLoss(p["alpha"]!.GetValue<float>(), p["beta"]!.GetValue<float>(),
                p["smooth"]!.GetValue<float>(), Ignore),
            var other => throw new InvalidOperationException(other),
        };
        var x = g.Get($"{name}.x");
        x.RequiresGrad = true;
        var y = loss.Compute(x, g.Get($"{name}.t"));
        y.Backward();

        g.Close($"{name}.loss", Tensor.Wrap([y.Item()], [1]), LossTolerance);
        g.Close($"{name}.dx", x.Grad!, GradientTolerance);
    }

    [Fact]
    public void PixelCrossentropy_TargetsWithChannelAxis_SameAsWithout()
    {
        // [N, 1, H, W] targets are the same labels as [N, H, W]: the same loss (PyTorch accepts only the latter).
        var g = Golden.Load(FileName, output);
        var x = g.Get("ce_ignore.x");
        var t = g.Get("ce_ignore.t");
        var loss = new PixelCrossentropy(ignoreIndex: Ignore);
        var withAxis = loss.Compute(x, Tensor.Wrap(t.ToArray(), new Shape(t.Shape[0], 1, t.Shape[1], t.Shape[2])));
        g.Close("ce_ignore.loss", Tensor.Wrap([withAxis.Item()], [1]), LossTolerance);
    }

    [Fact]
    public void Losses_AllPixelsIgnored_ZeroLossAndGradient()
    {
        var t = Tensor.Full([2, 2, 2], Ignore);
        Loss[] losses = [new PixelCrossentropy(ignoreIndex: Ignore), new FocalLoss(ignoreIndex: Ignore)];
        foreach (var loss in losses)
        {
            var x = Tensor.Wrap(Enumerable.Range(0, 24).Select(i => (float)Math.Sin(i)).ToArray(), [2, 3, 2, 2]);
            x.RequiresGrad = true;
            var y = loss.Compute(x, t);
            y.Backward();
            Assert.Equal(0f, y.Item());
            Assert.All(x.Grad!.ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void FocalLoss_GammaZeroWithoutWeights_IsTheCrossEntropy()
    {
        // A mathematical identity: (1 − p)^0 = 1.
        var g = Golden.Load(FileName, output);
        var y = new FocalLoss(0f, ignoreIndex: Ignore).Compute(g.Get("ce_ignore.x"), g.Get("ce_ignore.t"));
        g.Close("ce_ignore.loss", Tensor.Wrap([y.Item()], [1]), LossTolerance);
    }

    [Fact]
    public void Losses_BadShapesOrLabels_ThrowNamingTheLoss()
    {
        var x = Tensor.Zeros([2, 3, 4, 4]);
        var e = Assert.Throws<FoveaException>(() => new DiceLoss().Compute(x, Tensor.Zeros([2, 4, 5])));
        Assert.Contains("dice_loss", e.Message);
        Assert.Contains("[2, 4, 5]", e.Message);
        e = Assert.Throws<FoveaException>(() => new PixelCrossentropy().Compute(Tensor.Zeros([2, 3, 4]),
            Tensor.Zeros([2, 4])));
        Assert.Contains("[N, C, H, W]", e.Message);
        e = Assert.Throws<FoveaException>(() => new TverskyLoss().Compute(x, Tensor.Full([2, 4, 4], 3f)));
        Assert.Contains("is 3", e.Message);
        e = Assert.Throws<FoveaException>(() => new PixelCrossentropy([1f, 2f]).Compute(x, Tensor.Zeros([2, 4, 4])));
        Assert.Contains("2 class weights", e.Message);
    }
}
