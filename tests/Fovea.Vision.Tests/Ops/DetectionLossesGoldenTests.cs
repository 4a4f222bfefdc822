using Fovea.Tensors;
using Fovea.Vision.Ops;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Vision.Tests.Ops;

/// <summary>
/// <see cref="DetectionLosses"/> against torchvision 0.14 (<c>detection_ops.safetensors</c>): GIoU, DIoU and CIoU
/// losses for each reduction and two eps values, and sigmoid focal loss (α, γ, soft targets, reductions), forward
/// and the gradient of Σ r·loss with respect to every input.
/// </summary>
public sealed class DetectionLossesGoldenTests(ITestOutputHelper output)
{
    private const string File = "detection_ops";
    private static Golden G => Golden.Load(File);

    public static TheoryData<string> LossCases => Golden.CasesOf(File, "loss");
    public static TheoryData<string> FocalCases => Golden.CasesOf(File, "focal");

    private static LossReduction Reduction(string r) => r switch
    {
        "mean" => LossReduction.Mean,
        "sum" => LossReduction.Sum,
        _ => LossReduction.None,
    };

    [Theory]
    [MemberData(nameof(LossCases))]
    public void BoxLoss_Case_MatchesTorch(string c)
    {
        var p = G.Params(c);
        var reduction = Reduction(p["reduction"]!.GetValue<string>());
        float eps = p["eps"]!.GetValue<float>();
        var b1 = G.Input($"{c}.b1");
        var b2 = G.Input($"{c}.b2");
        var y = p["kind"]!.GetValue<string>() switch
        {
            "giou" => DetectionLosses.GeneralizedIouLoss(b1, b2, reduction, eps),
            "diou" => DetectionLosses.DistanceIouLoss(b1, b2, reduction, eps),
            _ => DetectionLosses.CompleteIouLoss(b1, b2, reduction, eps),
        };
        y.Backward(G.Get($"{c}.r"));
        // Losses of order 1 (sums of 7): chains of ~20 float32 ops in another order; gradients of order 0.01-1.
        G.Close($"{c}.y", y, 1e-5, 1e-5, output);
        G.Close($"{c}.d1", b1.Grad, 1e-5, 1e-4, output);
        G.Close($"{c}.d2", b2.Grad, 1e-5, 1e-4, output);
    }

    [Theory]
    [MemberData(nameof(FocalCases))]
    public void SigmoidFocalLoss_Case_MatchesTorch(string c)
    {
        var p = G.Params(c);
        var x = G.Input($"{c}.x");
        var y = DetectionLosses.SigmoidFocalLoss(x, G.Get($"{c}.t"), p["alpha"]!.GetValue<float>(),
            p["gamma"]!.GetValue<float>(), Reduction(p["reduction"]!.GetValue<string>()));
        y.Backward(G.Get($"{c}.r"));
        // Logits ~N(0, 3²): the loss goes through exp/log1p (softplus) and a power; a few ulp of values up to ~10,
        // summed over 24 elements for 'sum'.
        G.Close($"{c}.y", y, 2e-5, 1e-5, output);
        G.Close($"{c}.dx", x.Grad, 1e-5, 1e-4, output);
    }

    [Fact]
    public void BoxLosses_NoBoxes_MeanIsZero()
    {
        var none = Tensor.Zeros([0, 4]);
        Assert.Equal(0f, DetectionLosses.GeneralizedIouLoss(none, none, LossReduction.Mean).Item());
        Assert.Equal(0f, DetectionLosses.CompleteIouLoss(none, none, LossReduction.Mean).Item());
        Assert.Equal(0f, DetectionLosses.DistanceIouLoss(none, none, LossReduction.Sum).Item());
    }

    [Fact]
    public void BoxLosses_MismatchedCounts_ThrowFoveaException()
    {
        var e = Assert.Throws<FoveaException>(() =>
            DetectionLosses.GeneralizedIouLoss(Tensor.Zeros([3, 4]), Tensor.Zeros([2, 4])));
        Assert.Contains("[2, 4]", e.Message);
        e = Assert.Throws<FoveaException>(() => DetectionLosses.SigmoidFocalLoss(Tensor.Zeros([3]), Tensor.Zeros([4])));
        Assert.Contains("[4]", e.Message);
    }
}
