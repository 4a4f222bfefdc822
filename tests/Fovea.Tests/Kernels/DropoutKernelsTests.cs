using Fovea.Kernels;
using Xunit;

namespace Fovea.Tests.Kernels;

public class DropoutKernelsTests
{
    [Fact]
    public void Mask_FollowsCounterFormulaAtEveryIndex()
    {
        const float rate = 0.3f;
        var mask = new float[100_001];
        DropoutKernels.Mask(mask, rate, seed: 42);
        ulong threshold = (ulong)(rate * 4294967296.0);
        for (int i = 0; i < mask.Length; i++)
        {
            float expected = DropoutKernels.Draw(42, i) >= threshold ? 1f / (1f - rate) : 0f;
            Assert.Equal(expected, mask[i]);
        }
    }

    [Fact]
    public void Mask_DropsTheRequestedFraction()
    {
        var mask = new float[200_000];
        DropoutKernels.Mask(mask, 0.25f, seed: 7);
        double dropped = mask.Count(v => v == 0) / (double)mask.Length;
        // Binomial standard deviation √(0.25·0.75/200000) ≈ 0.001; allow 5σ.
        Assert.InRange(dropped, 0.245, 0.255);
        Assert.All(mask.Where(v => v != 0), v => Assert.Equal(1f / 0.75f, v));
    }

    [Fact]
    public void Forward_WritesMaskAndMaskedInputInOnePass()
    {
        var x = Enumerable.Range(0, 1001).Select(i => i * 0.5f - 200f).ToArray();
        var mask = new float[x.Length];
        var y = new float[x.Length];
        DropoutKernels.Forward(x, mask, y, 0.4f, seed: 9);
        var expected = new float[x.Length];
        DropoutKernels.Mask(expected, 0.4f, seed: 9);
        Assert.Equal(expected, mask);
        Assert.Equal(x.Select((v, i) => v * expected[i]), y);
    }

    [Fact]
    public void Mask_DiffersBetweenSeeds()
    {
        var a = new float[1000];
        var b = new float[1000];
        DropoutKernels.Mask(a, 0.5f, 1);
        DropoutKernels.Mask(b, 0.5f, 2);
        Assert.NotEqual(a, b);
    }
}
