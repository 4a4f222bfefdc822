using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// Conv1D, Conv3D and the 3-D pooling layers beyond the goldens (<c>Conv1D3DGoldenTests</c>): bad input is refused
/// with the layer's name and the shapes, causal padding keeps the length and never looks ahead, and keepDims keeps
/// the pooled axes.
/// </summary>
public sealed class ConvNdLayerTests
{
    [Fact]
    public void Conv3D_WrongRankOrChannels_ThrowsNamingLayerAndShape()
    {
        var conv = new Conv3D(4, 3, name: "c3");
        conv.Call(Tensor.Zeros([1, 2, 3, 4, 4]));
        var rank = Assert.Throws<FoveaException>(() => conv.Call(Tensor.Zeros([1, 2, 4, 4])));
        Assert.Contains("Conv3D 'c3'", rank.Message);
        Assert.Contains("[1, 2, 4, 4]", rank.Message);
        var channels = Assert.Throws<FoveaException>(() => conv.Call(Tensor.Zeros([1, 3, 3, 4, 4])));
        Assert.Contains("[N, 2, D, H, W]", channels.Message);
        Assert.Throws<FoveaException>(() => new Conv1D(2, 3, name: "c1").Call(Tensor.Zeros([1, 2, 3, 4])));
        Assert.Throws<FoveaException>(() => new MaxPooling3D(name: "p").Call(Tensor.Zeros([1, 2, 4, 4])));
        Assert.Throws<FoveaException>(() => new GlobalAveragePooling3D().Call(Tensor.Zeros([1, 2, 4])));
    }

    [Fact]
    public void Constructors_BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => new Conv3D(4, 3, padding: Padding.Causal));
        Assert.Throws<ArgumentException>(() => new Conv1D(5, 3, groups: 2));
        Assert.Throws<ArgumentException>(() => new MaxPooling3D(2, padding: Padding.Causal));
        Assert.Throws<ArgumentException>(() => new AveragePooling3D((0, 2, 2)));
    }

    /// <summary>Causal: output length = input length, and changing input t changes no output before t.</summary>
    [Fact]
    public void Conv1D_Causal_KeepsLengthAndNeverLooksAhead()
    {
        using var _ = Layer.Seeded(3);
        var conv = new Conv1D(3, 3, padding: Padding.Causal, dilationRate: 2);
        var x = Tensor.RandomNormal([1, 2, 10], new Rng(1));
        var y = conv.Call(x).ToArray();
        Assert.Equal(new Shape(1, 3, 10), conv.Call(x).Shape);
        var changed = x.ToArray();
        changed[6] += 1f;         // channel 0, t = 6
        changed[10 + 6] -= 2f;    // channel 1, t = 6
        var y2 = conv.Call(Tensor.FromArray(changed, [1, 2, 10])).ToArray();
        for (int o = 0; o < 3; o++)
        {
            for (int t = 0; t < 10; t++)
            {
                if (t < 6)
                    Assert.Equal(y[o * 10 + t], y2[o * 10 + t]);
            }
            Assert.NotEqual(y[o * 10 + 6], y2[o * 10 + 6]);
        }
    }

    [Fact]
    public void GlobalAveragePooling3D_KeepDims_IsTheMeanWithUnitAxes()
    {
        var x = Tensor.FromArray([.. Enumerable.Range(0, 2 * 8).Select(i => (float)i)], [1, 2, 2, 2, 2]);
        var y = new GlobalAveragePooling3D(keepDims: true).Call(x);
        Assert.Equal(new Shape(1, 2, 1, 1, 1), y.Shape);
        Assert.Equal([3.5f, 11.5f], y.ToArray());
        Assert.Equal(new Shape(1, 2), Functional.Reshape(y, 1, 2).Shape);
    }
}
