using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;
using static Fovea.Tests.Data.Transforms.Images;

namespace Fovea.Tests.Data.Transforms;

public class RandomBrightnessTests
{
    [Fact]
    public void Apply_Ramp_AddsOneOffsetWithinRangeToEveryPixelAndChannel()
    {
        var image = Make(3, 4, 4, (c, i, j) => 0.1f * c + 0.01f * (4 * i + j));
        var brightness = new RandomBrightness(0.2);
        var rng = new Rng(0);
        var offsets = new List<float>();
        for (int k = 0; k < 30; k++)
        {
            float[] y = brightness.Apply(image, rng).ToArray();
            float delta = y[0] - image.ToArray()[0];
            Assert.InRange(delta, -0.2f, 0.2f);
            TensorAssert.Close([.. image.ToArray().Select(v => v + delta)], y, 1e-6, 0, "x + δ");
            offsets.Add(delta);
        }

        Assert.Contains(offsets, d => d > 0.1f);
        Assert.Contains(offsets, d => d < -0.1f);
    }

    [Fact]
    public void Apply_ValueRange_ClampsTheResult()
    {
        var image = Rows([0f, 0.5f, 1f]);
        var brightness = new RandomBrightness(0.3, valueRange: (0, 1));
        var rng = new Rng(1);
        for (int k = 0; k < 30; k++)
        {
            float[] y = brightness.Apply(image, rng).ToArray();
            float delta = y[1] - 0.5f;
            TensorAssert.Close([Math.Clamp(delta, 0, 1), 0.5f + delta, Math.Clamp(1 + delta, 0, 1)], y, 1e-6, 0,
                "clamp(x + δ, 0, 1)");
        }
    }
}
