using Fovea.Tensors;

namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>The four losses torchvision's Faster R-CNN returns in training mode (scalars, differentiable in the
/// weights).</summary>
/// <param name="Classifier"><c>loss_classifier</c>.</param>
/// <param name="BoxRegression"><c>loss_box_reg</c>.</param>
/// <param name="Objectness"><c>loss_objectness</c>.</param>
/// <param name="RpnBoxRegression"><c>loss_rpn_box_reg</c>.</param>
public sealed record FasterRcnnLosses(Tensor Classifier, Tensor BoxRegression, Tensor Objectness,
    Tensor RpnBoxRegression)
{
    /// <summary>The sum of the four, what torchvision's reference training minimises.</summary>
    public Tensor Total => Autograd.Functional.AddN([Classifier, BoxRegression, Objectness, RpnBoxRegression]);
}

public sealed partial class FasterRcnn
{
    /// <summary>
    /// The training-mode losses of torchvision's <c>model(images, targets)</c>, with BatchNorm kept on its running
    /// statistics (as torchvision's <c>FrozenBatchNorm2d</c> does with a pretrained backbone): the images and target
    /// boxes are transformed, the RPN runs with the training top-n settings and its losses are computed on sampled
    /// anchors; its proposals (detached) plus the ground truth are matched, sampled and classified by the box head.
    /// Sampling draws from the model's seeded generator where there are more candidates than
    /// <see cref="FasterRcnnOptions.RpnBatchSizePerImage"/> or <see cref="FasterRcnnOptions.BoxBatchSizePerImage"/>
    /// allow; with limits above the counts every candidate is kept, and the losses equal torchvision's.
    /// </summary>
    /// <param name="images">Images [3, H_i, W_i] with values in [0, 1].</param>
    /// <param name="boxes">Per image, ground-truth boxes [G_i, 4] (x1, y1, x2, y2) in its pixels.</param>
    /// <param name="labels">Per image, the G_i classes (1 … NumClasses − 1).</param>
    public FasterRcnnLosses Loss(IReadOnlyList<Tensor> images, IReadOnlyList<Tensor> boxes,
        IReadOnlyList<int[]> labels)
    {
        if (boxes.Count != images.Count || labels.Count != images.Count)
            throw new FoveaException($"{Name}: expected one box tensor and one label array per image " +
                $"({images.Count}), received {boxes.Count} and {labels.Count}");
        for (int i = 0; i < boxes.Count; i++)
        {
            BoxColumnsCheck(boxes[i]);
            if (labels[i].Length != boxes[i].Shape[0] || labels[i].Any(l => l < 1 || l >= Options.NumClasses))
                throw new FoveaException($"{Name}: image {i} has {boxes[i].Shape[0]} boxes, expected as many labels " +
                    $"in [1, {Options.NumClasses - 1}], received [{string.Join(", ", labels[i])}]");
        }
        var (batch, sizes) = Transform.Apply(images);
        var gt = boxes.Select((b, i) => GeneralizedRcnnTransform.Postprocess(b,
            (images[i].Shape[1], images[i].Shape[2]), sizes[i])).ToList();
        var features = _backbone(batch);
        var (objectness, deltas, anchors, perLevel) = _rpn.Head(features, batch.Shape[2], batch.Shape[3]);
        var proposals = _rpn.Proposals(objectness.Detach(), deltas.Detach(), anchors, perLevel, sizes, training: true);
        var (obj, rpnBox) = _rpn.Loss(objectness, deltas, anchors, gt, _random);
        var (cls, box) = _roiHeads.Loss(features.Take(_pooledLevels).ToList(), proposals.Select(p => p.Boxes).ToList(),
            sizes, gt, labels, _random);
        return new FasterRcnnLosses(cls, box, obj, rpnBox);
    }

    private void BoxColumnsCheck(Tensor b)
    {
        if (b.Rank != 2 || b.Shape[1] != 4)
            throw new FoveaException($"{Name}: expected target boxes [G, 4], received {b.Shape}");
    }
}
