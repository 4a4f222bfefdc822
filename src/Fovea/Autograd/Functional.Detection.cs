using Fovea.Autograd.Functions;
using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd;

public static partial class Functional
{
    /// <summary>
    /// RoIAlign (Mask R-CNN; <c>torchvision.ops.roi_align</c>): pools each region of interest of
    /// <paramref name="x"/> into a fixed <paramref name="outputSize"/> grid of bins, each the average of bilinear
    /// samples. Effectively computes, for RoI k = (b, x1, y1, x2, y2) scaled by <paramref name="spatialScale"/> (and
    /// shifted by −0.5 when <paramref name="aligned"/>), y[k, c, i, j] = mean over the sample grid of bin (i, j) of
    /// bilinear(x[b, c], sample). The grid has <paramref name="samplingRatio"/> samples per axis when positive,
    /// else (0 or negative, as in torchvision) ⌈roi size / bins⌉. Without <paramref name="aligned"/> a RoI is at
    /// least one cell wide and high (torchvision's legacy behaviour). A sample more than one cell outside the map
    /// counts as 0, so a RoI outside the image pools zeros. Gradients flow to <paramref name="x"/> only.
    /// Shape: x [N, C, H, W]; rois [K, 5] (batch index, x1, y1, x2, y2 in image coordinates); output
    /// [K, C, outputSize.Height, outputSize.Width].
    /// </summary>
    /// <exception cref="FoveaException">x is not rank 4, rois is not [K, 5], a batch index is out of range, or the
    /// output size is not positive.</exception>
    public static Tensor RoiAlign(Tensor x, Tensor rois, Size2 outputSize, float spatialScale = 1f,
        int samplingRatio = -1, bool aligned = false)
    {
        if (x.Rank != 4)
            throw new FoveaException($"RoiAlign: expected features [N, C, H, W], received {x.Shape}");
        if (rois.Rank != 2 || rois.Shape[1] != 5)
            throw new FoveaException(
                $"RoiAlign: expected rois [K, 5] (batch index, x1, y1, x2, y2), received {rois.Shape}");
        if (outputSize.Height <= 0 || outputSize.Width <= 0)
            throw new FoveaException($"RoiAlign: output size must be positive, received {outputSize}");
        var r = rois.AsReadOnlySpan();
        for (int k = 0; k < rois.Shape[0]; k++)
        {
            float b = r[5 * k];
            if (b != MathF.Floor(b) || b < 0 || b >= x.Shape[0])
                throw new FoveaException(
                    $"RoiAlign: RoI {k} has batch index {b}, expected an integer in [0, {x.Shape[0]})");
        }
        var g = new RoiAlignGeometry(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], rois.Shape[0],
            outputSize.Height, outputSize.Width, spatialScale, samplingRatio, aligned);
        return RoiAlignFunction.Apply(x, rois, g);
    }

    /// <summary>
    /// Non-maximum suppression (<c>torchvision.ops.nms</c>): visits the boxes by decreasing score (equal scores by
    /// increasing index), keeps a box unless a kept box overlaps it with IoU greater than
    /// <paramref name="iouThreshold"/> (IoU equal to the threshold is kept), and returns the kept indices in that
    /// order. IoU is computed in float32 as torchvision computes it, so results match torchvision exactly, ties and
    /// boxes at the threshold included. Not differentiable.
    /// Shape: boxes [N, 4] (x1, y1, x2, y2); scores [N]; result: K ≤ N indices.
    /// </summary>
    /// <exception cref="FoveaException">boxes is not [N, 4] or scores is not [N].</exception>
    public static int[] Nms(Tensor boxes, Tensor scores, double iouThreshold)
    {
        CheckBoxesAndScores("Nms", boxes, scores);
        var keep = new int[scores.Length];
        int count = NmsKernels.Nms(boxes.AsReadOnlySpan(), scores.AsReadOnlySpan(), iouThreshold, keep);
        return keep[..count];
    }

    /// <summary>
    /// Class-aware non-maximum suppression (<c>torchvision.ops.batched_nms</c>): as <see cref="Nms"/>, but a box
    /// only suppresses boxes of its own class. Returns the kept indices by decreasing score (equal scores by
    /// increasing index). Like torchvision on the CPU, up to 1000 boxes shift each class by class·(max coordinate + 1)
    /// and run one NMS; more boxes run one NMS per class.
    /// Shape: boxes [N, 4]; scores [N]; classes N non-negative class indices.
    /// </summary>
    /// <exception cref="FoveaException">The shapes disagree or a class index is negative.</exception>
    public static int[] BatchedNms(Tensor boxes, Tensor scores, ReadOnlySpan<int> classes, double iouThreshold)
    {
        CheckBoxesAndScores("BatchedNms", boxes, scores);
        if (classes.Length != scores.Length)
            throw new FoveaException(
                $"BatchedNms: expected {scores.Length} class indices (one per box), received {classes.Length}");
        foreach (int c in classes)
        {
            if (c < 0)
                throw new FoveaException($"BatchedNms: class indices must be non-negative, received {c}");
        }
        var keep = new int[scores.Length];
        int count = NmsKernels.BatchedNms(boxes.AsReadOnlySpan(), scores.AsReadOnlySpan(), classes, iouThreshold,
            keep);
        return keep[..count];
    }

    private static void CheckBoxesAndScores(string op, Tensor boxes, Tensor scores)
    {
        if (boxes.Rank != 2 || boxes.Shape[1] != 4)
            throw new FoveaException($"{op}: expected boxes [N, 4] (x1, y1, x2, y2), received {boxes.Shape}");
        if (scores.Rank != 1 || scores.Shape[0] != boxes.Shape[0])
            throw new FoveaException(
                $"{op}: expected scores [{boxes.Shape[0]}] (one per box), received {scores.Shape}");
    }
}
