using Fovea.Autograd;
using Fovea.Tensors;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Ops;

/// <summary>
/// Detection losses as <c>torchvision.ops</c> defines them: the IoU-based box regression losses
/// (<c>generalized_box_iou_loss</c>, <c>distance_box_iou_loss</c>, <c>complete_box_iou_loss</c>) and
/// <c>sigmoid_focal_loss</c>. Built from differentiable <see cref="Functional"/> ops: gradients flow to the boxes
/// and logits.
/// </summary>
public static class DetectionLosses
{
    /// <summary>
    /// 1 − GIoU of matching box pairs: 1 − (IoU − (C − U) / (C + eps)) with IoU = I / (U + eps), C the enclosing
    /// box's area. Shape: [N, 4], [N, 4] (x1, y1, x2, y2) → [N] (<see cref="LossReduction.None"/>) or a scalar.
    /// </summary>
    public static Tensor GeneralizedIouLoss(Tensor boxes1, Tensor boxes2,
        LossReduction reduction = LossReduction.None, float eps = 1e-7f)
    {
        var t = Terms("GeneralizedIouLoss", boxes1, boxes2, eps);
        var enclosing = Multiply(Subtract(t.Xc2, t.Xc1), Subtract(t.Yc2, t.Yc1));
        var giou = Subtract(t.Iou, Divide(Subtract(enclosing, t.Union), Add(enclosing, Tensor.Scalar(eps))));
        return Reduce(OneMinus(giou), reduction);
    }

    /// <summary>
    /// 1 − IoU + ρ² / (c² + eps) (Zheng et al. 2020): ρ the distance between the two centres, c the diagonal of the
    /// enclosing box, IoU = I / (U + eps). Shape: [N, 4], [N, 4] → [N] or a scalar.
    /// </summary>
    public static Tensor DistanceIouLoss(Tensor boxes1, Tensor boxes2, LossReduction reduction = LossReduction.None,
        float eps = 1e-7f) => Reduce(Terms("DistanceIouLoss", boxes1, boxes2, eps).DiouLoss(eps), reduction);

    /// <summary>
    /// DIoU loss + α·v (Zheng et al. 2020) with v = 4/π²·(atan(w2/h2) − atan(w1/h1))² and
    /// α = v / (1 − IoU + v + eps) held constant (no gradient), as torchvision 0.14 computes it — including its
    /// detail that the DIoU part always uses eps = 1e-7 and <paramref name="eps"/> only enters α.
    /// Shape: [N, 4], [N, 4] → [N] or a scalar.
    /// </summary>
    public static Tensor CompleteIouLoss(Tensor boxes1, Tensor boxes2, LossReduction reduction = LossReduction.None,
        float eps = 1e-7f)
    {
        var t = Terms("CompleteIouLoss", boxes1, boxes2, 1e-7f);
        var v = Boxes.AspectPenalty(Subtract(t.G.C, t.G.A), Subtract(t.G.D, t.G.B), Subtract(t.P.C, t.P.A),
            Subtract(t.P.D, t.P.B));
        var alpha = Boxes.Alpha(v, t.Iou, eps);
        return Reduce(Add(t.DiouLoss(1e-7f), Multiply(alpha, v)), reduction);
    }

    /// <summary>
    /// Focal loss of RetinaNet (Lin et al. 2017; <c>torchvision.ops.sigmoid_focal_loss</c>):
    /// FL = α_t·(1 − p_t)^γ·BCE(logits, targets) with p = σ(logits), p_t = p·t + (1 − p)(1 − t),
    /// α_t = α·t + (1 − α)(1 − t) (no α weighting when <paramref name="alpha"/> &lt; 0). Targets may be soft.
    /// Shape: logits and targets of any equal shape → that shape (<see cref="LossReduction.None"/>) or a scalar.
    /// </summary>
    public static Tensor SigmoidFocalLoss(Tensor logits, Tensor targets, float alpha = 0.25f, float gamma = 2f,
        LossReduction reduction = LossReduction.None)
    {
        if (logits.Shape != targets.Shape)
            throw new FoveaException(
                $"SigmoidFocalLoss: expected targets of the logits' shape {logits.Shape}, received {targets.Shape}");
        var t = targets.Detach();
        var p = Sigmoid(logits);
        var ce = Subtract(Softplus(logits), Multiply(logits, t));
        var oneMinusT = OneMinus(t);
        var pt = Add(Multiply(p, t), Multiply(OneMinus(p), oneMinusT));
        var loss = Multiply(ce, Pow(OneMinus(pt), gamma));
        if (alpha >= 0)
        {
            var alphaT = Add(Multiply(t, alpha), Multiply(oneMinusT, 1f - alpha));
            loss = Multiply(alphaT, loss);
        }
        return reduction switch
        {
            LossReduction.Mean => Mean(loss),
            LossReduction.Sum => Sum(loss),
            _ => loss,
        };
    }

    internal static Tensor OneMinus(Tensor x) => Subtract(Tensor.Scalar(1f), x);

    /// <summary>[N, 1] per-pair loss → [N], or its mean (0 for no pairs) or sum.</summary>
    private static Tensor Reduce(Tensor loss, LossReduction reduction)
    {
        var flat = Reshape(loss, loss.Shape[0]);
        return reduction switch
        {
            LossReduction.Mean => flat.Length == 0 ? Multiply(Sum(flat), 0f) : Mean(flat),
            LossReduction.Sum => Sum(flat),
            _ => flat,
        };
    }

    private static LossTerms Terms(string op, Tensor boxes1, Tensor boxes2, float eps)
    {
        BoxColumns.Check(op, boxes1, "boxes1");
        BoxColumns.Check(op, boxes2, "boxes2");
        if (boxes1.Shape[0] != boxes2.Shape[0])
            throw new FoveaException($"{op}: expected boxes2 [{boxes1.Shape[0]}, 4] (one per box of boxes1), " +
                $"received {boxes2.Shape}");
        var p = BoxColumns.Of(boxes1);
        var g = BoxColumns.Of(boxes2);
        var w = Relu(Subtract(Minimum(p.C, g.C), Maximum(p.A, g.A)));
        var h = Relu(Subtract(Minimum(p.D, g.D), Maximum(p.B, g.B)));
        var inter = Multiply(w, h);
        var union = Subtract(Add(Multiply(Subtract(p.C, p.A), Subtract(p.D, p.B)),
            Multiply(Subtract(g.C, g.A), Subtract(g.D, g.B))), inter);
        var iou = Divide(inter, Add(union, Tensor.Scalar(eps)));
        return new LossTerms(p, g, iou, union, Minimum(p.A, g.A), Minimum(p.B, g.B), Maximum(p.C, g.C),
            Maximum(p.D, g.D));
    }

    private sealed record LossTerms(BoxColumns P, BoxColumns G, Tensor Iou, Tensor Union, Tensor Xc1, Tensor Yc1,
        Tensor Xc2, Tensor Yc2)
    {
        public Tensor DiouLoss(float eps)
        {
            var diagonal = Add(Add(Pow(Subtract(Xc2, Xc1), 2f), Pow(Subtract(Yc2, Yc1), 2f)), Tensor.Scalar(eps));
            var dx = Subtract(Multiply(Add(P.C, P.A), 0.5f), Multiply(Add(G.A, G.C), 0.5f));
            var dy = Subtract(Multiply(Add(P.D, P.B), 0.5f), Multiply(Add(G.B, G.D), 0.5f));
            var centres = Add(Pow(dx, 2f), Pow(dy, 2f));
            return Add(OneMinus(Iou), Divide(centres, diagonal));
        }
    }
}
