using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;
using static Fovea.Tests.Data.Transforms.Images;

namespace Fovea.Tests.Data.Transforms;

public class RandomFlipTests
{
    private static readonly Tensor s_pattern = Rows([1, 2, 3], [4, 5, 6]);

    [Fact]
    public void Apply_HorizontalAlways_MirrorsColumns()
    {
        var y = Apply(new RandomFlip(horizontal: true, probability: 1), s_pattern);

        Assert.Equal([[3f, 2, 1], [6f, 5, 4]], ToRows(y));
    }

    [Fact]
    public void Apply_VerticalAlways_MirrorsRows()
    {
        var y = Apply(new RandomFlip(horizontal: false, vertical: true, probability: 1), s_pattern);

        Assert.Equal([[4f, 5, 6], [1f, 2, 3]], ToRows(y));
    }

    [Fact]
    public void Apply_BothAlways_TurnsHalfway()
    {
        var y = Apply(new RandomFlip(horizontal: true, vertical: true, probability: 1), s_pattern);

        Assert.Equal([[6f, 5, 4], [3f, 2, 1]], ToRows(y));
    }

    [Fact]
    public void Apply_ThreeChannels_EveryChannelMirrored()
    {
        var image = Make(3, 2, 3, (c, i, j) => 100 * c + 10 * i + j);

        var y = Apply(new RandomFlip(probability: 1), image);

        for (int c = 0; c < 3; c++)
        {
            float b = 100f * c;
            Assert.Equal([[b + 2, b + 1, b], [b + 12, b + 11, b + 10]], ToRows(y, c));
        }
    }

    [Fact]
    public void Apply_ProbabilityZero_LeavesImage()
    {
        var y = Apply(new RandomFlip(horizontal: true, vertical: true, probability: 0), s_pattern);

        Assert.Equal(s_pattern.ToArray(), y.ToArray());
    }

    [Fact]
    public void Apply_HalfProbability_FlipsAboutHalfTheImages()
    {
        var flip = new RandomFlip();
        var rng = new Rng(3);
        int flipped = 0;
        for (int k = 0; k < 400; k++)
            flipped += flip.Apply(s_pattern, rng)[0, 0, 0] == 3 ? 1 : 0;

        Assert.InRange(flipped, 160, 240);
    }

    [Fact]
    public void Constructor_ProbabilityAboveOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomFlip(probability: 1.5));
    }
}
