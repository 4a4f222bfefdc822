using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data.Transforms;

public class CutMixTests
{
    [Fact]
    public void Apply_IndexImages_BoxComesFromThePartnerAndLabelsWeighTheAreas()
    {
        var x = Tensor.Zeros([5, 2, 8, 8]);
        for (int i = 0; i < 5; i++)
            x.AsSpan().Slice(i * 128, 128).Fill(i);
        var y = Tensor.FromArray(0, 1, 2, 3, 4);
        var cutMix = new CutMix(alpha: 1, classes: 5);
        var rng = new Rng(8);
        for (int k = 0; k < 20; k++)
        {
            var (mixedX, mixedY) = cutMix.Apply(x, y, rng);

            for (int i = 0; i < 5; i++)
            {
                float[] pixels = mixedX.ToArray()[(i * 128)..((i + 1) * 128)];
                var values = pixels.Distinct().ToList();
                Assert.True(values.Count <= 2, "pixels come from the sample and its partner only");
                for (int c = 0; c < 5; c++)
                {
                    // The weight of class c is the share of the pixels holding value c.
                    float share = pixels.Count(v => v == c) / 128f;
                    Assert.Equal(share, mixedY[i, c], 1e-6f);
                }
                var image = mixedX.SliceRowsForTest(i);
                if (values.Count == 2)
                {
                    float partner = values.Single(v => v != i);
                    var box0 = RandomErasingTests.ErasedBox(image, 0, partner);
                    Assert.Equal(box0, RandomErasingTests.ErasedBox(image, 1, partner));
                }
            }
        }
    }

    [Fact]
    public void Apply_SameSeed_SameBatch()
    {
        var (x, y) = MixUpTests.IndexBatch(6);
        var cutMix = new CutMix(alpha: 1, classes: 6);

        var (x1, y1) = cutMix.Apply(x, y, new Rng(4));
        var (x2, y2) = cutMix.Apply(x, y, new Rng(4));

        Assert.Equal(x1.ToArray(), x2.ToArray());
        Assert.Equal(y1.ToArray(), y2.ToArray());
    }
}

internal static class CutMixTestExtensions
{
    /// <summary>Image <paramref name="i"/> [C, H, W] of a batch, as a copy.</summary>
    public static Tensor SliceRowsForTest(this Tensor batch, int i)
    {
        int size = batch.Length / batch.Shape[0];
        return Tensor.FromArray(batch.AsReadOnlySpan().Slice(i * size, size), batch.Shape.WithoutBatch());
    }
}
