using Fovea.Tensors;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Ops;

/// <summary>
/// The anchor-free box coder of FCOS/GFL/YOLOv8-style heads: a box is coded by its distances (left, top, right,
/// bottom) from an anchor point, in units of the level's stride. With distribution focal loss (Li et al. 2020,
/// Generalized Focal Loss) each distance is predicted as a distribution over the bins 0, 1, …, <see cref="RegMax"/>:
/// <see cref="Integral"/> decodes it as the expectation Σᵢ softmax(logits)ᵢ·i, and
/// <see cref="DistributionFocalLoss"/> trains it by putting the probability of a target y on its two neighbouring
/// bins yᵢ ≤ y &lt; yᵢ₊₁: DFL = −((yᵢ₊₁ − y)·log Sᵢ + (y − yᵢ)·log Sᵢ₊₁).
/// </summary>
/// <param name="regMax">The largest bin; logits have regMax + 1 values per side (YOLOv8's reg_max = 16 bins is
/// regMax 15 here).</param>
public sealed class DistanceBoxCoder(int regMax = 16)
{
    /// <summary>The largest distance bin (in strides).</summary>
    public int RegMax { get; } = regMax > 0 ? regMax
        : throw new FoveaException($"DistanceBoxCoder: regMax must be positive, received {regMax}");

    /// <summary>
    /// The anchor points of a pyramid: for each level (grid H×W, stride s) the cell centres ((j + offset)·s,
    /// (i + offset)·s), row-major, levels in order, and each point's stride. Shape: points [Σ H·W, 2] (x, y),
    /// strides [Σ H·W].
    /// </summary>
    public static (Tensor Points, Tensor Strides) AnchorPoints(IReadOnlyList<(int Height, int Width)> gridSizes,
        IReadOnlyList<float> strides, float offset = 0.5f)
    {
        if (gridSizes.Count != strides.Count)
            throw new FoveaException(
                $"DistanceBoxCoder.AnchorPoints: expected one stride per grid ({gridSizes.Count}), " +
                $"received {strides.Count}");
        var points = new List<float>();
        var perPoint = new List<float>();
        for (int l = 0; l < gridSizes.Count; l++)
        {
            var (h, w) = gridSizes[l];
            for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
            {
                points.AddRange([(j + offset) * strides[l], (i + offset) * strides[l]]);
                perPoint.Add(strides[l]);
            }
        }
        return (Tensor.Wrap([.. points], [perPoint.Count, 2]), Tensor.Wrap([.. perPoint], [perPoint.Count]));
    }

    /// <summary>
    /// Distance targets (l, t, r, b) / stride of <paramref name="boxes"/> from <paramref name="points"/>, clamped to
    /// [0, RegMax − 0.01] so that every target has a right neighbour bin. Not differentiable.
    /// Shape: points [N, 2] (x, y), boxes [N, 4] (x1, y1, x2, y2) → [N, 4].
    /// </summary>
    public Tensor Encode(Tensor points, Tensor boxes, float stride)
    {
        CheckPoints("DistanceBoxCoder.Encode", points, boxes.Shape[0]);
        BoxColumns.Check("DistanceBoxCoder.Encode", boxes);
        var p = points.AsReadOnlySpan();
        var b = boxes.AsReadOnlySpan();
        var y = new float[b.Length];
        float hi = (float)(RegMax - 0.01);
        for (int i = 0; i < boxes.Shape[0]; i++)
        {
            y[4 * i] = Math.Clamp((p[2 * i] - b[4 * i]) / stride, 0f, hi);
            y[4 * i + 1] = Math.Clamp((p[2 * i + 1] - b[4 * i + 1]) / stride, 0f, hi);
            y[4 * i + 2] = Math.Clamp((b[4 * i + 2] - p[2 * i]) / stride, 0f, hi);
            y[4 * i + 3] = Math.Clamp((b[4 * i + 3] - p[2 * i + 1]) / stride, 0f, hi);
        }
        return Tensor.Wrap(y, boxes.Shape);
    }

    /// <summary>
    /// Boxes (x − l·s, y − t·s, x + r·s, y + b·s) from distances; differentiable in the distances.
    /// Shape: points [N, 2], distances [N, 4] → [N, 4].
    /// </summary>
    public Tensor Decode(Tensor points, Tensor distances, float stride)
    {
        CheckPoints("DistanceBoxCoder.Decode", points, distances.Shape[0]);
        BoxColumns.Check("DistanceBoxCoder.Decode", distances, "distances");
        var p = points.Detach();
        var px = Slice(p, [0], [1], [1], [1]);
        var py = Slice(p, [1], [2], [1], [1]);
        var d = BoxColumns.Of(distances);
        return new BoxColumns(Subtract(px, Multiply(d.A, stride)), Subtract(py, Multiply(d.B, stride)),
            Add(px, Multiply(d.C, stride)), Add(py, Multiply(d.D, stride))).Join();
    }

    /// <summary>
    /// The expected distance Σᵢ softmax(logits)ᵢ·i per side (GFL's integral); differentiable.
    /// Shape: [N, 4, RegMax + 1] → [N, 4].
    /// </summary>
    public Tensor Integral(Tensor logits)
    {
        CheckLogits("DistanceBoxCoder.Integral", logits);
        var bins = new float[RegMax + 1];
        for (int i = 0; i <= RegMax; i++)
            bins[i] = i;
        return Sum(Multiply(Softmax(logits, -1), Tensor.FromArray(bins)), [2]);
    }

    /// <summary>
    /// Distribution focal loss per box: the mean over its four sides of −((yᵢ₊₁ − y)·log Sᵢ + (y − yᵢ)·log Sᵢ₊₁),
    /// S = softmax(logits), yᵢ = ⌊y⌋; then reduced over boxes. Targets come from <see cref="Encode"/> (in
    /// [0, RegMax)). Differentiable in the logits.
    /// Shape: logits [N, 4, RegMax + 1], targets [N, 4] → [N] (<see cref="LossReduction.None"/>) or a scalar.
    /// </summary>
    public Tensor DistributionFocalLoss(Tensor logits, Tensor targets, LossReduction reduction = LossReduction.Mean)
    {
        CheckLogits("DistanceBoxCoder.DistributionFocalLoss", logits);
        int n = logits.Shape[0], bins = RegMax + 1;
        if (targets.Shape != new Shape(n, 4))
            throw new FoveaException(
                $"DistanceBoxCoder.DistributionFocalLoss: expected targets [{n}, 4], received {targets.Shape}");
        var t = targets.AsReadOnlySpan();
        var w = new float[n * 4 * bins];
        for (int i = 0; i < n * 4; i++)
        {
            float y = t[i];
            int left = (int)MathF.Floor(y);
            if (y < 0 || left + 1 > RegMax)
                throw new FoveaException($"DistanceBoxCoder.DistributionFocalLoss: target {y} is outside " +
                    $"[0, {RegMax}) (clamp with Encode)");
            w[i * bins + left] = left + 1 - y;
            w[i * bins + left + 1] = y - left;
        }
        var perSide = Neg(Sum(Multiply(LogSoftmax(logits, -1), Tensor.Wrap(w, logits.Shape)), [2]));
        var perBox = Mean(perSide, [1]);
        return reduction switch
        {
            LossReduction.Mean => n == 0 ? Multiply(Sum(perBox), 0f) : Mean(perBox),
            LossReduction.Sum => Sum(perBox),
            _ => perBox,
        };
    }

    private void CheckLogits(string op, Tensor logits)
    {
        if (logits.Rank != 3 || logits.Shape[1] != 4 || logits.Shape[2] != RegMax + 1)
            throw new FoveaException($"{op}: expected logits [N, 4, {RegMax + 1}], received {logits.Shape}");
    }

    private static void CheckPoints(string op, Tensor points, int n)
    {
        if (points.Rank != 2 || points.Shape[1] != 2 || points.Shape[0] != n)
            throw new FoveaException($"{op}: expected points [{n}, 2] (x, y; one per box), received {points.Shape}");
    }
}
