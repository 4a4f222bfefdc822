using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;
using static Fovea.Tests.Data.Transforms.Images;

namespace Fovea.Tests.Data.Transforms;

public class RandomZoomTests
{
    // A linear ramp: bilinear sampling reproduces it exactly, so out(x, y) = ramp at the source coordinate.
    private static readonly Tensor s_ramp = Make(1, 5, 5, (_, i, j) => j + 10 * i);

    [Fact]
    public void Apply_TwiceAsLarge_SamplesCentreHalf()
    {
        var y = Apply(new RandomZoom((2, 2)), s_ramp);

        // Source coordinate of output pixel p: 2 + (p − 2) / 2.
        float[][] expected = [.. Enumerable.Range(0, 5).Select(i =>
            Enumerable.Range(0, 5).Select(j => 2 + (j - 2) / 2f + 10 * (2 + (i - 2) / 2f)).ToArray())];
        RowsEqual(expected, ToRows(y));
    }

    [Fact]
    public void Apply_HalfSize_FillsTheBorder()
    {
        var y = Apply(new RandomZoom((0.5, 0.5), FillMode.Constant(-1)), s_ramp);

        // Source coordinate 2 + 2(p − 2): pixels 0 and 4 come from outside, 1..3 from columns/rows 0, 2, 4.
        RowsEqual(
            [[-1, -1, -1, -1, -1], [-1, 0, 2, 4, -1], [-1, 20, 22, 24, -1], [-1, 40, 42, 44, -1], [-1, -1, -1, -1, -1]],
            ToRows(y));
    }

    [Fact]
    public void Apply_RangeZero_Identity()
    {
        var y = Apply(new RandomZoom(0), s_ramp);

        Assert.Equal(s_ramp.ToArray(), y.ToArray());
    }

    [Fact]
    public void Constructor_RangeOfOneOrMore_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomZoom(1.0));
    }
}
