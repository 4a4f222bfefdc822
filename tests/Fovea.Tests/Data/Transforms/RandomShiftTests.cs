using Fovea.Data.Transforms;
using Xunit;
using static Fovea.Tests.Data.Transforms.Images;

namespace Fovea.Tests.Data.Transforms;

public class RandomShiftTests
{
    // One row 1..8: a shift of a quarter of the width moves it 2 pixels.
    private static readonly float[] s_row = [1, 2, 3, 4, 5, 6, 7, 8];

    public static TheoryData<FillModeKind, float[]> RightByTwo => new()
    {
        { FillModeKind.Constant, [-1, -1, 1, 2, 3, 4, 5, 6] },
        { FillModeKind.Nearest, [1, 1, 1, 2, 3, 4, 5, 6] },
        { FillModeKind.Reflect, [2, 1, 1, 2, 3, 4, 5, 6] },
        { FillModeKind.Wrap, [7, 8, 1, 2, 3, 4, 5, 6] },
    };

    private static FillMode Mode(FillModeKind kind) => kind switch
    {
        FillModeKind.Constant => FillMode.Constant(-1),
        FillModeKind.Nearest => FillMode.Nearest,
        FillModeKind.Wrap => FillMode.Wrap,
        _ => FillMode.Reflect,
    };

    [Theory]
    [MemberData(nameof(RightByTwo))]
    public void Apply_RightByTwoPixels_MovesContentAndFills(FillModeKind kind, float[] expected)
    {
        foreach (var interpolation in Enum.GetValues<Interpolation>())
        {
            var shift = new RandomShift((0.25, 0.25), (0, 0), Mode(kind), interpolation);

            var y = Apply(shift, Rows(s_row));

            Assert.Equal([expected], ToRows(y));
        }
    }

    [Theory]
    [MemberData(nameof(RightByTwo))]
    public void Apply_LeftByTwoPixels_MirrorOfRightShift(FillModeKind kind, float[] rightShifted)
    {
        // Shifting the reversed row left is the reverse of shifting the row right (all fill modes are symmetric).
        var shift = new RandomShift((-0.25, -0.25), (0, 0), Mode(kind));

        var y = Apply(shift, Rows([.. s_row.Reverse()]));

        Assert.Equal([[.. rightShifted.Reverse()]], ToRows(y));
    }

    [Fact]
    public void Apply_DownByOneRow_MovesRowsAndFillsTop()
    {
        var image = Rows([1, 2], [3, 4], [5, 6], [7, 8]);

        var y = Apply(new RandomShift((0, 0), (0.25, 0.25), FillMode.Constant(0)), image);

        Assert.Equal([[0f, 0], [1f, 2], [3f, 4], [5f, 6]], ToRows(y));
    }

    [Fact]
    public void Apply_HalfPixelBilinear_AveragesNeighbours()
    {
        var y = Apply(new RandomShift((0.125, 0.125), (0, 0), FillMode.Nearest), Rows([0, 2, 4, 8]));

        RowsEqual([[0, 1, 3, 6]], ToRows(y));
    }

    [Fact]
    public void Apply_SymmetricRange_ShiftsStayInRange()
    {
        // A ramp 0..15 shifted by at most 10% of 16 pixels (1.6): the middle pixel moves by at most 1.6.
        var shift = new RandomShift(0.1, 0, FillMode.Nearest);
        var rng = new Fovea.Tensors.Rng(1);
        var image = Rows([.. Enumerable.Range(0, 16).Select(i => (float)i)]);
        for (int k = 0; k < 50; k++)
            Assert.InRange(shift.Apply(image, rng)[0, 0, 8], 8 - 1.6f - 1e-4f, 8 + 1.6f + 1e-4f);
    }
}
