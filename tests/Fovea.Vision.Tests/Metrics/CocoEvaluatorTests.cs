using System.Text.Json;
using Fovea.Vision.Formats;
using Fovea.Vision.Metrics;
using Xunit;

namespace Fovea.Vision.Tests.Metrics;

/// <summary>COCO box evaluation against pycocotools' own answers (tests/data/coco-eval, 40 cases) and hand-checkable
/// cases.</summary>
public sealed class CocoEvaluatorTests
{
    // Same float64 operations in the same order (numpy pairwise means included); 1e-9 is the bar.
    private const double Tolerance = 1e-9;

    internal static string CaseFolder(int n) => Path.Combine(AppContext.BaseDirectory, "coco-eval", $"case_{n:D2}");

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < 40; i++)
            data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_CocoEvalCase_MatchesPycocotools(int n)
    {
        string dir = CaseFolder(n);
        var result = CocoEvaluator.Evaluate(CocoJson.ReadDataset(Path.Combine(dir, "gt.json")),
            CocoJson.ReadDetections(Path.Combine(dir, "dt.json")));
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
        var stats = expected.RootElement.GetProperty("stats").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(12, stats.Length);
        for (int i = 0; i < 12; i++)
            AssertClose(stats[i], result.Stats[i], $"stats[{i}] {CocoEvaluation.StatNames[i]}");
        foreach (var (name, actual) in new[] { ("per_category_ap", result.PerCategoryAP),
                     ("per_category_ap50", result.PerCategoryAP50) })
        {
            var table = expected.RootElement.GetProperty(name);
            Assert.Equal(table.EnumerateObject().Count(), actual.Count);
            foreach (var p in table.EnumerateObject())
                AssertClose(p.Value.GetDouble(), actual[int.Parse(p.Name)], $"{name}[{p.Name}]");
        }
    }

    [Fact]
    public void Evaluate_LargeCase_BitIdenticalToPycocotools()
    {
        // 150 images × 40 categories (tests/data/coco-eval-large): the means run over 40,400 values, past numpy's
        // 8,192-value reduction blocks. Same float64 operations in the same order, so the doubles are equal.
        string dir = Path.Combine(AppContext.BaseDirectory, "coco-eval-large");
        var result = CocoEvaluator.Evaluate(CocoJson.ReadDataset(Path.Combine(dir, "gt.json")),
            CocoJson.ReadDetections(Path.Combine(dir, "dt.json")));
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
        double[] stats = [.. expected.RootElement.GetProperty("stats").EnumerateArray().Select(e => e.GetDouble())];
        for (int i = 0; i < 12; i++)
            Assert.True(stats[i] == result.Stats[i], $"stats[{i}]: expected {stats[i]:R}, got {result.Stats[i]:R}");
    }

    [Fact]
    public void BoxIou_CrowdGroundTruth_DividesByDetectionArea()
    {
        // Detection [0,0,10,10] (area 100) against [5,0,10,10]: intersection 50; union 150, crowd uses 100.
        var ious = CocoEvaluator.BoxIou([new CocoBox(0, 0, 10, 10)],
            [new CocoBox(5, 0, 10, 10), new CocoBox(5, 0, 10, 10), new CocoBox(20, 20, 5, 5)], [false, true, false]);
        Assert.Equal(50.0 / 150.0, ious[0, 0], 15);
        Assert.Equal(0.5, ious[0, 1], 15);
        Assert.Equal(0.0, ious[0, 2]);
    }

    [Fact]
    public void Evaluate_OneExactHitOneMiss_HandDerivedNumbers()
    {
        // One image, one category, two medium ground-truth boxes; detections: an exact hit (score .9) and a false
        // positive (score .8). Precision envelope: 1 up to recall .5, then 0 → AP = 51/101 at every threshold.
        var gt = new CocoDataset([new CocoImage(1, "a.png", 200, 200)], [new CocoCategory(1, "x")],
        [
            new CocoAnnotation(1, 1, 1, new CocoBox(10, 10, 40, 40), 1600),
            new CocoAnnotation(2, 1, 1, new CocoBox(100, 100, 40, 40), 1600),
        ]);
        var dt = new[]
        {
            new CocoDetection(1, 1, new CocoBox(10, 10, 40, 40), 0.9),
            new CocoDetection(1, 1, new CocoBox(150, 10, 40, 40), 0.8),
        };
        var r = CocoEvaluator.Evaluate(gt, dt);
        double ap = 51.0 / 101.0;
        Assert.Equal(ap, r.Stats[0], 12);
        Assert.Equal(ap, r.Stats[1], 12);
        Assert.Equal(-1, r.Stats[3]); // no small ground truth
        Assert.Equal(ap, r.Stats[4], 12);
        Assert.Equal(-1, r.Stats[5]);
        Assert.Equal(0.5, r.Stats[6], 12); // AR@1: the top detection is the hit
        Assert.Equal(0.5, r.Stats[8], 12);
    }

    [Fact]
    public void Evaluate_NoDetections_ZeroWhereGroundTruthExists()
    {
        var gt = new CocoDataset([new CocoImage(1, "", 100, 100)], [new CocoCategory(1, "x"), new CocoCategory(2, "y")],
            [new CocoAnnotation(1, 1, 1, new CocoBox(0, 0, 50, 50), 2500)]);
        var r = CocoEvaluator.Evaluate(gt, []);
        Assert.Equal(0, r.Stats[0]);
        Assert.Equal(0, r.PerCategoryAP[1]);
        Assert.Equal(-1, r.PerCategoryAP[2]);
    }

    [Fact]
    public void Evaluate_DetectionOnUnknownImage_Throws()
    {
        var gt = new CocoDataset([new CocoImage(1, "", 100, 100)], [new CocoCategory(1, "x")], []);
        var e = Assert.Throws<FoveaException>(() =>
            CocoEvaluator.Evaluate(gt, [new CocoDetection(7, 1, new CocoBox(0, 0, 1, 1), 0.5)]));
        Assert.Contains("image id 7", e.Message);
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance,
            $"{what}: expected {expected:R}, got {actual:R} (diff {Math.Abs(expected - actual):E2})");
}
