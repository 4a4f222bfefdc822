using Fovea.Autograd;
using Fovea.Tensors;
using Fovea.Vision.Ops;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Detectors.Yolo;

/// <summary>The loss terms of one batch: the weighted total and its three parts (each already divided by the sum of
/// the target scores).</summary>
/// <param name="Total">Box gain·Box + class gain·Class + DFL gain·Dfl; call Backward on it.</param>
/// <param name="Box">Σ over positives of w·(1 − CIoU) / Σ target scores.</param>
/// <param name="Class">Σ BCE(class logits, soft targets) / Σ target scores.</param>
/// <param name="Dfl">Σ over positives of w·DFL / Σ target scores.</param>
/// <param name="Positives">Number of positive anchors in the batch.</param>
public sealed record YoloLossTerms(Tensor Total, Tensor Box, Tensor Class, Tensor Dfl, int Positives);

/// <summary>The targets of a batch (constants of the loss), from <see cref="YoloLoss.Assign"/>.</summary>
/// <param name="ClassTargets">[N, A, C] soft class targets, flattened.</param>
/// <param name="Positives">Positive anchors as indices n·A + a.</param>
/// <param name="Boxes">[P, 4] ground-truth box of each positive, flattened.</param>
/// <param name="Distances">[P, 4] DFL targets (l, t, r, b) / stride, flattened.</param>
/// <param name="Weights">[P] target score of each positive.</param>
/// <param name="ScoreSum">Σ of the target scores (the loss divides by max(ScoreSum, 1)).</param>
public sealed record YoloTargets(float[] ClassTargets, int[] Positives, float[] Boxes, float[] Distances,
    float[] Weights, double ScoreSum);

/// <summary>
/// The YOLOv8-style loss of an anchor-free head: <see cref="TaskAlignedAssigner"/> picks positive anchors and soft
/// class targets; the class loss is binary cross-entropy with those targets over every anchor and class; the box
/// loss is CIoU and the distribution focal loss on the positives, each weighted by the anchor's target score; all
/// three are divided by max(Σ target scores, 1). Gains 7.5 (box), 0.5 (class), 1.5 (DFL) as YOLOv8 uses.
/// </summary>
public sealed class YoloLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="regMax">Largest distance bin of the head.</param>
    /// <param name="assigner">The assignment (default: top-10, α = 1, β = 6).</param>
    public YoloLoss(int regMax = 15, TaskAlignedAssigner? assigner = null)
    {
        Coder = new DistanceBoxCoder(regMax);
        Assigner = assigner ?? new TaskAlignedAssigner();
    }

    /// <summary>The box coder (bins, integral, DFL).</summary>
    public DistanceBoxCoder Coder { get; }

    /// <summary>The assignment.</summary>
    public TaskAlignedAssigner Assigner { get; }

    /// <summary>Weight of the CIoU term.</summary>
    public float BoxGain { get; init; } = 7.5f;

    /// <summary>Weight of the classification term.</summary>
    public float ClassGain { get; init; } = 0.5f;

    /// <summary>Weight of the DFL term.</summary>
    public float DflGain { get; init; } = 1.5f;

    /// <summary>
    /// Boxes (x1, y1, x2, y2) in pixels from the distribution logits: distances = integral · stride around each
    /// anchor point. Differentiable in the logits.
    /// Shape: box logits [N, A, 4, regMax + 1], points [A, 2], strides [A] → [N, A, 4].
    /// </summary>
    public Tensor DecodeBoxes(Tensor boxLogits, Tensor points, Tensor strides)
    {
        int n = boxLogits.Shape[0], a = boxLogits.Shape[1];
        var d = Coder.Integral(Reshape(boxLogits, n * a, 4, Coder.RegMax + 1));
        d = Multiply(Reshape(d, n, a, 4), Reshape(strides.Detach(), 1, a, 1));
        var p = Reshape(points.Detach(), 1, a, 2);
        var lt = Subtract(p, Slice(d, [0], [2], [2], [1]));
        var rb = Add(p, Slice(d, [2], [4], [2], [1]));
        return Concat([lt, rb], 2);
    }

    /// <summary>
    /// The loss of a batch: <see cref="Assign"/> then
    /// <see cref="Compute(Tensor, Tensor, Tensor, Tensor, YoloTargets)"/>.
    /// Shapes: box logits [N, A, 4, regMax + 1], class logits [N, A, C], anchor points [A, 2], strides [A]; per
    /// image the boxes [Mᵢ, 4] (x1, y1, x2, y2, pixels) and Mᵢ labels in [0, C).
    /// </summary>
    public YoloLossTerms Compute(Tensor boxLogits, Tensor classLogits, Tensor points, Tensor strides,
        IReadOnlyList<Tensor> gtBoxes, IReadOnlyList<IReadOnlyList<int>> gtLabels) =>
        Compute(boxLogits, classLogits, points, strides, Assign(boxLogits, classLogits, points, strides, gtBoxes,
            gtLabels));

    /// <summary>
    /// The targets of a batch from the current predictions (no gradient): per image the
    /// <see cref="TaskAlignedAssigner"/>'s positives, soft class targets, box targets and DFL distance targets
    /// (l, t, r, b) / stride clamped to [0, regMax − 0.01].
    /// </summary>
    public YoloTargets Assign(Tensor boxLogits, Tensor classLogits, Tensor points, Tensor strides,
        IReadOnlyList<Tensor> gtBoxes, IReadOnlyList<IReadOnlyList<int>> gtLabels)
    {
        int n = classLogits.Shape[0], a = classLogits.Shape[1], c = classLogits.Shape[2];
        Check(boxLogits, classLogits, points, strides);
        if (gtBoxes.Count != n || gtLabels.Count != n)
            throw new FoveaException($"YoloLoss: {n} images but {gtBoxes.Count} box lists and {gtLabels.Count} " +
                "label lists");
        float[] boxesNow;
        using (GradMode.NoGrad())
            boxesNow = DecodeBoxes(boxLogits.Detach(), points, strides).ToArray();
        var probs = classLogits.ToArray();
        for (int i = 0; i < probs.Length; i++)
            probs[i] = 1f / (1f + MathF.Exp(-probs[i]));
        var pts = points.AsReadOnlySpan();
        var st = strides.AsReadOnlySpan();

        var targets = new float[n * a * c];
        var positives = new List<int>();
        var targetBoxes = new List<float>();
        var targetDistances = new List<float>();
        var weights = new List<float>();
        double scoreSum = 0;
        float hi = Coder.RegMax - 0.01f;
        for (int img = 0; img < n; img++)
        {
            var gt = gtBoxes[img].AsReadOnlySpan();
            var (assigned, score) = Assigner.Assign(probs.AsSpan(img * a * c, a * c),
                boxesNow.AsSpan(img * a * 4, a * 4), pts, gt, gtLabels[img]);
            for (int i = 0; i < a; i++)
            {
                int g = assigned[i];
                if (g < 0)
                    continue;
                targets[(img * a + i) * c + gtLabels[img][g]] = score[i];
                scoreSum += score[i];
                positives.Add(img * a + i);
                weights.Add(score[i]);
                float x1 = gt[4 * g], y1 = gt[4 * g + 1], x2 = gt[4 * g + 2], y2 = gt[4 * g + 3];
                targetBoxes.AddRange([x1, y1, x2, y2]);
                float px = pts[2 * i], py = pts[2 * i + 1], s = st[i];
                targetDistances.AddRange([Math.Clamp((px - x1) / s, 0, hi), Math.Clamp((py - y1) / s, 0, hi),
                    Math.Clamp((x2 - px) / s, 0, hi), Math.Clamp((y2 - py) / s, 0, hi)]);
            }
        }
        return new YoloTargets(targets, [.. positives], [.. targetBoxes], [.. targetDistances], [.. weights],
            scoreSum);
    }

    /// <summary>
    /// The loss for given targets (the targets are constants: gradients flow only into the logits).
    /// </summary>
    public YoloLossTerms Compute(Tensor boxLogits, Tensor classLogits, Tensor points, Tensor strides,
        YoloTargets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        Check(boxLogits, classLogits, points, strides);
        int n = classLogits.Shape[0], a = classLogits.Shape[1];
        if (targets.ClassTargets.Length != classLogits.Length)
            throw new FoveaException($"YoloLoss: {targets.ClassTargets.Length} class targets for class logits " +
                $"{classLogits.Shape}");
        var predBoxes = DecodeBoxes(boxLogits, points, strides);
        double scoreSum = targets.ScoreSum;
        var weights = targets.Weights;
        float norm = (float)Math.Max(scoreSum, 1.0);
        // BCE with logits, stable: softplus(x) − x·t.
        var t = Tensor.Wrap(targets.ClassTargets, classLogits.Shape);
        var cls = Divide(Sum(Subtract(Softplus(classLogits), Multiply(classLogits, t))), Tensor.Scalar(norm));
        Tensor box, dfl;
        int p = targets.Positives.Length;
        if (p == 0)
        {
            box = Multiply(Sum(boxLogits), 0f);
            dfl = Multiply(Sum(boxLogits), 0f);
        }
        else
        {
            int[] idx = targets.Positives;
            var w = Tensor.Wrap(weights, [p]);
            var pb = Gather(Reshape(predBoxes, n * a, 4), 0, idx, [p]);
            var ciou = DetectionLosses.CompleteIouLoss(pb, Tensor.Wrap(targets.Boxes, [p, 4]));
            box = Divide(Sum(Multiply(ciou, w)), Tensor.Scalar(norm));
            var pl = Gather(Reshape(boxLogits, n * a, 4, Coder.RegMax + 1), 0, idx, [p]);
            var d = Coder.DistributionFocalLoss(pl, Tensor.Wrap(targets.Distances, [p, 4]), LossReduction.None);
            dfl = Divide(Sum(Multiply(d, w)), Tensor.Scalar(norm));
        }
        var total = Add(Add(Multiply(box, BoxGain), Multiply(cls, ClassGain)), Multiply(dfl, DflGain));
        return new YoloLossTerms(total, box, cls, dfl, p);
    }

    private void Check(Tensor boxLogits, Tensor classLogits, Tensor points, Tensor strides)
    {
        if (classLogits.Rank != 3)
            throw new FoveaException($"YoloLoss: expected class logits [N, A, C], received {classLogits.Shape}");
        int n = classLogits.Shape[0], a = classLogits.Shape[1];
        if (boxLogits.Rank != 4 || boxLogits.Shape[0] != n || boxLogits.Shape[1] != a || boxLogits.Shape[2] != 4 ||
            boxLogits.Shape[3] != Coder.RegMax + 1)
            throw new FoveaException($"YoloLoss: expected box logits [{n}, {a}, 4, {Coder.RegMax + 1}], received " +
                $"{boxLogits.Shape}");
        if (points.Shape != new Shape(a, 2) || strides.Shape != new Shape(a))
            throw new FoveaException($"YoloLoss: expected points [{a}, 2] and strides [{a}], received " +
                $"{points.Shape} and {strides.Shape}");
    }
}
