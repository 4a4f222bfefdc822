namespace Fovea.Kernels.Reference;

/// <summary>
/// NMS by definition, the oracle for <see cref="NmsKernels"/>: while boxes remain, take the one with the highest
/// score (lowest index among equal scores), keep it, and remove every remaining box whose IoU with it exceeds the
/// threshold. Class-aware NMS runs that per class and lists the kept boxes by decreasing score (then index). IoU is
/// inter / (area_i + area_j − inter) in float32, as the kernel and torchvision compute it.
/// </summary>
internal static class ReferenceNms
{
    // boxes: [N, 4], scores: [N]
    public static List<int> Nms(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, double iouThreshold)
    {
        var remaining = new List<int>();
        for (int i = 0; i < scores.Length; i++)
            remaining.Add(i);
        var keep = new List<int>();
        while (remaining.Count > 0)
        {
            int best = remaining[0];
            foreach (int i in remaining)
            {
                if (scores[i] > scores[best] || (scores[i] == scores[best] && i < best))
                    best = i;
            }
            keep.Add(best);
            var next = new List<int>();
            foreach (int j in remaining)
            {
                if (j != best && Iou(boxes, best, j) <= iouThreshold)
                    next.Add(j);
            }
            remaining = next;
        }
        return keep;
    }

    public static List<int> BatchedNms(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores,
        ReadOnlySpan<int> classes, double iouThreshold)
    {
        var kept = new List<int>();
        var classSet = new SortedSet<int>();
        foreach (int c in classes)
            classSet.Add(c);
        foreach (int c in classSet)
        {
            var members = new List<int>();
            for (int i = 0; i < classes.Length; i++)
            {
                if (classes[i] == c)
                    members.Add(i);
            }
            var b = new float[4 * members.Count];
            var s = new float[members.Count];
            for (int m = 0; m < members.Count; m++)
            {
                boxes.Slice(4 * members[m], 4).CopyTo(b.AsSpan(4 * m));
                s[m] = scores[members[m]];
            }
            foreach (int k in Nms(b, s, iouThreshold))
                kept.Add(members[k]);
        }
        var sc = scores.ToArray();
        return kept.OrderByDescending(i => sc[i]).ThenBy(i => i).ToList();
    }

    private static float Iou(ReadOnlySpan<float> b, int i, int j)
    {
        float areaI = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
        float areaJ = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
        float w = MathF.Max(0f, MathF.Min(b[4 * i + 2], b[4 * j + 2]) - MathF.Max(b[4 * i], b[4 * j]));
        float h = MathF.Max(0f, MathF.Min(b[4 * i + 3], b[4 * j + 3]) - MathF.Max(b[4 * i + 1], b[4 * j + 1]));
        float inter = w * h;
        return inter / (areaI + areaJ - inter);
    }
}
