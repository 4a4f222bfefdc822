using Fovea.Autograd;
using Fovea.Kernels;
using Fovea.Kernels.Reference;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Kernels;

/// <summary>
/// <see cref="RoiAlignKernels"/> against its twin <see cref="ReferenceRoiAlign"/> (forward and backward, aligned or
/// not, fixed and adaptive sampling, RoIs across the border, outside the image and of zero area), and
/// <see cref="Functional.RoiAlign"/>'s gradient by finite differences. torchvision parity is in Fovea.Vision.Tests.
/// </summary>
public sealed class RoiAlignKernelsTests
{
    private static float[] Rois(int k, int n, float extent, Rng rng)
    {
        var u = Tensor.RandomUniform([k, 5], rng).AsReadOnlySpan();
        var r = new float[5 * k];
        for (int i = 0; i < k; i++)
        {
            r[5 * i] = (int)(u[5 * i] * n);
            r[5 * i + 1] = u[5 * i + 1] * extent - 2;
            r[5 * i + 2] = u[5 * i + 2] * extent - 2;
            r[5 * i + 3] = r[5 * i + 1] + u[5 * i + 3] * extent * 0.7f;
            r[5 * i + 4] = r[5 * i + 2] + u[5 * i + 4] * extent * 0.7f;
        }
        if (k > 2)
        {
            float[] outside = [0, extent + 5, extent + 5, extent + 9, extent + 7];
            float[] empty = [0, 3, 3, 3, 3];
            outside.CopyTo(r, 5);
            empty.CopyTo(r, 10);
        }
        return r;
    }

    [Theory]
    [InlineData(2, 3, 9, 11, 7, 3, 3, 1f, -1, false)]
    [InlineData(2, 3, 9, 11, 7, 3, 3, 1f, -1, true)]
    [InlineData(1, 5, 16, 12, 9, 2, 4, 0.5f, 2, false)]
    [InlineData(3, 2, 8, 8, 12, 5, 5, 0.25f, 1, true)]
    [InlineData(1, 17, 6, 7, 4, 7, 7, 2f, -1, false)]
    [InlineData(1, 1, 1, 1, 3, 2, 2, 1f, 2, true)]
    public void Kernel_MatchesReference(int n, int c, int h, int w, int k, int ph, int pw, float scale, int sr,
        bool aligned)
    {
        var rng = new Rng(h * 31 + w);
        var x = Tensor.RandomNormal([n, c, h, w], rng).ToArray();
        var rois = Rois(k, n, Math.Max(h, w) / scale, rng);
        var g = new RoiAlignGeometry(n, c, h, w, k, ph, pw, scale, sr, aligned);
        float[] y = new float[g.OutputLength], yRef = new float[g.OutputLength];
        RoiAlignKernels.Forward(x, rois, y, g);
        ReferenceRoiAlign.Forward(x, rois, yRef, g);
        // Weighted sums of at most a few hundred samples of order one, float vs double accumulation.
        TensorAssert.Close(yRef, y, 1e-5, 1e-5, "forward");
        var dy = Tensor.RandomNormal([g.OutputLength], rng).ToArray();
        float[] dx = new float[x.Length], dxRef = new float[x.Length];
        dx.AsSpan().Fill(float.NaN); // backward must overwrite
        RoiAlignKernels.Backward(dy, rois, dx, g);
        ReferenceRoiAlign.Backward(dy, rois, dxRef, g);
        TensorAssert.Close(dxRef, dx, 1e-5, 1e-5, "backward");
    }

    [Theory]
    [InlineData(false, -1)]
    [InlineData(true, 2)]
    public void RoiAlign_Gradient_MatchesFiniteDifferences(bool aligned, int samplingRatio)
    {
        var rng = new Rng(5);
        var x = Tensor.RandomNormal([2, 2, 6, 7], rng);
        // Sample points away from cell boundaries (RoIAlign is piecewise bilinear in x: linear, so FD is exact up to
        // float rounding; eps 1e-2 keeps that rounding small against the float32 loss).
        var rois = Tensor.FromArray([0, 0.3f, 0.7f, 4.1f, 5.2f, 1, 1.4f, 0.2f, 6.3f, 3.9f, 1, -1.2f, 2.1f, 2.6f, 7.4f],
            [3, 5]);
        GradCheck.Assert(t => Functional.RoiAlign(t[0], rois, (3, 2), 1f, samplingRatio, aligned), [x], eps: 1e-2f,
            atol: 2e-3, rtol: 1e-3);
    }

    [Fact]
    public void RoiAlign_BadShapes_ThrowFoveaException()
    {
        var x = Tensor.Zeros([1, 2, 4, 4]);
        var e = Assert.Throws<FoveaException>(() => Functional.RoiAlign(x, Tensor.Zeros([3, 4]), 2));
        Assert.Contains("[3, 4]", e.Message);
        e = Assert.Throws<FoveaException>(() => Functional.RoiAlign(Tensor.Zeros([2, 4, 4]), Tensor.Zeros([1, 5]), 2));
        Assert.Contains("[2, 4, 4]", e.Message);
        e = Assert.Throws<FoveaException>(() =>
            Functional.RoiAlign(x, Tensor.FromArray([1f, 0, 0, 1, 1], [1, 5]), 2));
        Assert.Contains("batch index 1", e.Message);
    }
}
