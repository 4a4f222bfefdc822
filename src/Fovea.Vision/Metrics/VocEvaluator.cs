using Fovea.Vision.Formats;

namespace Fovea.Vision.Metrics;

/// <summary>Pascal VOC detection AP, computed as the classic <c>voc_eval.py</c> of Fast/er R-CNN (and the VOC
/// devkit) computes it.</summary>
/// <remarks>
/// Per class: detections sorted by score, highest first; each is matched to the ground-truth box of its image with
/// the highest IoU (the first one on ties); IoU above the threshold (strictly) makes it a true positive if that
/// object is not yet taken, a false positive if it is, and neither if the object is difficult; otherwise a false
/// positive. Recall = TP / non-difficult objects, precision = TP / max(TP + FP, 2^-52). With
/// <c>inclusivePixels</c> (the default, VOC's convention) a box spans x2 − x1 + 1 pixels. Ties in score keep the
/// input order here; voc_eval.py sorts with an unstable quicksort, so with tied scores its order is unspecified.
/// </remarks>
public static class VocEvaluator
{
    /// <summary>numpy's <c>np.finfo(np.float64).eps</c>, the floor of voc_eval's precision denominator.</summary>
    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>AP of a precision/recall curve (voc_eval's <c>voc_ap</c>).</summary>
    /// <param name="recall">Recall after each detection, non-decreasing.</param>
    /// <param name="precision">Precision after each detection.</param>
    /// <param name="metric">VOC2007 11-point or VOC2010+ all-point.</param>
    public static double AveragePrecision(IReadOnlyList<double> recall, IReadOnlyList<double> precision,
        VocApMetric metric)
    {
        ArgumentNullException.ThrowIfNull(recall);
        ArgumentNullException.ThrowIfNull(precision);
        if (recall.Count != precision.Count)
            throw new FoveaException($"VocEvaluator.AveragePrecision: recall has {recall.Count} values, precision " +
                $"{precision.Count}; expected one of each per detection");
        int n = recall.Count;
        if (metric == VocApMetric.ElevenPoint)
        {
            double ap = 0;
            for (int i = 0; i <= 10; i++)
            {
                double t = i * 0.1; // numpy.arange(0, 1.1, 0.1): 0.30000000000000004, 0.6000000000000001, ...
                double p = 0;
                bool any = false;
                for (int j = 0; j < n; j++)
                {
                    if (recall[j] >= t && (!any || precision[j] > p))
                    {
                        p = precision[j];
                        any = true;
                    }
                }
                ap += p / 11.0;
            }
            return ap;
        }
        // Sentinels: recall 0 … 1, precision 0 … 0; the envelope from the right; area where recall changes.
        var mrec = new double[n + 2];
        var mpre = new double[n + 2];
        mrec[n + 1] = 1;
        for (int j = 0; j < n; j++)
        {
            mrec[j + 1] = recall[j];
            mpre[j + 1] = precision[j];
        }
        for (int j = n + 1; j > 0; j--)
            mpre[j - 1] = Math.Max(mpre[j - 1], mpre[j]);
        var terms = new List<double>();
        for (int j = 0; j < n + 1; j++)
        {
            if (mrec[j + 1] != mrec[j])
                terms.Add((mrec[j + 1] - mrec[j]) * mpre[j + 1]);
        }
        return NumpySum.Sum([.. terms]);
    }

    /// <summary>Evaluates one class.</summary>
    /// <param name="groundTruth">Annotations by image name; every image listed counts, with or without objects.
    /// </param>
    /// <param name="detections">Detections (those of other classes are skipped).</param>
    /// <param name="className">The class to evaluate.</param>
    /// <param name="iouThreshold">A match needs IoU above this (strictly); VOC uses 0.5.</param>
    /// <param name="metric">VOC2007 11-point or VOC2010+ all-point (default).</param>
    /// <param name="inclusivePixels">VOC's convention that a box covers x2 − x1 + 1 pixels (default true); false for
    /// continuous coordinates.</param>
    /// <returns>The curve and AP; AP is NaN when the class has no non-difficult object (as voc_eval divides by
    /// zero).</returns>
    /// <exception cref="FoveaException">A detection names an image the ground truth does not hold.</exception>
    public static VocClassResult EvaluateClass(IReadOnlyDictionary<string, VocAnnotation> groundTruth,
        IEnumerable<VocDetection> detections, string className, double iouThreshold = 0.5,
        VocApMetric metric = VocApMetric.AllPoint, bool inclusivePixels = true)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(detections);
        var objects = new Dictionary<string, VocObject[]>();
        int positives = 0;
        foreach (var (image, annotation) in groundTruth)
        {
            var list = annotation.Objects.Where(o => o.Name == className).ToArray();
            objects[image] = list;
            positives += list.Count(o => !o.Difficult);
        }
        var taken = objects.ToDictionary(p => p.Key, p => new bool[p.Value.Length]);
        var ranked = detections.Where(d => d.ClassName == className).OrderByDescending(d => d.Score).ToArray();
        double one = inclusivePixels ? 1 : 0;
        double tp = 0, fp = 0;
        var recall = new double[ranked.Length];
        var precision = new double[ranked.Length];
        for (int d = 0; d < ranked.Length; d++)
        {
            var det = ranked[d];
            if (!objects.TryGetValue(det.ImageId, out var gts))
                throw new FoveaException($"VOC evaluation: a '{className}' detection is for image '{det.ImageId}', " +
                    "which the ground truth does not hold");
            double best = double.NegativeInfinity;
            int match = -1;
            for (int g = 0; g < gts.Length; g++)
            {
                var o = gts[g];
                double iw = Math.Max(Math.Min(o.XMax, det.X2) - Math.Max(o.XMin, det.X1) + one, 0);
                double ih = Math.Max(Math.Min(o.YMax, det.Y2) - Math.Max(o.YMin, det.Y1) + one, 0);
                double inter = iw * ih;
                double union = (det.X2 - det.X1 + one) * (det.Y2 - det.Y1 + one)
                    + (o.XMax - o.XMin + one) * (o.YMax - o.YMin + one) - inter;
                double iou = inter / union;
                if (iou > best)
                {
                    best = iou;
                    match = g;
                }
            }
            if (best > iouThreshold)
            {
                if (!gts[match].Difficult)
                {
                    if (!taken[det.ImageId][match])
                    {
                        tp++;
                        taken[det.ImageId][match] = true;
                    }
                    else
                    {
                        fp++;
                    }
                }
            }
            else
            {
                fp++;
            }
            recall[d] = tp / positives;
            precision[d] = tp / Math.Max(tp + fp, Epsilon);
        }
        double ap = positives == 0 ? double.NaN : AveragePrecision(recall, precision, metric);
        return new VocClassResult(className, positives, recall, precision, ap);
    }

    /// <summary>Evaluates every class that has a non-difficult ground-truth object; their mean AP is VOC's mAP.
    /// </summary>
    /// <returns>Per class name (ordinal order), its result.</returns>
    public static IReadOnlyDictionary<string, VocClassResult> Evaluate(
        IReadOnlyDictionary<string, VocAnnotation> groundTruth, IReadOnlyList<VocDetection> detections,
        double iouThreshold = 0.5, VocApMetric metric = VocApMetric.AllPoint, bool inclusivePixels = true)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        var classes = groundTruth.Values.SelectMany(a => a.Objects).Where(o => !o.Difficult).Select(o => o.Name)
            .Distinct().Order(StringComparer.Ordinal);
        var results = new SortedDictionary<string, VocClassResult>(StringComparer.Ordinal);
        foreach (string c in classes)
            results[c] = EvaluateClass(groundTruth, detections, c, iouThreshold, metric, inclusivePixels);
        return results;
    }
}
