using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// LayerNormalization, Reshape, Permute and the broadcasting Add and Multiply: the layer contract, values written out
/// by index, finite-difference gradients, and errors that name the layer and both shapes.
/// </summary>
public sealed class ShapeLayerTests
{
    public static TheoryData<string> Cases => new(s_cases.Keys);

    private static readonly Dictionary<string, (Func<Layer> Make, int[] Input, int[] Output, long Params)> s_cases =
        new()
    {
        ["LayerNormalization -1"] = (() => new LayerNormalization(), [2, 5, 8], [2, 5, 8], 16),
        ["LayerNormalization channels"] = (() => new LayerNormalization(1, 1e-6f), [2, 4, 3, 5], [2, 4, 3, 5], 8),
        ["LayerNormalization sample"] = (() => new LayerNormalization([1, 2, 3]), [2, 4, 3, 5], [2, 4, 3, 5], 120),
        ["LayerNormalization no center"] = (() => new LayerNormalization([-1, 1], center: false), [2, 3, 4],
            [2, 3, 4], 12),
        ["Reshape"] = (() => new Reshape([3, -1]), [2, 3, 2, 2], [2, 3, 4], 0),
        ["Reshape SE"] = (() => new Reshape([6, 1, 1]), [2, 6], [2, 6, 1, 1], 0),
        ["Permute NHWC"] = (() => new Permute([2, 3, 1]), [2, 3, 4, 5], [2, 4, 5, 3], 0),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_KeepsContract(string name)
    {
        var (make, input, output, parameters) = s_cases[name];
        NewLayerContract.Check(make, input, output, parameters, seed: s_cases.Keys.ToList().IndexOf(name) + 1);
    }

    [Fact]
    public void LayerNormalization_NonContiguousAxes_MatchFiniteDifferences()
    {
        var layer = new LayerNormalization([1, 3], epsilon: 1e-2f);
        var x = Tensor.RandomNormal([2, 3, 2, 4], new Rng(3));
        using (GradMode.NoGrad())
            layer.Call(x);
        Tensor.RandomNormal(layer.Gamma!.Shape, new Rng(4), 1f, 0.3f).AsReadOnlySpan().CopyTo(layer.Gamma.AsSpan());
        GradCheck.Assert(t => layer.Call(t[0], training: true), [x, layer.Gamma, layer.Beta!], eps: 1e-2f);
    }

    [Fact]
    public void LayerNormalization_OtherSizeOnNormalisedAxis_NamesLayerAndShapes()
    {
        var layer = new LayerNormalization(1, name: "ln");
        layer.Call(Tensor.Zeros([2, 4, 3, 3]));
        var e = Assert.Throws<FoveaException>(() => layer.Call(Tensor.Zeros([2, 5, 3, 3])));
        Assert.Contains("LayerNormalization 'ln'", e.Message);
        Assert.Contains("[2, 5, 3, 3]", e.Message);
        Assert.Contains("4", e.Message);
        Assert.Throws<FoveaException>(() => new LayerNormalization(0).Call(Tensor.Zeros([2, 4])));
    }

    [Fact]
    public void Permute_MovesEveryElementWhereKerasSays()
    {
        var x = Tensor.Arange([2, 3, 4, 5]);
        var y = new Permute([2, 3, 1]).Call(x);
        var xs = x.ToArray();
        var ys = y.ToArray();
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 4; h++)
                    for (int w = 0; w < 5; w++)
                        Assert.Equal(xs[((n * 3 + c) * 4 + h) * 5 + w], ys[((n * 4 + h) * 5 + w) * 3 + c]);
        var e = Assert.Throws<FoveaException>(() => new Permute([2, 1], name: "p").Call(x));
        Assert.Contains("Permute 'p'", e.Message);
        Assert.Contains("[2, 3, 4, 5]", e.Message);
        Assert.Throws<ArgumentException>(() => new Permute([0, 1]));
    }

    [Fact]
    public void Reshape_KeepsOrderAndInfersMinusOne()
    {
        var x = Tensor.Arange([2, 3, 4]);
        var y = new Reshape([2, -1, 3]).Call(x);
        Assert.Equal(new Shape(2, 2, 2, 3), y.Shape);
        Assert.Equal(x.ToArray(), y.ToArray());
        var e = Assert.Throws<FoveaException>(() => new Reshape([5], name: "r").Call(x));
        Assert.Contains("Reshape 'r'", e.Message);
        Assert.Contains("[2, 3, 4]", e.Message);
        Assert.Contains("12 elements", e.Message);
        Assert.Throws<ArgumentException>(() => new Reshape([-1, -1]));
    }

    [Fact]
    public void Multiply_ChannelWeightsBroadcastOverPixels()
    {
        var rng = new Rng(7);
        var gate = Tensor.RandomNormal([2, 3, 1, 1], rng);
        var x = Tensor.RandomNormal([2, 3, 4, 5], rng);
        var y = new Multiply().Call([x, gate]);
        Assert.Equal(x.Shape, y.Shape);
        var (xs, gs, ys) = (x.ToArray(), gate.ToArray(), y.ToArray());
        for (int i = 0; i < xs.Length; i++)
            Assert.Equal(xs[i] * gs[i / 20], ys[i]);
        GradCheck.Assert(t => new Multiply().Call([t[0], t[1]]), [gate, x]);
    }

    [Fact]
    public void Add_BiasBroadcastsAndSameShapesStillSum()
    {
        var rng = new Rng(8);
        var bias = Tensor.RandomNormal([3, 1, 1], rng);
        var x = Tensor.RandomNormal([2, 3, 2, 2], rng);
        var y = new Add().Call([x, bias, x]);
        var (xs, bs, ys) = (x.ToArray(), bias.ToArray(), y.ToArray());
        for (int i = 0; i < xs.Length; i++)
            Assert.Equal(xs[i] + bs[i / 4 % 3] + xs[i], ys[i], 1e-6f);
        GradCheck.Assert(t => new Add().Call([t[0], t[1]]), [x, bias]);
        var e = Assert.Throws<FoveaException>(() => new Add(name: "sum").Call([x, Tensor.Zeros([2, 4, 1, 1])]));
        Assert.Contains("Add 'sum'", e.Message);
        Assert.Contains("[2, 4, 1, 1]", e.Message);
        Assert.Contains("[2, 3, 2, 2]", e.Message);
    }
}
