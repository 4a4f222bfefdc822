namespace Fovea.Vision.Metrics;

/// <summary>The result of <see cref="CocoEvaluator.Evaluate"/>: the 12 summary numbers of pycocotools'
/// <c>COCOeval.summarize()</c>, per-category AP, and the accumulated precision and recall tables.</summary>
public sealed class CocoEvaluation
{
    /// <summary>What each of the 12 <see cref="Stats"/> is, in order.</summary>
    public static IReadOnlyList<string> StatNames { get; } =
    [
        "AP@[.5:.95] all 100", "AP@.5 all 100", "AP@.75 all 100", "AP small 100", "AP medium 100", "AP large 100",
        "AR all 1", "AR all 10", "AR all 100", "AR small 100", "AR medium 100", "AR large 100",
    ];

    internal CocoEvaluation(double[] stats, int[] categoryIds, double[,,,,] precision, double[,,,] recall)
    {
        Stats = stats;
        CategoryIds = categoryIds;
        Precision = precision;
        Recall = recall;
        var ap = new Dictionary<int, double>();
        var ap50 = new Dictionary<int, double>();
        for (int k = 0; k < categoryIds.Length; k++)
        {
            ap[categoryIds[k]] = CocoEvaluator.MeanOfValid(precision, [.. Enumerable.Range(0, precision.GetLength(0))],
                k, area: 0, maxDets: 2);
            ap50[categoryIds[k]] = CocoEvaluator.MeanOfValid(precision, [0], k, area: 0, maxDets: 2);
        }
        PerCategoryAP = ap;
        PerCategoryAP50 = ap50;
    }

    /// <summary>The 12 numbers of <c>COCOeval.summarize()</c> (names in <see cref="StatNames"/>): AP@[.5:.95],
    /// AP50, AP75, AP small/medium/large, AR@1, AR@10, AR@100, AR small/medium/large; -1 where no setting has ground
    /// truth.</summary>
    public IReadOnlyList<double> Stats { get; }

    /// <summary>The evaluated category ids, ascending (the K axis of <see cref="Precision"/>).</summary>
    public IReadOnlyList<int> CategoryIds { get; }

    /// <summary>AP@[.5:.95] per category id (area all, maxDets 100); -1 for a category without ground truth.
    /// </summary>
    public IReadOnlyDictionary<int, double> PerCategoryAP { get; }

    /// <summary>AP at IoU 0.5 per category id (area all, maxDets 100); -1 for a category without ground truth.
    /// </summary>
    public IReadOnlyDictionary<int, double> PerCategoryAP50 { get; }

    /// <summary>Interpolated precision, shape [T=10 IoU thresholds, R=101 recall thresholds, K categories,
    /// A=4 area ranges, M=3 maxDets], -1 where a setting has no ground truth (pycocotools' <c>eval['precision']</c>).
    /// </summary>
    public double[,,,,] Precision { get; }

    /// <summary>Maximum recall, shape [T, K, A, M], -1 where a setting has no ground truth
    /// (pycocotools' <c>eval['recall']</c>).</summary>
    public double[,,,] Recall { get; }
}
