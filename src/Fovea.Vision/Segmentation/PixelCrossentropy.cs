using Fovea.Autograd;
using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// Per-pixel cross-entropy of logits [N, C, H, W] against class indices [N, H, W] (or [N, 1, H, W]), as PyTorch's
/// <c>F.cross_entropy(logits, target, weight=classWeights, ignore_index=ignoreIndex)</c> with mean reduction:
/// effectively computes Σᵢ w[tᵢ]·(−log softmax(xᵢ)[tᵢ]) / Σᵢ w[tᵢ] over the pixels i whose target is not
/// <see cref="IgnoreIndex"/> (w = 1 without class weights, so the mean over kept pixels). When every pixel is ignored
/// the loss is 0 with a zero gradient (PyTorch gives NaN).
/// </summary>
/// <param name="classWeights">A weight per class (PyTorch's <c>weight</c>), or null for 1.</param>
/// <param name="ignoreIndex">The target value of pixels left out (PyTorch's default −100; Pascal VOC marks object
/// borders with 255).</param>
public sealed class PixelCrossentropy(float[]? classWeights = null, int ignoreIndex = -100) : Loss
{
    private readonly float[]? _weights = PixelLabels.CheckWeights("PixelCrossentropy", classWeights);

    /// <summary>The ignored target value.</summary>
    public int IgnoreIndex { get; } = ignoreIndex;

    /// <summary>The class weights (null: all 1).</summary>
    public IReadOnlyList<float>? ClassWeights => _weights;

    /// <inheritdoc/>
    public override string Name => "pixel_crossentropy";

    /// <inheritdoc/>
    public override Tensor Compute(Tensor prediction, Tensor target)
    {
        var labels = PixelLabels.From(Name, prediction, target, IgnoreIndex);
        PixelLabels.CheckClasses(Name, _weights, prediction);
        var weights = _weights;
        double total = labels.SumOverKept(k => weights?[k] ?? 1f);
        var logp = Functional.LogSoftmax(prediction, 1);
        if (total == 0)
            return Functional.Multiply(Functional.Sum(logp), 0f);
        var scale = labels.PerPixel(labels.Kept.Shape, k => weights?[k] ?? 1f, -total);
        return Functional.Sum(Functional.Multiply(Functional.Multiply(logp, labels.OneHot), scale));
    }
}
