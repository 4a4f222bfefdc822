using Fovea.Autograd;
using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// Focal loss (Lin et al. 2017) per pixel, for logits [N, C, H, W] against class indices [N, H, W]: with pᵢ the
/// softmax probability of pixel i's true class, effectively computes Σᵢ w[tᵢ]·(1 − pᵢ)^γ·(−log pᵢ) / (number of kept
/// pixels) over the pixels not ignored. γ = 0 without class weights is the cross-entropy; larger γ down-weights the
/// pixels already classified well. The class weights play the role of the paper's α (per class).
/// </summary>
/// <param name="gamma">The focusing parameter γ ≥ 0 (default 2, the paper's).</param>
/// <param name="classWeights">A weight per class, or null for 1.</param>
/// <param name="ignoreIndex">The target value of pixels left out.</param>
public sealed class FocalLoss(float gamma = 2f, float[]? classWeights = null, int ignoreIndex = -100) : Loss
{
    private readonly float[]? _weights = PixelLabels.CheckWeights("FocalLoss", classWeights);

    /// <summary>The focusing parameter γ.</summary>
    public float Gamma { get; } = gamma >= 0 ? gamma
        : throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "FocalLoss: gamma must not be negative");

    /// <summary>The ignored target value.</summary>
    public int IgnoreIndex { get; } = ignoreIndex;

    /// <inheritdoc/>
    public override string Name => "focal_loss";

    /// <inheritdoc/>
    public override Tensor Compute(Tensor prediction, Tensor target)
    {
        var labels = PixelLabels.From(Name, prediction, target, IgnoreIndex);
        PixelLabels.CheckClasses(Name, _weights, prediction);
        var logp = Functional.LogSoftmax(prediction, 1);
        if (labels.KeptCount == 0)
            return Functional.Multiply(Functional.Sum(logp), 0f);
        // log pᵢ of the true class ([N, 1, H, W]; 0 at ignored pixels, where the factor below is then 0 too).
        var logpt = Functional.Sum(Functional.Multiply(logp, labels.OneHot), [1], keepDims: true);
        var miss = Functional.Subtract(Tensor.Scalar(1f), Functional.Exp(logpt));
        var factor = Gamma == 0 ? Tensor.Scalar(1f) : Functional.Pow(Functional.Relu(miss), Gamma);
        var weights = _weights;
        var scale = labels.PerPixel(labels.Kept.Shape, k => weights?[k] ?? 1f, -labels.KeptCount);
        return Functional.Sum(Functional.Multiply(Functional.Multiply(factor, logpt), scale));
    }
}
