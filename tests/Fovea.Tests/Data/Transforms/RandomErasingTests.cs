using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;
using static Fovea.Tests.Data.Transforms.Images;

namespace Fovea.Tests.Data.Transforms;

public class RandomErasingTests
{
    [Fact]
    public void Apply_QuarterAreaSquare_ErasesOneFourByFourBlockInEveryChannel()
    {
        var erase = new RandomErasing(probability: 1, scale: (0.25, 0.25), ratio: (1, 1), value: -2);
        var rng = new Rng(7);
        for (int k = 0; k < 20; k++)
        {
            var y = erase.Apply(Make(3, 8, 8, (_, _, _) => 1), rng);

            var box = ErasedBox(y, 0, -2);
            Assert.Equal(4, box.Height);
            Assert.Equal(4, box.Width);
            for (int c = 1; c < 3; c++)
                Assert.Equal(box, ErasedBox(y, c, -2));
        }
    }

    [Fact]
    public void Apply_ProbabilityZero_LeavesImage()
    {
        var image = Make(1, 6, 6, (_, i, j) => i + j);

        var y = Apply(new RandomErasing(probability: 0), image);

        Assert.Equal(image.ToArray(), y.ToArray());
    }

    [Fact]
    public void Apply_DefaultRanges_ErasedAreaWithinScale()
    {
        var erase = new RandomErasing(probability: 1);
        var rng = new Rng(2);
        for (int k = 0; k < 50; k++)
        {
            var y = erase.Apply(Make(1, 32, 32, (_, _, _) => 1), rng);
            int erased = y.ToArray().Count(v => v == 0);
            Assert.InRange(erased, 0.02 * 1024 * 0.8, 0.33 * 1024 * 1.2);
        }
    }

    /// <summary>The rectangle of channel c holding <paramref name="value"/>; asserts it is one full rectangle.
    /// </summary>
    internal static (int Top, int Left, int Height, int Width) ErasedBox(Tensor y, int c, float value)
    {
        var rows = new SortedSet<int>();
        var columns = new SortedSet<int>();
        int count = 0;
        for (int i = 0; i < y.Shape[1]; i++)
        for (int j = 0; j < y.Shape[2]; j++)
        {
            if (y[c, i, j] == value)
            {
                rows.Add(i);
                columns.Add(j);
                count++;
            }
        }
        if (count == 0)
            return (0, 0, 0, 0);
        Assert.Equal(rows.Count * columns.Count, count);
        Assert.Equal(rows.Count - 1, rows.Max - rows.Min);
        Assert.Equal(columns.Count - 1, columns.Max - columns.Min);
        return (rows.Min, columns.Min, rows.Count, columns.Count);
    }
}
