using System.Globalization;
using System.Text.Json;
using Fovea.Vision.Formats;
using Fovea.Vision.Metrics;
using Xunit;

namespace Fovea.Vision.Tests.Metrics;

/// <summary>Pascal VOC AP against the classic voc_eval.py (tests/data/voc-eval, made by
/// tools/golden/make_voc_golden.py) and hand-derived curves.</summary>
public sealed class VocEvaluatorTests
{
    // The same float64 operations in the same order as voc_eval.py; 1e-12 allows only for a last-bit difference.
    private const double Tolerance = 1e-12;

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < 12; i++)
            data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EvaluateClass_VocEvalCase_MatchesVocEvalPy(int n)
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "voc-eval", $"case_{n:D2}");
        var truth = File.ReadAllLines(Path.Combine(dir, "imageset.txt")).Where(l => l.Length > 0)
            .ToDictionary(name => name, name => VocXml.Read(Path.Combine(dir, "Annotations", name + ".xml")));
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
        foreach (var cls in expected.RootElement.EnumerateObject())
        {
            var detections = ReadDetections(Path.Combine(dir, $"dets_{cls.Name}.txt"), cls.Name);
            foreach (var (key, metric) in new[] { ("voc07", VocApMetric.ElevenPoint), ("voc10", VocApMetric.AllPoint) })
            {
                var want = cls.Value.GetProperty(key);
                var got = VocEvaluator.EvaluateClass(truth, detections, cls.Name, 0.5, metric);
                Close(want.GetProperty("ap").GetDouble(), got.AveragePrecision, $"{cls.Name} {key} ap");
                double[] rec = [.. want.GetProperty("rec").EnumerateArray().Select(e => e.GetDouble())];
                double[] prec = [.. want.GetProperty("prec").EnumerateArray().Select(e => e.GetDouble())];
                Assert.Equal(rec.Length, got.Recall.Count);
                for (int i = 0; i < rec.Length; i++)
                {
                    Close(rec[i], got.Recall[i], $"{cls.Name} rec[{i}]");
                    Close(prec[i], got.Precision[i], $"{cls.Name} prec[{i}]");
                }
            }
        }
    }

    [Fact]
    public void AveragePrecision_HandCurve_AllPointAndElevenPoint()
    {
        // rec .5 .5 1, prec 1 .5 2/3. Envelope 1 1 2/3: area = .5·1 + .5·2/3 = 5/6.
        // 11-point: t = 0….5 (6 points) see max precision 1, t = .6…1 (5 points) see 2/3 → (6 + 10/3)/11 = 28/33.
        double[] rec = [0.5, 0.5, 1.0];
        double[] prec = [1.0, 0.5, 2.0 / 3.0];
        Assert.Equal(5.0 / 6.0, VocEvaluator.AveragePrecision(rec, prec, VocApMetric.AllPoint), 14);
        Assert.Equal(28.0 / 33.0, VocEvaluator.AveragePrecision(rec, prec, VocApMetric.ElevenPoint), 14);
    }

    [Fact]
    public void EvaluateClass_DetectionOnDifficultObject_NeitherTrueNorFalsePositive()
    {
        // A (not difficult) and B (difficult); detections on B (.9), on A (.8), on nothing (.7).
        var truth = new Dictionary<string, VocAnnotation>
        {
            ["a"] = new("a.jpg", 100, 100, 3,
            [
                new VocObject("cat", 0, 0, 9, 9),
                new VocObject("cat", 20, 20, 29, 29, Difficult: true),
            ]),
        };
        VocDetection[] dets =
        [
            new("a", "cat", 0.9, 20, 20, 29, 29),
            new("a", "cat", 0.8, 0, 0, 9, 9),
            new("a", "cat", 0.7, 60, 60, 69, 69),
        ];
        var r = VocEvaluator.EvaluateClass(truth, dets, "cat");
        Assert.Equal(1, r.Positives);
        Assert.Equal([0.0, 1.0, 1.0], r.Recall);
        Assert.Equal([0.0, 1.0, 0.5], r.Precision);
        Assert.Equal(1.0, r.AveragePrecision); // the envelope is 1 wherever recall rises
    }

    [Fact]
    public void EvaluateClass_InclusivePixels_OffByOneMatters()
    {
        // Boxes [0,0,9,9] and [5,0,14,9]: inclusive pixels → 10×10 each, overlap 5×10 → IoU 50/150 = 1/3;
        // continuous → overlap 4×9 = 36, union 81 + 81 − 36 = 126 → 2/7. Threshold 0.3 separates them.
        var truth = new Dictionary<string, VocAnnotation>
        {
            ["a"] = new("a.jpg", 100, 100, 3, [new VocObject("cat", 0, 0, 9, 9)]),
        };
        VocDetection[] dets = [new("a", "cat", 0.9, 5, 0, 14, 9)];
        Assert.Equal(1.0, VocEvaluator.EvaluateClass(truth, dets, "cat", 0.3).AveragePrecision);
        Assert.Equal(0.0, VocEvaluator.EvaluateClass(truth, dets, "cat", 0.3, inclusivePixels: false).AveragePrecision);
    }

    private static List<VocDetection> ReadDetections(string path, string cls) =>
    [
        .. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split(' ')).Select(p =>
            new VocDetection(p[0], cls, D(p[1]), D(p[2]), D(p[3]), D(p[4]), D(p[5]))),
    ];

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance, $"{what}: expected {expected:R}, got {actual:R}");
}
