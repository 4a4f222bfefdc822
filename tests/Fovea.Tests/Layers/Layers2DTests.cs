using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// The 2D layers of issue 11 beyond their goldens (<see cref="Golden.Layers2DGoldenTests"/>): the layer contract in
/// several configurations (<see cref="NewLayerContract"/>), errors that name the layer and the shape, Keras's
/// Conv2DTranspose output sizes, and StochasticDepth's two modes (properties of the random masks).
/// </summary>
public sealed class Layers2DTests
{
    public static TheoryData<string> ContractCases => new(s_contract.Keys);

    private static readonly Dictionary<string, (Func<Layer> Make, int[] Input, int[] Output, long Parameters)>
        s_contract = new()
    {
        ["GlobalMaxPooling2D"] = (() => new GlobalMaxPooling2D(), [2, 3, 4, 4], [2, 3], 0),
        ["GlobalAveragePooling2D keepDims"] = (() => new GlobalAveragePooling2D(keepDims: true), [2, 3, 4, 4],
            [2, 3, 1, 1], 0),
        ["ZeroPadding2D 2"] = (() => new ZeroPadding2D(2), [2, 1, 3, 3], [2, 1, 7, 7], 0),
        ["ZeroPadding2D (1, 0)"] = (() => new ZeroPadding2D((1, 0)), [2, 1, 3, 3], [2, 1, 5, 3], 0),
        ["Cropping2D 1"] = (() => new Cropping2D(1), [2, 1, 4, 5], [2, 1, 2, 3], 0),
        ["Cropping2D (0, 2)"] = (() => new Cropping2D((0, 2)), [2, 1, 4, 5], [2, 1, 4, 1], 0),
        ["UpSampling2D nearest"] = (() => new UpSampling2D(), [2, 2, 3, 3], [2, 2, 6, 6], 0),
        ["UpSampling2D bilinear (3, 2)"] = (() => new UpSampling2D((3, 2), Interpolation.Bilinear), [2, 2, 3, 3],
            [2, 2, 9, 6], 0),
        ["Conv2DTranspose valid"] = (() => new Conv2DTranspose(2, 3, strides: 2), [2, 3, 3, 3], [2, 2, 7, 7],
            3 * 2 * 9 + 2),
        ["Conv2DTranspose same gelu"] = (() => new Conv2DTranspose(2, 3, strides: 2, padding: Padding.Same,
            activation: Activations.Gelu()), [2, 3, 3, 3], [2, 2, 6, 6], 3 * 2 * 9 + 2),
        ["SeparableConv2D"] = (() => new SeparableConv2D(4, 3, depthMultiplier: 2, useBias: false), [2, 3, 5, 5],
            [2, 4, 3, 3], 3 * 2 * 9 + 4 * 6),
        ["GroupNormalization"] = (() => new GroupNormalization(2), [2, 4, 3, 3], [2, 4, 3, 3], 8),
        ["GroupNormalization no center"] = (() => new GroupNormalization(4, center: false), [2, 4, 3], [2, 4, 3], 4),
    };

    [Theory]
    [MemberData(nameof(ContractCases))]
    public void Layer_Contract(string name)
    {
        var (make, input, output, parameters) = s_contract[name];
        NewLayerContract.Check(make, input, output, parameters, name.Length);
    }

    [Theory]
    [InlineData(4, 3, 2, "valid", 9)]  // H·s + max(k − s, 0)
    [InlineData(4, 3, 2, "same", 8)]   // H·s
    [InlineData(4, 2, 3, "valid", 12)] // kernel shorter than the stride: H·s
    [InlineData(5, 5, 1, "valid", 9)]
    [InlineData(5, 5, 1, "same", 5)]
    public void Conv2DTranspose_OutputSize_IsKeras(int h, int k, int s, string padding, int expected)
    {
        var layer = new Conv2DTranspose(1, k, s, padding == "same" ? Padding.Same : Padding.Valid);
        var y = layer.Call(Tensor.Ones([1, 1, h, h]));
        Assert.Equal(new Shape(1, 1, expected, expected), y.Shape);
    }

    [Fact]
    public void WrongInputs_ThrowNamingLayerAndShape()
    {
        void Throws(Layer layer, int[] shape, string expected)
        {
            var e = Assert.Throws<FoveaException>(() => layer.Call(Tensor.Zeros(shape)));
            Assert.Contains(layer.Describe(), e.Message);
            Assert.Contains(new Shape(shape).ToString(), e.Message);
            Assert.Contains(expected, e.Message);
        }
        Throws(new GlobalMaxPooling2D(name: "gmp"), [2, 3, 4], "[N, C, H, W]");
        Throws(new ZeroPadding2D(1, "pad"), [2, 3], "[N, C, H, W]");
        Throws(new Cropping2D(2, "crop"), [1, 1, 4, 6], "H > 4");
        Throws(new UpSampling2D(name: "up"), [2, 3, 4], "[N, C, H, W]");
        Throws(new GroupNormalization(3, name: "gn"), [2, 4, 5, 5], "3 groups");
        var conv = new Conv2DTranspose(2, 3, name: "deconv");
        conv.Call(Tensor.Zeros([1, 3, 4, 4]));
        Throws(conv, [1, 2, 4, 4], "[N, 3, H, W]");
        var separable = new SeparableConv2D(2, 3, name: "sep");
        separable.Call(Tensor.Zeros([1, 3, 4, 4]));
        Throws(separable, [1, 3, 4], "[N, 3, H, W]");
    }

    [Fact]
    public void ActivationConfig_RoundTripsElusAlphaAndGeluApproximate()
    {
        foreach (var f in new[] { Activations.Elu(0.5f), Activations.Gelu(approximate: true), Activations.Selu })
        {
            var layer = new Activation(f);
            var copy = (Activation)LayerRegistry.FromConfig("Activation",
                JsonNode.Parse(layer.GetConfig().ToJsonString())!.AsObject());
            Assert.Equal(f.Name, copy.Function.Name);
            Assert.Equal(f.Alpha, copy.Function.Alpha);
        }
        Assert.Equal(1f, Activations.FromName("elu").Alpha);
        Assert.Equal(0.2f, Activations.FromName("leaky_relu").Alpha);
    }

    [Fact]
    public void StochasticDepth_BatchMode_DropsWholeBatchAtTheRate()
    {
        var x = Tensor.Ones([4, 3]);
        var layer = new StochasticDepth(0.25, StochasticDepthMode.Batch) { Rng = new Rng(7) };
        int dropped = 0;
        const int calls = 4000;
        for (int i = 0; i < calls; i++)
        {
            var y = layer.Call(x, training: true).ToArray();
            Assert.True(y.All(v => v == 0f) || y.All(v => Math.Abs(v - 1 / 0.75f) < 1e-6f),
                "batch mode must drop or keep (scaled by 1/(1 − rate)) the whole batch");
            if (y[0] == 0f)
                dropped++;
        }
        // Binomial(4000, 0.25): standard deviation 27, so ±5σ is ±137.
        Assert.InRange(dropped, 1000 - 137, 1000 + 137);
        Assert.Equal(x.ToArray(), layer.Call(x, training: false).ToArray());
    }

    [Fact]
    public void StochasticDepth_RowMode_DropsSamplesIndependently()
    {
        var x = Tensor.Ones([1000, 2]);
        var y = new StochasticDepth(0.5) { Rng = new Rng(3) }.Call(x, training: true).ToArray();
        int dropped = Enumerable.Range(0, 1000).Count(i => y[2 * i] == 0f);
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal(y[2 * i], y[2 * i + 1]));
        Assert.InRange(dropped, 500 - 80, 500 + 80); // Binomial(1000, 0.5): σ ≈ 16, ±5σ
        Assert.All(y, v => Assert.True(v == 0f || v == 2f));
    }

    [Fact]
    public void StochasticDepth_BatchMode_GradientFollowsTheMask()
    {
        var layer = new StochasticDepth(0.5, StochasticDepthMode.Batch) { Rng = new Rng(11) };
        for (int i = 0; i < 10; i++)
        {
            var x = Tensor.Ones([3, 2]);
            x.RequiresGrad = true;
            var y = layer.Call(x, training: true);
            Functional.Sum(y).Backward();
            Assert.Equal(y.ToArray(), x.Grad!.ToArray()); // y = m·x with m the scale, so dL/dx = m = y for x = 1
        }
    }
}
