using Fovea.Autograd;
using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// Tversky loss (Salehi et al. 2017) of logits [N, C, H, W] against class indices [N, H, W]: with p the softmax over
/// classes and y the one-hot target, both zero at ignored pixels, and sums over the batch, TP_c = Σ p_c·y_c,
/// FP_c = Σ p_c·(1 − y_c), FN_c = Σ (1 − p_c)·y_c; effectively computes
/// 1 − mean_c (TP_c + s) / (TP_c + α·FP_c + β·FN_c + s). α = β = ½ is the Dice loss; β &gt; α weighs missed pixels
/// (false negatives) more, for small structures.
/// </summary>
/// <param name="alpha">Weight α of false positives (default 0.3).</param>
/// <param name="beta">Weight β of false negatives (default 0.7).</param>
/// <param name="smooth">s (default 1).</param>
/// <param name="ignoreIndex">The target value of pixels left out.</param>
public sealed class TverskyLoss(float alpha = 0.3f, float beta = 0.7f, float smooth = 1f, int ignoreIndex = -100)
    : Loss
{
    /// <summary>Weight α of false positives.</summary>
    public float Alpha { get; } = alpha >= 0 ? alpha
        : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "TverskyLoss: alpha must not be negative");

    /// <summary>Weight β of false negatives.</summary>
    public float Beta { get; } = beta >= 0 ? beta
        : throw new ArgumentOutOfRangeException(nameof(beta), beta, "TverskyLoss: beta must not be negative");

    /// <summary>The smoothing s.</summary>
    public float Smooth { get; } = smooth >= 0 ? smooth
        : throw new ArgumentOutOfRangeException(nameof(smooth), smooth, "TverskyLoss: smooth must not be negative");

    /// <summary>The ignored target value.</summary>
    public int IgnoreIndex { get; } = ignoreIndex;

    /// <inheritdoc/>
    public override string Name => "tversky_loss";

    /// <inheritdoc/>
    public override Tensor Compute(Tensor prediction, Tensor target)
    {
        var labels = PixelLabels.From(Name, prediction, target, IgnoreIndex);
        var p = Functional.Multiply(Functional.Softmax(prediction, 1), labels.Kept);
        int[] axes = [0, 2, 3];
        var tp = Functional.Sum(Functional.Multiply(p, labels.OneHot), axes);
        var fp = Functional.Subtract(Functional.Sum(p, axes), tp);
        var fn = Functional.Subtract(Functional.Sum(labels.OneHot, axes), tp);
        var s = Tensor.Scalar(Smooth);
        var denominator = Functional.Add(Functional.Add(Functional.Add(tp, Functional.Multiply(fp, Alpha)),
            Functional.Multiply(fn, Beta)), s);
        var index = Functional.Divide(Functional.Add(tp, s), denominator);
        return Functional.Subtract(Tensor.Scalar(1f), Functional.Mean(index));
    }
}
