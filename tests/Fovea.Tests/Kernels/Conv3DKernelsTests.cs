using Fovea.Kernels;
using Fovea.Kernels.Reference;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Kernels;

/// <summary>The vol2col + GEMM 3-D convolution matches the direct definition (<see cref="ReferenceConv3D"/>).</summary>
public class Conv3DKernelsTests
{
    [Theory]
    [InlineData(1, 3, 4, 5, 6, 2, 3, 1, 1, 0, 1)]
    [InlineData(2, 4, 3, 6, 5, 6, 2, 2, 2, 1, 2)]
    [InlineData(1, 6, 5, 4, 7, 3, 3, 1, 2, 2, 3)]
    public void Forward_MatchesReference(int n, int c, int d, int h, int w, int oc, int k, int stride, int dilation,
        int pad, int groups)
    {
        var g = new Conv3DGeometry(n, c, [d, h, w], oc, [k, k, Math.Max(1, k - 1)], [stride, 1, stride], [pad, 0, pad],
            [0, pad, 1], [dilation, 1, dilation], groups);
        var rng = new Rng(n * 100 + c);
        var x = Tensor.RandomNormal([n, c, d, h, w], rng).ToArray();
        var wt = Tensor.RandomNormal([g.WeightLength], rng).ToArray();
        var b = Tensor.RandomNormal([oc], rng).ToArray();
        var expected = new float[n * oc * g.P];
        var actual = new float[expected.Length];
        ReferenceConv3D.Forward(x, wt, b, expected, g);
        Conv3DKernels.Forward(x, wt, b, actual, g);
        TensorAssert.Close(expected, actual, 1e-4, 1e-4, "Conv3D forward");
    }
}
