using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;
using static Fovea.Tests.Data.Transforms.Images;

namespace Fovea.Tests.Data.Transforms;

public class RandomContrastTests
{
    [Fact]
    public void Apply_TwoChannels_ScalesDeviationFromEachChannelMeanByOneFactor()
    {
        // Channel 0 holds 0..3 (mean 1.5), channel 1 holds 10, 12, 14, 16 (mean 13).
        var image = Make(2, 2, 2, (c, i, j) => c == 0 ? 2 * i + j : 10 + 2 * (2 * i + j));
        var contrast = new RandomContrast(0.5);
        var rng = new Rng(4);
        for (int k = 0; k < 20; k++)
        {
            var y = contrast.Apply(image, rng);

            float f = (y[0, 1, 1] - 1.5f) / 1.5f;   // pixel 3 sits 1.5 above its channel's mean
            Assert.InRange(f, 0.5f, 1.5f);
            float[] expected =
            [
                .. Enumerable.Range(0, 4).Select(v => (v - 1.5f) * f + 1.5f),
                .. Enumerable.Range(0, 4).Select(v => (10 + 2 * v - 13f) * f + 13),
            ];
            TensorAssert.Close(expected, y.ToArray(), 1e-5, 0, "(x − mean)·f + mean");
        }
    }

    [Fact]
    public void Apply_ValueRange_Clamps()
    {
        var contrast = new RandomContrast(1, valueRange: (0.2f, 0.8f));

        var y = Apply(contrast, Rows([0f, 1f]), seed: 9);

        Assert.All(y.ToArray(), v => Assert.InRange(v, 0.2f, 0.8f));
    }

    [Fact]
    public void Constructor_FactorAboveOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomContrast(1.5));
    }
}
