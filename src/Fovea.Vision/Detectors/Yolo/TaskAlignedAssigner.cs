namespace Fovea.Vision.Detectors.Yolo;

/// <summary>
/// Task-aligned assignment (TOOD, Feng et al. 2021; as YOLOv8 uses it): for each ground-truth box g and anchor
/// point a whose centre lies inside g, the alignment metric t = s^α·u^β with s the predicted probability of g's
/// class
/// at a and u the IoU of a's predicted box with g. The <see cref="TopK"/> anchors with the largest t inside each
/// box are its candidates; an anchor that is a candidate of several boxes goes to the one it overlaps most. The
/// soft target of a positive anchor is t normalised per box: t / max t · max u (both maxima over that box's
/// positives), on the box's class (zero elsewhere). Works on plain arrays (no gradient).
/// </summary>
/// <param name="topK">Candidates per ground-truth box.</param>
/// <param name="alpha">Exponent α of the classification score.</param>
/// <param name="beta">Exponent β of the IoU.</param>
public sealed class TaskAlignedAssigner(int topK = 10, double alpha = 1, double beta = 6)
{
    /// <summary>Candidates per ground-truth box.</summary>
    public int TopK { get; } = topK > 0 ? topK : throw new FoveaException($"TaskAlignedAssigner: topK {topK} ≤ 0");

    /// <summary>Exponent of the classification score.</summary>
    public double Alpha { get; } = alpha;

    /// <summary>Exponent of the IoU.</summary>
    public double Beta { get; } = beta;

    /// <summary>
    /// Assigns the anchors of one image.
    /// Shapes (row-major): scores [A, C] probabilities, predicted boxes [A, 4] (x1, y1, x2, y2), anchor points
    /// [A, 2] (x, y), ground truth [M, 4] with M labels in [0, C).
    /// </summary>
    /// <returns>Per anchor the assigned ground-truth index (−1 for background) and its soft target score.</returns>
    public (int[] Assigned, float[] TargetScores) Assign(ReadOnlySpan<float> scores, ReadOnlySpan<float> predBoxes,
        ReadOnlySpan<float> anchorPoints, ReadOnlySpan<float> gtBoxes, IReadOnlyList<int> gtLabels)
    {
        int a = anchorPoints.Length / 2, m = gtLabels.Count, c = a == 0 ? 0 : scores.Length / a;
        if (predBoxes.Length != 4 * a || scores.Length != a * c || gtBoxes.Length != 4 * m)
            throw new FoveaException($"TaskAlignedAssigner: {a} anchors, {scores.Length} scores, " +
                $"{predBoxes.Length / 4} predicted boxes, {gtBoxes.Length / 4} boxes and {m} labels do not match");
        var assigned = new int[a];
        Array.Fill(assigned, -1);
        var bestIou = new float[a];
        var metricOf = new float[a];
        var iouOf = new float[a];
        var candidates = new List<(int Anchor, double Metric, float Iou)>();
        var chosen = new List<(int Anchor, double Metric, float Iou)>[m];
        for (int g = 0; g < m; g++)
        {
            float x1 = gtBoxes[4 * g], y1 = gtBoxes[4 * g + 1], x2 = gtBoxes[4 * g + 2], y2 = gtBoxes[4 * g + 3];
            int label = gtLabels[g];
            if ((uint)label >= (uint)c)
                throw new FoveaException($"TaskAlignedAssigner: label {label} outside [0, {c})");
            candidates.Clear();
            for (int i = 0; i < a; i++)
            {
                float px = anchorPoints[2 * i], py = anchorPoints[2 * i + 1];
                if (Math.Min(Math.Min(px - x1, py - y1), Math.Min(x2 - px, y2 - py)) <= 1e-9f)
                    continue;
                float u = Iou(predBoxes.Slice(4 * i, 4), x1, y1, x2, y2);
                double t = Math.Pow(scores[i * c + label], Alpha) * Math.Pow(u, Beta);
                candidates.Add((i, t, u));
            }
            candidates.Sort((p, q) => q.Metric != p.Metric ? q.Metric.CompareTo(p.Metric)
                : p.Anchor.CompareTo(q.Anchor));
            chosen[g] = candidates.Take(TopK).ToList();
        }
        // An anchor chosen by several boxes keeps the one with the highest IoU (the first on ties).
        for (int g = 0; g < m; g++)
        {
            foreach (var (i, t, u) in chosen[g])
            {
                if (assigned[i] < 0 || u > bestIou[i])
                    (assigned[i], bestIou[i], metricOf[i], iouOf[i]) = (g, u, (float)t, u);
            }
        }
        var maxMetric = new double[m];
        var maxIou = new double[m];
        for (int i = 0; i < a; i++)
        {
            int g = assigned[i];
            if (g < 0)
                continue;
            maxMetric[g] = Math.Max(maxMetric[g], metricOf[i]);
            maxIou[g] = Math.Max(maxIou[g], iouOf[i]);
        }
        var target = new float[a];
        for (int i = 0; i < a; i++)
        {
            int g = assigned[i];
            if (g >= 0)
                target[i] = (float)(metricOf[i] * maxIou[g] / (maxMetric[g] + 1e-9));
        }
        return (assigned, target);
    }

    /// <summary>IoU of box <paramref name="b"/> with (x1, y1, x2, y2).</summary>
    internal static float Iou(ReadOnlySpan<float> b, float x1, float y1, float x2, float y2)
    {
        float iw = Math.Max(0, Math.Min(b[2], x2) - Math.Max(b[0], x1));
        float ih = Math.Max(0, Math.Min(b[3], y2) - Math.Max(b[1], y1));
        float inter = iw * ih;
        float union = Math.Max(0, b[2] - b[0]) * Math.Max(0, b[3] - b[1]) + (x2 - x1) * (y2 - y1) - inter;
        return union > 0 ? inter / union : 0;
    }
}
