using Fovea.Data;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data;

public class NormalizationTests
{
    [Fact]
    public void Compute_TwoChannels_MatchesHandComputedStatistics()
    {
        // Channel 0 holds 1, 3, 5, 7 (mean 4, population std sqrt(5)); channel 1 holds 2 everywhere.
        var images = Tensor.FromArray([1, 3, 2, 2, 5, 7, 2, 2], [2, 2, 1, 2]);

        var norm = Normalization.Compute(images);

        Assert.Equal(4f, norm.Mean[0], 5);
        Assert.Equal(MathF.Sqrt(5), norm.Std[0], 5);
        Assert.Equal(2f, norm.Mean[1], 5);
        Assert.True(norm.Std[1] > 0);
    }

    [Fact]
    public void Apply_ComputedStatistics_GivesZeroMeanUnitStd()
    {
        var images = Tensor.RandomUniform([8, 3, 4, 4], new Rng(5), 0.2f, 0.9f);

        Normalization.Compute(images).Apply(images);
        var after = Normalization.Compute(images);

        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(0f, after.Mean[c], 4);
            Assert.Equal(1f, after.Std[c], 4);
        }
    }

    [Fact]
    public void Apply_WrongChannelCount_ThrowsWithShape()
    {
        var norm = new Normalization([0.5f], [0.5f]);

        var e = Assert.Throws<ArgumentException>(() => norm.Apply(Tensor.Zeros([1, 3, 2, 2])));

        Assert.Contains("[N, 1, H, W]", e.Message);
        Assert.Contains("[1, 3, 2, 2]", e.Message);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    public void Constructor_NonPositiveStd_Throws(float std)
    {
        Assert.Throws<ArgumentException>(() => new Normalization([0f], [std]));
    }

    [Fact]
    public void Constructor_LengthMismatch_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new Normalization([0f, 0f], [1f]));

        Assert.Contains("2 means and 1 stds", e.Message);
    }
}
