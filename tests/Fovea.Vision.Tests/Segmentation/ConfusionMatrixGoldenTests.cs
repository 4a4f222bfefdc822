using Fovea.Tensors;
using Fovea.Vision.Segmentation;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Vision.Tests.Segmentation;

/// <summary>
/// <see cref="ConfusionMatrix"/> and <see cref="MeanIoU"/> against NumPy
/// (<c>tests/golden/segmentation_metrics.safetensors</c>, <c>tools/golden/make_segmentation_metrics_golden.py</c>):
/// three batches of random label maps with ignored pixels (255) and a class that never occurs, accumulated into one
/// matrix: the counts, per-class IoU and Dice (NaN for the absent class), their NaN-skipping means, pixel accuracy.
/// </summary>
public sealed class ConfusionMatrixGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "segmentation_metrics";
    private const int Ignore = 255;

    /// <summary>The golden stores float32 values of ratios computed in float64; ours are float64: float32 rounding
    /// (6e−8 relative) is the only difference.</summary>
    private const double Tolerance = 1e-6;

    private static ConfusionMatrix Accumulate(Golden g, int classes)
    {
        var m = new ConfusionMatrix(classes, Ignore);
        var (pred, truth) = (g.Get("metrics.pred"), g.Get("metrics.true"));
        int batches = truth.Shape[0];
        var batchShape = new Shape(truth.Shape[1], truth.Shape[2], truth.Shape[3]);
        int size = batchShape.Length;
        for (int b = 0; b < batches; b++)
        {
            m.Update(Tensor.Wrap(pred.ToArray()[(b * size)..((b + 1) * size)], batchShape),
                Tensor.Wrap(truth.ToArray()[(b * size)..((b + 1) * size)], batchShape));
        }
        return m;
    }

    [Fact]
    public void Update_ThreeBatches_MatchesNumPy()
    {
        var g = Golden.Load(FileName, output);
        int classes = g.Get("metrics.iou").Shape[0];
        var m = Accumulate(g, classes);

        var counts = new float[classes * classes];
        for (int t = 0; t < classes; t++)
        {
            for (int p = 0; p < classes; p++)
                counts[t * classes + p] = m[t, p];
        }
        g.Close("metrics.confusion", Tensor.Wrap(counts, [classes, classes]), 0);
        AssertNanClose(g.Get("metrics.iou").ToArray(), m.IoU());
        AssertNanClose(g.Get("metrics.dice").ToArray(), m.Dice());
        Assert.True(double.IsNaN(m.IoU()[classes - 1]), "the class that never occurs has no IoU");
        Assert.Equal(g.Get("metrics.miou").Item(), m.MeanIoU, Tolerance);
        Assert.Equal(g.Get("metrics.mean_dice").Item(), m.MeanDice, Tolerance);
        Assert.Equal(g.Get("metrics.pixel_accuracy").Item(), m.PixelAccuracy, Tolerance);
        // One matrix over the dataset, not the mean of per-image scores (which differs here by ~1e-3).
        Assert.True(Math.Abs(m.MeanIoU - g.Get("metrics.image_miou").Item()) > 100 * Tolerance);
    }

    [Fact]
    public void MeanIoU_LogitsOverBatches_MatchesNumPy()
    {
        // Logits whose arg-max is the golden prediction: one-hot scaled by 3 plus a smaller ramp.
        var g = Golden.Load(FileName, output);
        int classes = g.Get("metrics.iou").Shape[0];
        var (pred, truth) = (g.Get("metrics.pred"), g.Get("metrics.true"));
        var metric = new MeanIoU(classes, Ignore);
        metric.Update(Tensor.Zeros([1, classes, 1, 1]), Tensor.Zeros([1, 1, 1]));
        metric.Reset();
        var (n, h, w) = (truth.Shape[1], truth.Shape[2], truth.Shape[3]);
        int plane = h * w;
        for (int b = 0; b < truth.Shape[0]; b++)
        {
            var p = pred.ToArray();
            var logits = new float[n * classes * plane];
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < classes; c++)
                {
                    for (int k = 0; k < plane; k++)
                    {
                        int label = (int)p[(b * n + i) * plane + k];
                        logits[(i * classes + c) * plane + k] = (c == label ? 3f : 0f) + 0.1f * c;
                    }
                }
            }
            metric.Update(Tensor.Wrap(logits, [n, classes, h, w]),
                Tensor.Wrap(truth.ToArray()[(b * n * plane)..((b + 1) * n * plane)], [n, h, w]));
        }
        Assert.Equal("mean_iou", metric.Name);
        Assert.Equal(g.Get("metrics.miou").Item(), metric.Result, Tolerance);
    }

    [Fact]
    public void Update_LabelOutsideTheClasses_Throws()
    {
        var m = new ConfusionMatrix(3, Ignore);
        var e = Assert.Throws<FoveaException>(() => m.Update(Tensor.Zeros([1, 2, 2]), Tensor.Full([1, 2, 2], 4f)));
        Assert.Contains("target 0 is 4", e.Message);
        e = Assert.Throws<FoveaException>(() => m.Update(Tensor.Zeros([1, 5, 2, 2]), Tensor.Zeros([1, 3, 3])));
        Assert.Contains("ConfusionMatrix", e.Message);
        Assert.Equal(0, m.Total);
        Assert.True(double.IsNaN(m.PixelAccuracy));
    }

    private void AssertNanClose(float[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            output.WriteLine($"class {i}: expected {expected[i]}, actual {actual[i]}");
            if (float.IsNaN(expected[i]))
                Assert.True(double.IsNaN(actual[i]), $"class {i}: expected NaN, received {actual[i]}");
            else
                Assert.Equal(expected[i], actual[i], Tolerance);
        }
    }
}
