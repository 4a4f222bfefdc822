using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data.Transforms;

public class MixUpTests
{
    /// <summary>B images [1, 2, 2] filled with their own index, labelled with it (classes = B).</summary>
    internal static (Tensor X, Tensor Y) IndexBatch(int b)
    {
        var x = Tensor.Zeros([b, 1, 2, 2]);
        for (int i = 0; i < b; i++)
            x.AsSpan().Slice(i * 4, 4).Fill(i);
        return (x, Tensor.FromArray([.. Enumerable.Range(0, b).Select(i => (float)i)], [b]));
    }

    [Fact]
    public void Apply_IndexImages_PixelsAreTheLabelWeightedMeanOfTheTwoSamples()
    {
        var (x, y) = IndexBatch(6);
        var mixUp = new MixUp(alpha: 0.4, classes: 6);
        var rng = new Rng(5);
        for (int k = 0; k < 10; k++)
        {
            var (mixedX, mixedY) = mixUp.Apply(x, y, rng);

            Assert.Equal(new Shape(6, 6), mixedY.Shape);
            for (int i = 0; i < 6; i++)
            {
                float[] row = [.. Enumerable.Range(0, 6).Select(c => mixedY[i, c])];
                Assert.Equal(1f, row.Sum(), 1e-5f);
                Assert.True(row.Count(v => v > 0) <= 2, "a soft label mixes at most two classes");
                Assert.True(row[i] >= 0, "the own class keeps its weight λ");
                // Pixel value = Σ_c weight(c)·c, the same mixture as the labels, in every pixel.
                float expected = row.Select((v, c) => v * c).Sum();
                for (int p = 0; p < 4; p++)
                    Assert.Equal(expected, mixedX.ToArray()[i * 4 + p], 1e-4f);
            }
        }
    }

    [Fact]
    public void Apply_OneLambdaPerBatch_SameOwnWeightForEverySampleWithAPartner()
    {
        var (x, y) = IndexBatch(8);

        var (_, mixedY) = new MixUp(alpha: 1, classes: 8).Apply(x, y, new Rng(11));

        var ownWeights = Enumerable.Range(0, 8).Select(i => mixedY[i, i]).Where(v => v < 1 - 1e-6).ToList();
        Assert.NotEmpty(ownWeights);
        Assert.All(ownWeights, v => Assert.Equal(ownWeights[0], v, 1e-6f));
    }

    [Fact]
    public void Apply_OneHotRows_MixedLikeClassIndices()
    {
        var (x, y) = IndexBatch(4);
        var oneHot = Tensor.Zeros([4, 4]);
        for (int i = 0; i < 4; i++)
            oneHot[i, i] = 1;
        var mixUp = new MixUp(alpha: 0.3, classes: 4);

        var (_, fromIndices) = mixUp.Apply(x, y, new Rng(2));
        var (_, fromRows) = mixUp.Apply(x, oneHot, new Rng(2));

        Assert.Equal(fromIndices.ToArray(), fromRows.ToArray());
    }

    [Fact]
    public void Apply_LabelNotAClass_ThrowsNamingSample()
    {
        var (x, _) = IndexBatch(3);

        var e = Assert.Throws<ArgumentException>(
            () => new MixUp(0.2, classes: 3).Apply(x, Tensor.FromArray(0, 1, 3), new Rng(0)));

        Assert.Contains("sample 2 is labelled 3", e.Message);
    }

    [Fact]
    public void NextBeta_ManyDraws_MeanAndSpreadOfBeta()
    {
        var rng = new Rng(0);
        double[] draws = [.. Enumerable.Range(0, 20000).Select(_ => rng.NextBeta(0.4, 0.4))];

        Assert.All(draws, v => Assert.InRange(v, 0, 1));
        Assert.Equal(0.5, draws.Average(), 0.02);
        // Var of Beta(a, a) = 1 / (4(2a + 1)) = 0.1389 for a = 0.4.
        double variance = draws.Select(v => (v - 0.5) * (v - 0.5)).Average();
        Assert.Equal(0.1389, variance, 0.01);
    }
}
