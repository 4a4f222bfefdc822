using Fovea.Kernels;
using Fovea.Kernels.Reference;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Kernels;

/// <summary>The fast resampler against <see cref="ReferenceAffineResampler"/> for random affine maps.</summary>
public class AffineResamplerTests
{
    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        { 1, 1, 1, 1, 1 }, { 1, 1, 5, 3, 4 }, { 3, 7, 9, 7, 9 }, { 1, 28, 28, 28, 28 }, { 2, 6, 4, 9, 5 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Resample_RandomMapsEveryBorderAndInterpolation_MatchesReference(int c, int h, int w, int oh, int ow)
    {
        var rng = new Rng(c * 1000 + h * 100 + w);
        float[] x = new float[c * h * w];
        for (int i = 0; i < x.Length; i++)
            x[i] = rng.NextFloat();
        foreach (BorderMode border in Enum.GetValues<BorderMode>())
        {
            foreach (bool bilinear in (bool[])[true, false])
            {
                for (int trial = 0; trial < 8; trial++)
                {
                    // Linear parts up to ±3 (rotations, zooms in and out, shears) and offsets up to ±3 image sizes.
                    var g = new ResampleGeometry(c, h, w, oh, ow, Draw(rng, 3), Draw(rng, 3), Draw(rng, 3 * w),
                        Draw(rng, 3), Draw(rng, 3), Draw(rng, 3 * h), bilinear, border, 0.25f);
                    float[] y = new float[c * oh * ow], expected = new float[c * oh * ow];
                    AffineResampler.Resample(x, y, g);
                    ReferenceAffineResampler.Resample(x, expected, g);
                    TensorAssert.Close(expected, y, 1e-5, 0, $"{border}, bilinear {bilinear}, trial {trial}");
                }
            }
        }
    }

    [Fact]
    public void Resample_IdentityMap_CopiesExactly()
    {
        float[] x = [1, 2, 3, 4, 5, 6];
        float[] y = new float[6];
        var g = new ResampleGeometry(1, 2, 3, 2, 3, 1, 0, 0, 0, 1, 0, bilinear: true, BorderMode.Reflect, 0);

        AffineResampler.Resample(x, y, g);

        Assert.Equal(x, y);
    }

    [Theory]
    [InlineData((int)BorderMode.Constant, new[] { -1, -1, -1, 0, 1, 2, 3, -1, -1 })]
    [InlineData((int)BorderMode.Nearest, new[] { 0, 0, 0, 0, 1, 2, 3, 3, 3 })]
    [InlineData((int)BorderMode.Reflect, new[] { 2, 1, 0, 0, 1, 2, 3, 3, 2 })]
    [InlineData((int)BorderMode.Wrap, new[] { 1, 2, 3, 0, 1, 2, 3, 0, 1 })]
    public void MapIndex_AxisOfFour_FollowsTheMode(int modeNumber, int[] expected)
    {
        var mode = (BorderMode)modeNumber;
        // Indices −3 .. 5 of an axis of 4 pixels (a b c d); the constant mode's −1 means "the fill value".
        int[] mapped = [.. Enumerable.Range(-3, 9).Select(i => AffineResampler.MapIndex(i, 4, mode))];

        Assert.Equal(expected, mapped);
    }

    private static double Draw(Rng rng, double range) => (rng.NextDouble() * 2 - 1) * range;
}
