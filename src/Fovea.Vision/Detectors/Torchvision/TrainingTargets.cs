using Fovea.Tensors;
using Fovea.Vision.Ops;

namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// torchvision's <c>det_utils.Matcher</c> and <c>BalancedPositiveNegativeSampler</c>, as the training losses of the
/// two-stage detectors use them.
/// </summary>
internal static class TrainingTargets
{
    /// <summary>Below the low threshold.</summary>
    public const int BelowLow = -1;

    /// <summary>Between the thresholds (ignored).</summary>
    public const int Between = -2;

    /// <summary>
    /// For each of the P predictions, the index of its best ground-truth box (the first on ties) when its IoU is ≥
    /// <paramref name="high"/>, else <see cref="BelowLow"/> (&lt; <paramref name="low"/>) or <see cref="Between"/>.
    /// With <paramref name="allowLowQuality"/>, every prediction whose IoU equals the best IoU of some ground-truth box
    /// keeps its best match. Shape: iou [G, P] → P indices.
    /// </summary>
    public static int[] Match(Tensor iou, float high, float low, bool allowLowQuality)
    {
        int g = iou.Shape[0], p = iou.Shape[1];
        var q = iou.AsReadOnlySpan();
        var matches = new int[p];
        if (g == 0)
        {
            Array.Fill(matches, BelowLow);
            return matches;
        }
        var best = new int[p];
        for (int j = 0; j < p; j++)
        {
            int arg = 0;
            for (int i = 1; i < g; i++)
            {
                if (q[i * p + j] > q[arg * p + j])
                    arg = i;
            }
            best[j] = arg;
            float v = q[arg * p + j];
            matches[j] = v < low ? BelowLow : v < high ? Between : arg;
        }
        if (allowLowQuality)
        {
            for (int i = 0; i < g; i++)
            {
                float top = float.NegativeInfinity;
                for (int j = 0; j < p; j++)
                    top = Math.Max(top, q[i * p + j]);
                for (int j = 0; j < p; j++)
                {
                    if (q[i * p + j] == top)
                        matches[j] = best[j];
                }
            }
        }
        return matches;
    }

    /// <summary>
    /// The sampled positives (label ≥ 1) and negatives (label 0), each in increasing index order: at most
    /// ⌊batch·fraction⌋ positives and batch − (positives taken) negatives, a random subset (from
    /// <paramref name="random"/>) where there are more. When the limits exceed the counts every candidate is kept and
    /// the result does not depend on the random draw (torchvision's is then deterministic too).
    /// </summary>
    public static (int[] Positive, int[] Negative) Sample(int[] labels, int batch, float fraction, Random random)
    {
        var pos = Enumerable.Range(0, labels.Length).Where(i => labels[i] >= 1).ToArray();
        var neg = Enumerable.Range(0, labels.Length).Where(i => labels[i] == 0).ToArray();
        int numPos = Math.Min((int)(batch * fraction), pos.Length);
        int numNeg = Math.Min(batch - numPos, neg.Length);
        return (Subset(pos, numPos, random), Subset(neg, numNeg, random));
    }

    private static int[] Subset(int[] items, int count, Random random)
    {
        if (count >= items.Length)
            return items;
        var copy = (int[])items.Clone();
        random.Shuffle(copy);
        var chosen = copy.Take(count).ToArray();
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>Rows <paramref name="rows"/> of a [N, 4] box tensor (values copied; not differentiable).</summary>
    public static Tensor Rows(Tensor boxes, IReadOnlyList<int> rows)
    {
        var b = boxes.AsReadOnlySpan();
        var y = new float[4 * rows.Count];
        for (int i = 0; i < rows.Count; i++)
            b.Slice(4 * rows[i], 4).CopyTo(y.AsSpan(4 * i));
        return Tensor.Wrap(y, [rows.Count, 4]);
    }

    /// <summary>Smooth L1 summed: Σ 0.5·min(|d|, β)²/β + |d| − min(|d|, β) (torch's <c>smooth_l1_loss</c>,
    /// reduction sum).</summary>
    public static Tensor SmoothL1Sum(Tensor prediction, Tensor target, float beta)
    {
        var n = Fovea.Autograd.Functional.Abs(Fovea.Autograd.Functional.Subtract(prediction, target));
        var m = Fovea.Autograd.Functional.Clip(n, float.NegativeInfinity, beta);
        var quadratic = Fovea.Autograd.Functional.Multiply(Fovea.Autograd.Functional.Multiply(m, m), 0.5f / beta);
        return Fovea.Autograd.Functional.Sum(Fovea.Autograd.Functional.Add(quadratic,
            Fovea.Autograd.Functional.Subtract(n, m)));
    }
}
