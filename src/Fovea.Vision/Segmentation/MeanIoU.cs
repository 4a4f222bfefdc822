using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// Mean intersection over union as a training metric (Keras <c>MeanIoU</c>): one <see cref="ConfusionMatrix"/>
/// accumulated over every batch of an epoch or evaluation, so the result is the dataset's mIoU, not an average of
/// per-batch scores. Predictions are logits or scores [N, C, H, W]; targets class indices [N, H, W].
/// </summary>
/// <param name="classes">Number of classes C.</param>
/// <param name="ignoreIndex">Target value of pixels left out.</param>
public sealed class MeanIoU(int classes, int ignoreIndex = -100) : Metric
{
    /// <summary>The matrix accumulated since the last <see cref="Reset"/>.</summary>
    public ConfusionMatrix Matrix { get; } = new(classes, ignoreIndex);

    /// <inheritdoc/>
    public override string Name => "mean_iou";

    /// <inheritdoc/>
    public override void Reset() => Matrix.Reset();

    /// <inheritdoc/>
    public override void Update(Tensor prediction, Tensor target) => Matrix.Update(prediction, target);

    /// <inheritdoc/>
    public override double Result => Matrix.MeanIoU;
}
