namespace Fovea.Vision.Metrics;

/// <summary>COCOeval's <c>accumulate()</c> and <c>summarize()</c>: precision/recall tables over images and the 12
/// summary numbers.</summary>
public static partial class CocoEvaluator
{
    /// <summary>Precision/recall tables over images (accumulate).</summary>
    private static (double[,,,,] Precision, double[,,,] Recall) Accumulate(ImageEval?[,,] perImage, int K, int I)
    {
        int T = s_iouThresholds.Length, R = s_recallThresholds.Length, A = s_areaRanges.Length;
        int M = s_maxDetections.Length;
        var precision = new double[T, R, K, A, M];
        var recall = new double[T, K, A, M];
        Fill(precision, -1);
        Fill(recall, -1);
        for (int k = 0; k < K; k++)
        {
            for (int a = 0; a < A; a++)
            {
                var images = new List<ImageEval>();
                for (int i = 0; i < I; i++)
                {
                    if (perImage[k, a, i] is { } e)
                        images.Add(e);
                }
                if (images.Count == 0)
                    continue;
                int npig = images.Sum(e => e.GtIgnore.Count(ig => !ig));
                for (int m = 0; m < M; m++)
                {
                    int maxDet = s_maxDetections[m];
                    // Concatenate the first maxDet detections of every image, then a stable sort by score.
                    var entries = new List<(ImageEval E, int D)>();
                    foreach (var e in images)
                    {
                        for (int d = 0; d < Math.Min(maxDet, e.Scores.Length); d++)
                            entries.Add((e, d));
                    }
                    var ranked = entries.OrderByDescending(x => x.E.Scores[x.D]).ToArray();
                    if (npig == 0)
                        continue;
                    int nd = ranked.Length;
                    var pr = new double[nd];
                    var rc = new double[nd];
                    for (int t = 0; t < T; t++)
                    {
                        double tp = 0, fp = 0;
                        for (int n = 0; n < nd; n++)
                        {
                            var (e, d) = ranked[n];
                            if (e.DtIgnore[t, d])
                            {
                                // neither a true nor a false positive
                            }
                            else if (e.DtMatched[t, d] != 0)
                            {
                                tp++;
                            }
                            else
                            {
                                fp++;
                            }
                            rc[n] = tp / npig;
                            pr[n] = tp / (fp + tp + Spacing1);
                        }
                        recall[t, k, a, m] = nd > 0 ? rc[nd - 1] : 0;
                        for (int n = nd - 1; n > 0; n--)
                        {
                            if (pr[n] > pr[n - 1])
                                pr[n - 1] = pr[n];
                        }
                        // Read the envelope at the first detection reaching each recall threshold; pycocotools
                        // stops at the first threshold past the last recall, so the rest stay 0.
                        for (int r = 0; r < R; r++)
                        {
                            int idx = SearchSortedLeft(rc, s_recallThresholds[r]);
                            precision[t, r, k, a, m] = idx < nd ? pr[idx] : 0;
                        }
                    }
                }
            }
        }
        return (precision, recall);
    }

    /// <summary>numpy's <c>np.spacing(1)</c>: the distance from 1 to the next double, 2^-52.</summary>
    private const double Spacing1 = 2.220446049250313e-16;

    private static double[] Summarize(double[,,,,] precision, double[,,,] recall)
    {
        int[] allT = [.. Enumerable.Range(0, s_iouThresholds.Length)];
        int t50 = Array.IndexOf(s_iouThresholds, 0.5);
        int t75 = Array.IndexOf(s_iouThresholds, 0.75);
        int[] at50 = t50 >= 0 ? [t50] : [];
        int[] at75 = t75 >= 0 ? [t75] : [];
        int K = precision.GetLength(2);
        double Ap(int[] ts, int area, int maxDets)
        {
            var values = new List<double>();
            foreach (int t in ts)
            {
                for (int r = 0; r < precision.GetLength(1); r++)
                {
                    for (int k = 0; k < K; k++)
                        values.Add(precision[t, r, k, area, maxDets]);
                }
            }
            return MeanAboveMinusOne(values);
        }
        double Ar(int area, int maxDets)
        {
            var values = new List<double>();
            foreach (int t in allT)
            {
                for (int k = 0; k < K; k++)
                    values.Add(recall[t, k, area, maxDets]);
            }
            return MeanAboveMinusOne(values);
        }
        return
        [
            Ap(allT, 0, 2), Ap(at50, 0, 2), Ap(at75, 0, 2), Ap(allT, 1, 2), Ap(allT, 2, 2), Ap(allT, 3, 2),
            Ar(0, 0), Ar(0, 1), Ar(0, 2), Ar(1, 2), Ar(2, 2), Ar(3, 2),
        ];
    }

    /// <summary>Mean of precision[t in ts, :, k, area, maxDets] over entries above -1, or -1 if none.</summary>
    internal static double MeanOfValid(double[,,,,] precision, int[] ts, int k, int area, int maxDets)
    {
        var values = new List<double>();
        foreach (int t in ts)
        {
            for (int r = 0; r < precision.GetLength(1); r++)
                values.Add(precision[t, r, k, area, maxDets]);
        }
        return MeanAboveMinusOne(values);
    }

    /// <summary>numpy's <c>np.mean(s[s &gt; -1])</c>, or -1 if no entry is above -1. The sum is numpy's pairwise
    /// summation, so the result is the same double numpy gives, not just a close one.</summary>
    private static double MeanAboveMinusOne(List<double> values)
    {
        double[] kept = [.. values.Where(v => v > -1)];
        return kept.Length == 0 ? -1 : NumpySum.Sum(kept) / kept.Length;
    }

    /// <summary>First index i with sorted[i] ≥ value (numpy <c>searchsorted</c>, side 'left').</summary>
    private static int SearchSortedLeft(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    private static void Fill(double[,,,,] array, double value)
    {
        for (int t = 0; t < array.GetLength(0); t++)
            for (int r = 0; r < array.GetLength(1); r++)
                for (int k = 0; k < array.GetLength(2); k++)
                    for (int a = 0; a < array.GetLength(3); a++)
                        for (int m = 0; m < array.GetLength(4); m++)
                            array[t, r, k, a, m] = value;
    }

    private static void Fill(double[,,,] array, double value)
    {
        for (int t = 0; t < array.GetLength(0); t++)
            for (int k = 0; k < array.GetLength(1); k++)
                for (int a = 0; a < array.GetLength(2); a++)
                    for (int m = 0; m < array.GetLength(3); m++)
                        array[t, k, a, m] = value;
    }
}
