using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;
using static Fovea.Tests.Data.Transforms.Images;

namespace Fovea.Tests.Data.Transforms;

public class RandomRotationTests
{
    private static readonly Tensor s_grid = Rows([0, 1, 2], [3, 4, 5], [6, 7, 8]);

    [Fact]
    public void Apply_QuarterTurn_CounterClockwise()
    {
        // numpy.rot90 of the grid: the right column becomes the top row.
        foreach (var interpolation in Enum.GetValues<Interpolation>())
        {
            var y = Apply(new RandomRotation((90, 90), interpolation: interpolation), s_grid);

            RowsEqual([[2, 5, 8], [1, 4, 7], [0, 3, 6]], ToRows(y));
        }
    }

    [Fact]
    public void Apply_MinusQuarterTurn_Clockwise()
    {
        var y = Apply(new RandomRotation((-90, -90)), s_grid);

        RowsEqual([[6, 3, 0], [7, 4, 1], [8, 5, 2]], ToRows(y));
    }

    [Fact]
    public void Apply_HalfTurnOfEvenImage_ReversesPixels()
    {
        var image = Make(2, 4, 4, (c, i, j) => 16 * c + 4 * i + j);

        var y = Apply(new RandomRotation((180, 180)), image);

        TensorAssert.Close([.. image.ToArray().Take(16).Reverse(), .. image.ToArray().Skip(16).Reverse()],
            y.ToArray(), 1e-5, 0, "half turn");
    }

    [Fact]
    public void Apply_QuarterTurnOfWideImage_FillsOutsideWithConstant()
    {
        // A 1×3 row turned a quarter: only the centre pixel still comes from inside the image.
        var y = Apply(new RandomRotation((90, 90), FillMode.Constant(-1)), Rows([1, 2, 3]));

        RowsEqual([[-1, 2, -1]], ToRows(y));
    }

    [Fact]
    public void Apply_SmallRange_CentreOfRadialImageUnchanged()
    {
        // A radially symmetric image: any rotation keeps it (nearly) unchanged, the centre exactly.
        var image = Make(1, 9, 9, (_, i, j) => (i - 4) * (i - 4) + (j - 4) * (j - 4));
        var y = Apply(new RandomRotation(30), image, seed: 5);

        Assert.Equal(0f, y[0, 4, 4], 1e-5f);
        Assert.Equal(image[0, 4, 1], y[0, 4, 1], 1f);
    }

    [Fact]
    public void Constructor_NegativeRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomRotation(-5));
    }
}
