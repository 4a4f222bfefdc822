using Fovea.Vision.Formats;

namespace Fovea.Vision.Metrics;

/// <summary>COCO box evaluation, the same computation as pycocotools' <c>COCOeval(gt, dt, "bbox")</c> followed by
/// <c>evaluate()</c>, <c>accumulate()</c> and <c>summarize()</c>.</summary>
/// <remarks>
/// What it reproduces, detail for detail:
/// <list type="bullet">
/// <item>IoU thresholds 0.50:0.05:0.95 and recall thresholds 0:0.01:1 computed as <c>numpy.linspace</c> does
/// (start + i·step, so the ninth IoU threshold is 0.8999999999999999);</item>
/// <item>area ranges all [0, 1e10], small [0, 32²], medium [32², 96²], large [96², 1e10], inclusive at both ends,
/// judged on a ground truth's <c>area</c> field and on a detection's w×h;</item>
/// <item>maxDets 1, 10, 100 per image and category, taken after a stable sort by score (tied scores keep the results
/// file's order);</item>
/// <item>crowd ground truth is ignored: a detection matched to it is neither a true nor a false positive, several
/// detections may match it, and its IoU divides by the detection's area instead of the union;</item>
/// <item>greedy matching per IoU threshold, best IoU first, preferring non-ignored ground truth; unmatched detections
/// outside the area range are ignored;</item>
/// <item>101-point interpolated precision: the precision envelope (running maximum from the right), read at the first
/// detection whose recall reaches each threshold (<c>searchsorted</c> 'left'), 0 past the last recall;</item>
/// <item>-1 for settings without ground truth; a summary number is the mean over the entries that are not -1, or -1,
/// summed pairwise as numpy sums, so the numbers are the same doubles pycocotools prints.</item>
/// </list>
/// Differences from pycocotools: an empty results list evaluates (every AP and AR is 0 where ground truth exists)
/// instead of failing; a detection for an image the ground truth does not list throws, as pycocotools asserts.
/// </remarks>
public static partial class CocoEvaluator
{
    private static readonly double[] s_iouThresholds = Linspace(0.5, 0.95, 10);
    private static readonly double[] s_recallThresholds = Linspace(0.0, 1.0, 101);
    private static readonly int[] s_maxDetections = [1, 10, 100];
    private static readonly (double Min, double Max)[] s_areaRanges =
        [(0, 1e10), (0, 32 * 32), (32 * 32, 96 * 96), (96 * 96, 1e10)];

    /// <summary>The 10 IoU thresholds, 0.5 to 0.95 (as <c>numpy.linspace</c> computes them).</summary>
    public static IReadOnlyList<double> IouThresholds => s_iouThresholds;

    /// <summary>The 101 recall thresholds, 0 to 1.</summary>
    public static IReadOnlyList<double> RecallThresholds => s_recallThresholds;

    /// <summary>The maximum numbers of detections per image and category: 1, 10, 100.</summary>
    public static IReadOnlyList<int> MaxDetections => s_maxDetections;

    /// <summary>The area ranges all, small, medium, large as [min, max] in square pixels, both ends inclusive.
    /// </summary>
    public static IReadOnlyList<(double Min, double Max)> AreaRanges => s_areaRanges;

    /// <summary>Evaluates detections against ground truth exactly as pycocotools' COCOeval for boxes.</summary>
    /// <param name="groundTruth">Images, categories and annotations; every image and category listed is evaluated.
    /// </param>
    /// <param name="detections">The results list; detections of categories the ground truth does not list are
    /// ignored.</param>
    /// <exception cref="FoveaException">A detection names an image the ground truth does not list.</exception>
    public static CocoEvaluation Evaluate(CocoDataset groundTruth, IReadOnlyList<CocoDetection> detections)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(detections);
        long[] imageIds = [.. groundTruth.Images.Select(i => i.Id).Distinct().Order()];
        int[] categoryIds = [.. groundTruth.Categories.Select(c => c.Id).Distinct().Order()];
        var imageSet = imageIds.ToHashSet();
        var categorySet = categoryIds.ToHashSet();

        var gts = new Dictionary<(long, int), List<CocoAnnotation>>();
        foreach (var a in groundTruth.Annotations)
        {
            if (imageSet.Contains(a.ImageId) && categorySet.Contains(a.CategoryId))
                Bucket(gts, (a.ImageId, a.CategoryId)).Add(a);
        }
        var dts = new Dictionary<(long, int), List<Det>>();
        for (int i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            if (!imageSet.Contains(d.ImageId))
                throw new FoveaException($"detection [{i}] is for image id {d.ImageId}, which the ground truth " +
                    "does not list; results must correspond to the ground-truth images");
            if (categorySet.Contains(d.CategoryId))
                Bucket(dts, (d.ImageId, d.CategoryId)).Add(new Det(i + 1, d.Box, d.Box.Area, d.Score));
        }

        int maxDet = s_maxDetections[^1];
        var perImage = new ImageEval?[categoryIds.Length, s_areaRanges.Length, imageIds.Length];
        for (int k = 0; k < categoryIds.Length; k++)
        {
            for (int i = 0; i < imageIds.Length; i++)
            {
                var key = (imageIds[i], categoryIds[k]);
                var gt = gts.GetValueOrDefault(key) ?? [];
                var dt = dts.GetValueOrDefault(key) ?? [];
                if (gt.Count == 0 && dt.Count == 0)
                    continue;
                // Stable sort, highest score first, then keep maxDet (pycocotools' mergesort on -score).
                var sorted = dt.OrderByDescending(d => d.Score).Take(maxDet).ToArray();
                var ious = BoxIou([.. sorted.Select(d => d.Box)], [.. gt.Select(g => g.Box)],
                    [.. gt.Select(g => g.IsCrowd)]);
                for (int a = 0; a < s_areaRanges.Length; a++)
                    perImage[k, a, i] = EvaluateImage(gt, sorted, ious, s_areaRanges[a]);
            }
        }
        var (precision, recall) = Accumulate(perImage, categoryIds.Length, imageIds.Length);
        return new CocoEvaluation(Summarize(precision, recall), categoryIds, precision, recall);
    }

    /// <summary>IoU of every detection box with every ground-truth box as pycocotools' <c>maskUtils.iou</c> computes
    /// it for boxes: intersection over union, except that for a crowd ground truth the denominator is the
    /// detection's area. Boxes that do not overlap (zero or negative width or height of the intersection) give 0.
    /// </summary>
    /// <returns>[detections, groundTruth] IoU matrix.</returns>
    public static double[,] BoxIou(IReadOnlyList<CocoBox> detections, IReadOnlyList<CocoBox> groundTruth,
        IReadOnlyList<bool> isCrowd)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(isCrowd);
        if (isCrowd.Count != groundTruth.Count)
            throw new FoveaException($"CocoEvaluator.BoxIou: {groundTruth.Count} ground-truth boxes but " +
                $"{isCrowd.Count} crowd flags; expected one flag per box");
        var o = new double[detections.Count, groundTruth.Count];
        for (int g = 0; g < groundTruth.Count; g++)
        {
            var gb = groundTruth[g];
            double ga = gb.Width * gb.Height;
            for (int d = 0; d < detections.Count; d++)
            {
                var db = detections[d];
                double da = db.Width * db.Height;
                double w = Math.Min(db.Width + db.X, gb.Width + gb.X) - Math.Max(db.X, gb.X);
                if (w <= 0)
                    continue;
                double h = Math.Min(db.Height + db.Y, gb.Height + gb.Y) - Math.Max(db.Y, gb.Y);
                if (h <= 0)
                    continue;
                double inter = w * h;
                o[d, g] = inter / (isCrowd[g] ? da : da + ga - inter);
            }
        }
        return o;
    }

    /// <summary>Per image, category and area range: greedy matching at every IoU threshold (evaluateImg).</summary>
    private static ImageEval EvaluateImage(List<CocoAnnotation> gt, Det[] dt, double[,] ious,
        (double Min, double Max) range)
    {
        int T = s_iouThresholds.Length, G = gt.Count, D = dt.Length;
        bool[] ignoreOriginal = [.. gt.Select(g => g.IsCrowd || g.Area < range.Min || g.Area > range.Max)];
        // Non-ignored ground truth first, stable.
        int[] order = [.. Enumerable.Range(0, G).OrderBy(g => ignoreOriginal[g] ? 1 : 0)];
        var gtIgnore = new bool[G];
        for (int j = 0; j < G; j++)
            gtIgnore[j] = ignoreOriginal[order[j]];
        var gtMatched = new long[T, G];
        var dtMatched = new long[T, D];
        var dtIgnore = new bool[T, D];
        if (G > 0 && D > 0)
        {
            for (int t = 0; t < T; t++)
            {
                for (int d = 0; d < D; d++)
                {
                    double best = Math.Min(s_iouThresholds[t], 1 - 1e-10);
                    int m = -1;
                    for (int j = 0; j < G; j++)
                    {
                        var g = gt[order[j]];
                        if (gtMatched[t, j] != 0 && !g.IsCrowd)
                            continue;
                        if (m > -1 && !gtIgnore[m] && gtIgnore[j])
                            break;
                        double iou = ious[d, order[j]];
                        if (iou < best)
                            continue;
                        best = iou;
                        m = j;
                    }
                    if (m == -1)
                        continue;
                    dtIgnore[t, d] = gtIgnore[m];
                    dtMatched[t, d] = gt[order[m]].Id;
                    gtMatched[t, m] = dt[d].Id;
                }
            }
        }
        for (int d = 0; d < D; d++)
        {
            bool outside = dt[d].Area < range.Min || dt[d].Area > range.Max;
            for (int t = 0; t < T; t++)
                dtIgnore[t, d] |= dtMatched[t, d] == 0 && outside;
        }
        return new ImageEval([.. dt.Select(d => d.Score)], dtMatched, dtIgnore, gtIgnore);
    }

    /// <summary>numpy.linspace(start, stop, num): start + i·(stop − start)/(num − 1), the last one exactly stop.
    /// </summary>
    private static double[] Linspace(double start, double stop, int num)
    {
        double step = (stop - start) / (num - 1);
        var y = new double[num];
        for (int i = 0; i < num; i++)
            y[i] = i * step + start;
        y[^1] = stop;
        return y;
    }

    private static List<T> Bucket<T>(Dictionary<(long, int), List<T>> map, (long, int) key)
    {
        if (!map.TryGetValue(key, out var list))
            map[key] = list = [];
        return list;
    }

    private sealed record Det(long Id, CocoBox Box, double Area, double Score);

    private sealed record ImageEval(double[] Scores, long[,] DtMatched, bool[,] DtIgnore, bool[] GtIgnore);
}
