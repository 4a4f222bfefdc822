using Fovea.Kernels;
using Fovea.Kernels.Reference;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Kernels;

/// <summary><see cref="NmsKernels"/> against its by-definition twin <see cref="ReferenceNms"/> (exact: both compute
/// the same float32 IoU and the same order), on random boxes with distinct and tied scores, and hand-checked
/// layouts. torchvision parity is in Fovea.Vision.Tests (DetectionOpsGoldenTests).</summary>
public sealed class NmsKernelsTests
{
    private static float[] RandomBoxes(int n, Rng rng, float extent)
    {
        var b = new float[4 * n];
        var u = Tensor.RandomUniform([n, 4], rng).AsReadOnlySpan();
        for (int i = 0; i < n; i++)
        {
            b[4 * i] = u[4 * i] * extent;
            b[4 * i + 1] = u[4 * i + 1] * extent;
            b[4 * i + 2] = b[4 * i] + 0.5f + u[4 * i + 2] * extent * 0.5f;
            b[4 * i + 3] = b[4 * i + 1] + 0.5f + u[4 * i + 3] * extent * 0.5f;
        }
        return b;
    }

    [Theory]
    [InlineData(0, 0.5, 0)]
    [InlineData(1, 0.5, 0)]
    [InlineData(7, 0.3, 0)]
    [InlineData(64, 0.5, 0)]
    [InlineData(64, 0.5, 3)]
    [InlineData(200, 0.7, 5)]
    [InlineData(150, 0.0, 0)]
    [InlineData(150, 1.0, 2)]
    public void Nms_RandomBoxes_MatchesReference(int n, double threshold, int levels)
    {
        var rng = new Rng(n + levels);
        var boxes = RandomBoxes(n, rng, 40f);
        var scores = Tensor.RandomUniform([n], rng).ToArray();
        if (levels > 0)
        {
            for (int i = 0; i < n; i++)
                scores[i] = MathF.Floor(scores[i] * levels) / levels;
        }
        var keep = new int[n];
        int count = NmsKernels.Nms(boxes, scores, threshold, keep);
        Assert.Equal(ReferenceNms.Nms(boxes, scores, threshold), keep[..count]);
    }

    [Theory]
    [InlineData(50, 3, 0.5)]
    [InlineData(300, 4, 0.5)]   // 1200 coordinates: the class-offset path
    [InlineData(1100, 6, 0.6)]  // 4400 coordinates: the per-class path
    public void BatchedNms_RandomBoxes_MatchesReference(int n, int classes, double threshold)
    {
        var rng = new Rng(n);
        var boxes = RandomBoxes(n, rng, 60f);
        var scores = Tensor.RandomUniform([n], rng).ToArray();
        for (int i = 0; i < n; i++)
            scores[i] = MathF.Floor(scores[i] * 8) / 8; // ties
        var cls = Tensor.RandomUniform([n], rng).ToArray().Select(v => (int)(v * classes)).ToArray();
        var keep = new int[n];
        int count = NmsKernels.BatchedNms(boxes, scores, cls, threshold, keep);
        Assert.Equal(ReferenceNms.BatchedNms(boxes, scores, cls, threshold), keep[..count]);
    }

    [Fact]
    public void Nms_IouExactlyAtThreshold_Kept()
    {
        // [0,0,4,1] and [0,0,2,1]: intersection 2, union 4, IoU exactly 0.5; torchvision suppresses only IoU > t.
        float[] boxes = [0, 0, 4, 1, 0, 0, 2, 1, 0, 0, 2, 1];
        float[] scores = [0.9f, 0.8f, 0.8f];
        var keep = new int[3];
        int count = NmsKernels.Nms(boxes, scores, 0.5, keep);
        Assert.Equal([0, 1], keep[..count]);
        count = NmsKernels.Nms(boxes, scores, 0.49, keep);
        Assert.Equal([0], keep[..count]);
    }
}
