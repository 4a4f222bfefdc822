using Fovea.Layers;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// SqueezeExcitation and Cbam beyond the goldens (<c>SqueezeExcitationCbamGoldenTests</c>): bad input names the layer
/// and the shape; the gate only rescales channels (a property: y / x is constant over H, W for SE).
/// </summary>
public sealed class SqueezeExcitationCbamTests
{
    [Fact]
    public void SqueezeExcitation_WrongChannelsOrRank_ThrowsNamingLayerAndShape()
    {
        var se = new SqueezeExcitation(8, 2, name: "se");
        var e = Assert.Throws<FoveaException>(() => se.Call(Tensor.Zeros([1, 6, 4, 4])));
        Assert.Contains("SqueezeExcitation 'se'", e.Message);
        Assert.Contains("[N, 8, H, W]", e.Message);
        se.Call(Tensor.Zeros([1, 8, 4, 4]));
        Assert.Throws<FoveaException>(() => se.Call(Tensor.Zeros([1, 8, 4])));
        var cbam = new Cbam(name: "att");
        cbam.Call(Tensor.Zeros([1, 4, 5, 5]));
        var c = Assert.Throws<FoveaException>(() => cbam.Call(Tensor.Zeros([1, 3, 5, 5])));
        Assert.Contains("Cbam 'att'", c.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Cbam(kernelSize: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqueezeExcitation(null, 0));
    }

    [Fact]
    public void SqueezeExcitation_ScalesEachChannelByOneFactorInZeroToOne()
    {
        using var _ = Layer.Seeded(5);
        var x = Tensor.RandomUniform([2, 3, 4, 4], new Rng(2));
        var y = new SqueezeExcitation(null, 2).Call(x).ToArray();
        var xs = x.ToArray();
        for (int plane = 0; plane < 6; plane++)
        {
            double factor = y[plane * 16] / xs[plane * 16];
            Assert.InRange(factor, 0, 1);
            for (int i = 1; i < 16; i++)
                Assert.Equal(factor, y[plane * 16 + i] / xs[plane * 16 + i], 4);
        }
    }
}
