using System.Buffers;

namespace Fovea.Kernels;

/// <summary>
/// Non-maximum suppression as <c>torchvision.ops.nms</c> / <c>batched_nms</c> compute it on the CPU. Boxes are
/// [N, 4] (x1, y1, x2, y2), scores [N]. The boxes are visited by decreasing score (a stable order: equal scores by
/// increasing index); a visited box that is not suppressed is kept and suppresses every later box whose IoU with it is
/// greater than the threshold (IoU equal to the threshold is kept). The IoU is computed in float32 in torchvision's
/// order, inter / (area_i + area_j − inter), and compared with the threshold in double, as torchvision does, so
/// boxes at the threshold are decided the same way. Kept indices are written in the order they are kept.
/// Twin: <see cref="Reference.ReferenceNms"/> (greedy selection of the best remaining box, by definition).
/// </summary>
internal static class NmsKernels
{
    /// <summary>Above this many coordinates (N·4), class-aware NMS runs class by class (torchvision's CPU rule);
    /// at or below it, boxes are offset by class so classes never overlap and one NMS runs.</summary>
    public const int CoordinateTrickLimit = 4000;

    // boxes: [N, 4], scores: [N], keep: [N] (first `return` entries written)
    public static int Nms(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, double iouThreshold, Span<int> keep)
    {
        int n = scores.Length;
        if (n == 0)
            return 0;
        int[] order = ArrayPool<int>.Shared.Rent(n);
        float[] areas = ArrayPool<float>.Shared.Rent(n);
        bool[] suppressed = ArrayPool<bool>.Shared.Rent(n);
        try
        {
            SortDescending(scores, order.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                areas[i] = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
                suppressed[i] = false;
            }
            int count = 0;
            for (int a = 0; a < n; a++)
            {
                int i = order[a];
                if (suppressed[i])
                    continue;
                keep[count++] = i;
                float ix1 = boxes[4 * i], iy1 = boxes[4 * i + 1], ix2 = boxes[4 * i + 2], iy2 = boxes[4 * i + 3];
                float iarea = areas[i];
                for (int b = a + 1; b < n; b++)
                {
                    int j = order[b];
                    if (suppressed[j])
                        continue;
                    float w = MathF.Max(0f, MathF.Min(ix2, boxes[4 * j + 2]) - MathF.Max(ix1, boxes[4 * j]));
                    float h = MathF.Max(0f, MathF.Min(iy2, boxes[4 * j + 3]) - MathF.Max(iy1, boxes[4 * j + 1]));
                    float inter = w * h;
                    float iou = inter / (iarea + areas[j] - inter);
                    if (iou > iouThreshold)
                        suppressed[j] = true;
                }
            }
            return count;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<float>.Shared.Return(areas);
            ArrayPool<bool>.Shared.Return(suppressed);
        }
    }

    /// <summary>
    /// Class-aware NMS (<c>torchvision.ops.batched_nms</c>): boxes of different classes never suppress each other.
    /// Up to <see cref="CoordinateTrickLimit"/> coordinates, torchvision's trick in float32: every box is shifted by
    /// class·(max coordinate + 1) and one NMS runs; above it, NMS runs per class and the kept boxes are merged by
    /// decreasing score (stable). Returns the count written to <paramref name="keep"/>.
    /// </summary>
    public static int BatchedNms(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> classes,
        double iouThreshold, Span<int> keep)
    {
        int n = scores.Length;
        if (n == 0)
            return 0;
        if (4 * n <= CoordinateTrickLimit)
        {
            float[] shifted = ArrayPool<float>.Shared.Rent(4 * n);
            try
            {
                float max = float.NegativeInfinity;
                foreach (float v in boxes[..(4 * n)])
                    max = MathF.Max(max, v);
                for (int i = 0; i < n; i++)
                {
                    float offset = classes[i] * (max + 1f);
                    for (int k = 0; k < 4; k++)
                        shifted[4 * i + k] = boxes[4 * i + k] + offset;
                }
                return Nms(shifted.AsSpan(0, 4 * n), scores, iouThreshold, keep);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(shifted);
            }
        }
        return PerClass(boxes, scores, classes, iouThreshold, keep);
    }

    private static int PerClass(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> classes,
        double iouThreshold, Span<int> keep)
    {
        int n = scores.Length;
        int[] members = ArrayPool<int>.Shared.Rent(n);
        int[] kept = ArrayPool<int>.Shared.Rent(n);
        float[] subBoxes = ArrayPool<float>.Shared.Rent(4 * n);
        float[] subScores = ArrayPool<float>.Shared.Rent(n);
        bool[] mask = ArrayPool<bool>.Shared.Rent(n);
        try
        {
            Array.Clear(mask, 0, n);
            var done = new HashSet<int>();
            for (int s = 0; s < n; s++)
            {
                if (!done.Add(classes[s]))
                    continue;
                int m = 0;
                for (int i = s; i < n; i++)
                {
                    if (classes[i] != classes[s])
                        continue;
                    boxes.Slice(4 * i, 4).CopyTo(subBoxes.AsSpan(4 * m, 4));
                    subScores[m] = scores[i];
                    members[m++] = i;
                }
                int c = Nms(subBoxes.AsSpan(0, 4 * m), subScores.AsSpan(0, m), iouThreshold, kept);
                for (int t = 0; t < c; t++)
                    mask[members[kept[t]]] = true;
            }
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                if (mask[i])
                {
                    subScores[count] = scores[i];
                    members[count++] = i;
                }
            }
            SortDescending(subScores.AsSpan(0, count), kept.AsSpan(0, count));
            for (int t = 0; t < count; t++)
                keep[t] = members[kept[t]];
            return count;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(members);
            ArrayPool<int>.Shared.Return(kept);
            ArrayPool<float>.Shared.Return(subBoxes);
            ArrayPool<float>.Shared.Return(subScores);
            ArrayPool<bool>.Shared.Return(mask);
        }
    }

    /// <summary>order = 0..n−1 sorted by decreasing score, equal scores by increasing index (a stable sort).</summary>
    public static void SortDescending(ReadOnlySpan<float> scores, Span<int> order)
    {
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        float[] keys = ArrayPool<float>.Shared.Rent(order.Length);
        try
        {
            scores[..order.Length].CopyTo(keys);
            var k = keys;
            order.Sort((a, b) => k[a] > k[b] ? -1 : k[a] < k[b] ? 1 : a.CompareTo(b));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(keys);
        }
    }
}
