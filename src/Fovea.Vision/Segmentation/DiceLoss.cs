using Fovea.Autograd;
using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// Soft Dice loss (Milletari et al. 2016) of logits [N, C, H, W] against class indices [N, H, W]: with p the softmax
/// over classes and y the one-hot target, both zero at ignored pixels, and sums over the whole batch (N, H, W),
/// effectively computes 1 − mean_c (2·Σ p_c·y_c + s) / (Σ p_c + Σ y_c + s). The smoothing s keeps a class absent
/// from the batch (and not predicted) at Dice 1 instead of 0/0.
/// </summary>
/// <param name="smooth">s, added to numerator and denominator (default 1).</param>
/// <param name="ignoreIndex">The target value of pixels left out.</param>
public sealed class DiceLoss(float smooth = 1f, int ignoreIndex = -100) : Loss
{
    /// <summary>The smoothing s.</summary>
    public float Smooth { get; } = smooth >= 0 ? smooth
        : throw new ArgumentOutOfRangeException(nameof(smooth), smooth, "DiceLoss: smooth must not be negative");

    /// <summary>The ignored target value.</summary>
    public int IgnoreIndex { get; } = ignoreIndex;

    /// <inheritdoc/>
    public override string Name => "dice_loss";

    /// <inheritdoc/>
    public override Tensor Compute(Tensor prediction, Tensor target)
    {
        var labels = PixelLabels.From(Name, prediction, target, IgnoreIndex);
        var p = Functional.Multiply(Functional.Softmax(prediction, 1), labels.Kept);
        int[] axes = [0, 2, 3];
        var intersection = Functional.Sum(Functional.Multiply(p, labels.OneHot), axes);
        var cardinality = Functional.Add(Functional.Sum(p, axes), Functional.Sum(labels.OneHot, axes));
        var s = Tensor.Scalar(Smooth);
        var dice = Functional.Divide(Functional.Add(Functional.Multiply(intersection, 2f), s),
            Functional.Add(cardinality, s));
        return Functional.Subtract(Tensor.Scalar(1f), Functional.Mean(dice));
    }
}
