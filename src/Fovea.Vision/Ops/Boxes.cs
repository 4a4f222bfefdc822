using Fovea.Autograd;
using Fovea.Tensors;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Ops;

/// <summary>
/// Box operations as <c>torchvision.ops</c> defines them: format conversion, area, pairwise IoU, generalized,
/// distance and complete IoU, clipping, small-box removal and (class-aware) non-maximum suppression. Boxes are
/// [N, 4] float tensors; (x1, y1, x2, y2) unless a format says otherwise. Every tensor-valued op is built from
/// differentiable <see cref="Functional"/> ops, so gradients flow to the boxes.
/// </summary>
public static class Boxes
{
    private static readonly float s_fourOverPiSquared = (float)(4 / (Math.PI * Math.PI));

    /// <summary>
    /// Converts boxes from <paramref name="from"/> to <paramref name="to"/> (<c>torchvision.ops.box_convert</c>:
    /// through (x1, y1, x2, y2) when neither format is that); always a new tensor. Shape: [N, 4] → [N, 4].
    /// </summary>
    public static Tensor Convert(Tensor boxes, BoxFormat from, BoxFormat to)
    {
        BoxColumns.Check("Boxes.Convert", boxes);
        var c = BoxColumns.Of(boxes);
        var xyxy = from switch
        {
            BoxFormat.Xywh => new BoxColumns(c.A, c.B, Add(c.A, c.C), Add(c.B, c.D)),
            BoxFormat.CxCyWh => new BoxColumns(Subtract(c.A, Multiply(c.C, 0.5f)), Subtract(c.B, Multiply(c.D, 0.5f)),
                Add(c.A, Multiply(c.C, 0.5f)), Add(c.B, Multiply(c.D, 0.5f))),
            _ => c,
        };
        var result = to switch
        {
            BoxFormat.Xywh => new BoxColumns(xyxy.A, xyxy.B, Subtract(xyxy.C, xyxy.A), Subtract(xyxy.D, xyxy.B)),
            BoxFormat.CxCyWh => new BoxColumns(Multiply(Add(xyxy.A, xyxy.C), 0.5f), Multiply(Add(xyxy.B, xyxy.D), 0.5f),
                Subtract(xyxy.C, xyxy.A), Subtract(xyxy.D, xyxy.B)),
            _ => xyxy,
        };
        return result.Join();
    }

    /// <summary>Area (x2 − x1)·(y2 − y1) of each box (<c>box_area</c>). Shape: [N, 4] → [N].</summary>
    public static Tensor Area(Tensor boxes)
    {
        BoxColumns.Check("Boxes.Area", boxes);
        var c = BoxColumns.Of(boxes);
        return Reshape(Multiply(Subtract(c.C, c.A), Subtract(c.D, c.B)), boxes.Shape[0]);
    }

    /// <summary>Pairwise IoU, inter / union (<c>box_iou</c>). Shape: [N, 4], [M, 4] → [N, M].</summary>
    public static Tensor Iou(Tensor boxes1, Tensor boxes2) => Pairwise("Boxes.Iou", boxes1, boxes2).Iou;

    /// <summary>
    /// Pairwise generalized IoU (Rezatofighi et al. 2019; <c>generalized_box_iou</c>): IoU − (C − union) / C with C
    /// the area of the smallest box enclosing both. Shape: [N, 4], [M, 4] → [N, M].
    /// </summary>
    public static Tensor GeneralizedIou(Tensor boxes1, Tensor boxes2)
    {
        var p = Pairwise("Boxes.GeneralizedIou", boxes1, boxes2);
        var enclosing = Multiply(p.EnclosingW, p.EnclosingH);
        return Subtract(p.Iou, Divide(Subtract(enclosing, p.Union), enclosing));
    }

    /// <summary>
    /// Pairwise distance IoU (Zheng et al. 2020; <c>distance_box_iou</c>): IoU − ρ² / (c² + eps), with ρ the distance
    /// between the centres and c the diagonal of the enclosing box. Shape: [N, 4], [M, 4] → [N, M].
    /// </summary>
    public static Tensor DistanceIou(Tensor boxes1, Tensor boxes2, float eps = 1e-7f) =>
        Pairwise("Boxes.DistanceIou", boxes1, boxes2).DistanceIou(eps);

    /// <summary>
    /// Pairwise complete IoU (<c>complete_box_iou</c>): DIoU − α·v with v = 4/π²·(atan(w1/h1) − atan(w2/h2))² and
    /// α = v / (1 − IoU + v + eps) taken as a constant (no gradient through α, as in torchvision).
    /// Shape: [N, 4], [M, 4] → [N, M].
    /// </summary>
    public static Tensor CompleteIou(Tensor boxes1, Tensor boxes2, float eps = 1e-7f)
    {
        var p = Pairwise("Boxes.CompleteIou", boxes1, boxes2);
        var v = AspectPenalty(Subtract(p.B1.C, p.B1.A), Subtract(p.B1.D, p.B1.B), Subtract(p.B2.C, p.B2.A),
            Subtract(p.B2.D, p.B2.B));
        var alpha = Alpha(v, p.Iou, eps);
        return Subtract(p.DistanceIou(eps), Multiply(alpha, v));
    }

    /// <summary>
    /// Clips boxes to an image of <paramref name="height"/> × <paramref name="width"/>: x into [0, width], y into
    /// [0, height] (<c>clip_boxes_to_image</c>). Shape: [N, 4] → [N, 4].
    /// </summary>
    public static Tensor ClipToImage(Tensor boxes, int height, int width)
    {
        BoxColumns.Check("Boxes.ClipToImage", boxes);
        var c = BoxColumns.Of(boxes);
        return new BoxColumns(Clip(c.A, 0f, width), Clip(c.B, 0f, height), Clip(c.C, 0f, width),
            Clip(c.D, 0f, height)).Join();
    }

    /// <summary>Indices, in increasing order, of the boxes whose width and height are both at least
    /// <paramref name="minSize"/> (<c>remove_small_boxes</c>). Shape: [N, 4] → K indices.</summary>
    public static int[] RemoveSmall(Tensor boxes, float minSize)
    {
        BoxColumns.Check("Boxes.RemoveSmall", boxes);
        var b = boxes.AsReadOnlySpan();
        var keep = new List<int>();
        for (int i = 0; i < boxes.Shape[0]; i++)
        {
            if (b[4 * i + 2] - b[4 * i] >= minSize && b[4 * i + 3] - b[4 * i + 1] >= minSize)
                keep.Add(i);
        }
        return [.. keep];
    }

    /// <summary>Non-maximum suppression exactly as <c>torchvision.ops.nms</c>: see <see cref="Functional.Nms"/>.
    /// Shape: boxes [N, 4], scores [N] → kept indices by decreasing score.</summary>
    public static int[] Nms(Tensor boxes, Tensor scores, double iouThreshold) =>
        Functional.Nms(boxes, scores, iouThreshold);

    /// <summary>Class-aware NMS exactly as <c>torchvision.ops.batched_nms</c>: see
    /// <see cref="Functional.BatchedNms"/>.</summary>
    public static int[] BatchedNms(Tensor boxes, Tensor scores, ReadOnlySpan<int> classes, double iouThreshold) =>
        Functional.BatchedNms(boxes, scores, classes, iouThreshold);

    /// <summary>4/π²·(atan(wa/ha) − atan(wb/hb))², the aspect-ratio term v of CIoU.</summary>
    internal static Tensor AspectPenalty(Tensor wa, Tensor ha, Tensor wb, Tensor hb) =>
        Multiply(Pow(Subtract(Atan(Divide(wa, ha)), Atan(Divide(wb, hb))), 2f), s_fourOverPiSquared);

    /// <summary>α = v / (1 − IoU + v + eps), detached (torchvision computes it under no_grad).</summary>
    internal static Tensor Alpha(Tensor v, Tensor iou, float eps)
    {
        using var _ = GradMode.NoGrad();
        return Divide(v, Add(Add(Subtract(Tensor.Scalar(1f), iou), v), Tensor.Scalar(eps))).Detach();
    }

    private static PairwiseTerms Pairwise(string op, Tensor boxes1, Tensor boxes2)
    {
        BoxColumns.Check(op, boxes1, "boxes1");
        BoxColumns.Check(op, boxes2, "boxes2");
        var a = BoxColumns.Of(boxes1);
        var b = BoxColumns.RowsOf(boxes2);
        var area1 = Multiply(Subtract(a.C, a.A), Subtract(a.D, a.B));
        var area2 = Multiply(Subtract(b.C, b.A), Subtract(b.D, b.B));
        var w = NonNegative(Subtract(Minimum(a.C, b.C), Maximum(a.A, b.A)));
        var h = NonNegative(Subtract(Minimum(a.D, b.D), Maximum(a.B, b.B)));
        var inter = Multiply(w, h);
        var union = Subtract(Add(area1, area2), inter);
        var ew = NonNegative(Subtract(Maximum(a.C, b.C), Minimum(a.A, b.A)));
        var eh = NonNegative(Subtract(Maximum(a.D, b.D), Minimum(a.B, b.B)));
        return new PairwiseTerms(a, b, Divide(inter, union), union, ew, eh);
    }

    /// <summary>clamp(min = 0) with torchvision's gradient (1 at 0 itself).</summary>
    internal static Tensor NonNegative(Tensor x) => Clip(x, 0f, float.PositiveInfinity);

    private sealed record PairwiseTerms(BoxColumns B1, BoxColumns B2, Tensor Iou, Tensor Union, Tensor EnclosingW,
        Tensor EnclosingH)
    {
        public Tensor DistanceIou(float eps)
        {
            var diagonal = Add(Add(Pow(EnclosingW, 2f), Pow(EnclosingH, 2f)), Tensor.Scalar(eps));
            var dx = Subtract(Multiply(Add(B1.A, B1.C), 0.5f), Multiply(Add(B2.A, B2.C), 0.5f));
            var dy = Subtract(Multiply(Add(B1.B, B1.D), 0.5f), Multiply(Add(B2.B, B2.D), 0.5f));
            var centres = Add(Pow(dx, 2f), Pow(dy, 2f));
            return Subtract(Iou, Divide(centres, diagonal));
        }
    }
}
