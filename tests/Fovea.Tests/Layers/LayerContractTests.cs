using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// The contract every layer keeps (Keras run_layer_test): the output shape, the parameter count, a config round trip
/// (same config, same output shape), and one gradient step that lowers a squared-error loss without NaN.
/// </summary>
public class LayerContractTests
{
    public static TheoryData<string> Cases => new(s_cases.Keys);

    private static readonly Dictionary<string, (Func<Layer> Make, int[] Input, int[] Output, long Params)> s_cases = new()
    {
        ["Conv2D valid"] = (() => new Conv2D(4, 3), [2, 3, 6, 5], [2, 4, 4, 3], 4 * 3 * 9 + 4),
        ["Conv2D same stride 2"] = (() => new Conv2D(4, 3, strides: 2, padding: Padding.Same), [2, 3, 7, 6], [2, 4, 4, 3], 112),
        ["Conv2D dilated"] = (() => new Conv2D(2, 3, dilationRate: 2, useBias: false), [1, 2, 7, 7], [1, 2, 3, 3], 36),
        ["Conv2D grouped relu"] = (() => new Conv2D(4, (1, 3), groups: 2, activation: Activations.Relu), [2, 4, 3, 5], [2, 4, 3, 3], 4 * 2 * 3 + 4),
        ["Conv2D explicit padding"] = (() => new Conv2D(2, 3, padding: Padding.Explicit(1, 2, 0, 1)), [1, 2, 5, 5], [1, 2, 4, 6], 38),
        ["DepthwiseConv2D"] = (() => new DepthwiseConv2D(3, padding: Padding.Same, depthMultiplier: 2), [2, 3, 5, 5], [2, 6, 5, 5], 6 * 9 + 6),
        ["Dense"] = (() => new Dense(5, Activations.Swish, kernelRegularizer: Regularizers.L2(1e-4)), [3, 7], [3, 5], 40),
        ["Dense softmax"] = (() => new Dense(4, Activations.Softmax), [3, 6], [3, 4], 28),
        // BatchNormalization: γ, β, moving mean and variance per channel, and the batch count.
        ["BatchNormalization"] = (() => new BatchNormalization(), [4, 3, 2, 2], [4, 3, 2, 2], 4 * 3 + 1),
        ["BatchNormalization dense"] = (() => new BatchNormalization(momentum: 0.9f), [5, 6], [5, 6], 4 * 6 + 1),
        ["MaxPooling2D"] = (() => new MaxPooling2D(2), [2, 3, 5, 4], [2, 3, 2, 2], 0),
        ["MaxPooling2D same"] = (() => new MaxPooling2D(3, 2, Padding.Same), [2, 2, 5, 5], [2, 2, 3, 3], 0),
        ["MaxPooling2D padding 1"] = (() => new MaxPooling2D(3, 2, padding: 1), [1, 2, 7, 7], [1, 2, 4, 4], 0),
        ["AveragePooling2D"] = (() => new AveragePooling2D(2, 1), [2, 2, 4, 4], [2, 2, 3, 3], 0),
        ["GlobalAveragePooling2D"] = (() => new GlobalAveragePooling2D(), [2, 3, 4, 4], [2, 3], 0),
        ["Flatten"] = (() => new Flatten(), [2, 3, 2, 2], [2, 12], 0),
        ["Dropout"] = (() => new Dropout(0.3), [4, 10], [4, 10], 0),
        ["DropPath"] = (() => new DropPath(0.3), [8, 2, 3, 3], [8, 2, 3, 3], 0),
        ["Activation swish"] = (() => new Activation(Activations.Swish), [2, 5], [2, 5], 0),
        ["Activation leaky"] = (() => new Activation(Activations.LeakyRelu(0.1f)), [2, 5], [2, 5], 0),
        ["ReLU"] = (() => new ReLU(), [2, 5], [2, 5], 0),
        ["LeakyReLU"] = (() => new LeakyReLU(0.2f), [2, 5], [2, 5], 0),
        ["PReLU"] = (() => new PReLU(Initializers.Constant(0.25f)), [2, 3, 2, 2], [2, 3, 2, 2], 3),
        ["Softmax"] = (() => new Softmax(), [3, 4], [3, 4], 0),
        ["Add one input"] = (() => new Add(), [2, 3], [2, 3], 0),
        ["Multiply one input"] = (() => new Multiply(), [2, 3], [2, 3], 0),
        ["Concatenate one input"] = (() => new Concatenate(), [2, 3, 2], [2, 3, 2], 0),
    };

    public static TheoryData<string> MergeCases => new(s_mergeCases.Keys);

    /// <summary>Merge layers on three inputs of shape [2, 3, 2, 2]: the layer, the output shape, and the expected
    /// value of each output element from the inputs' elements (a, b, c) at the same position.</summary>
    private static readonly Dictionary<string, (Func<MergeLayer> Make, int[] Output)> s_mergeCases = new()
    {
        ["Add"] = (() => new Add(), [2, 3, 2, 2]),
        ["Multiply"] = (() => new Multiply(), [2, 3, 2, 2]),
        ["Concatenate"] = (() => new Concatenate(), [2, 9, 2, 2]),
        ["Concatenate axis 3"] = (() => new Concatenate(axis: 3), [2, 3, 2, 6]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_KeepsContract(string name)
    {
        var (make, input, output, parameters) = s_cases[name];
        var rng = new Rng(StableSeed.Of(name));
        var x = Tensor.RandomNormal(input, rng);
        var layer = make();
        var y = layer.Call(x, training: true);
        Assert.Equal(new Shape(output), y.Shape);
        Assert.Equal(parameters, layer.ParameterCount);

        // Config round trip: the rebuilt layer has the same config and produces the same shape.
        var config = layer.GetConfig();
        var copy = LayerRegistry.FromConfig(layer.TypeName, JsonNode.Parse(config.ToJsonString())!.AsObject());
        Assert.Equal(config.ToJsonString(), copy.GetConfig().ToJsonString());
        Assert.Equal(y.Shape, copy.Call(x, training: false).Shape);

        // One step of gradient descent on the weights (or on the input for layers without weights) lowers the loss.
        var target = Tensor.RandomNormal(output, rng);
        var trainable = layer.TrainableWeights.Cast<Tensor>().ToList();
        if (trainable.Count == 0)
        {
            x.RequiresGrad = true;
            trainable.Add(x);
        }
        // Dropout draws a new mask per call: compare losses under the same mask by reseeding the layer.
        float Loss(bool backward)
        {
            layer.Rng = new Rng(5);
            var diff = Functional.Subtract(layer.Call(x, training: true), target);
            var loss = Functional.Mean(Functional.Multiply(diff, diff));
            if (backward)
                loss.Backward();
            return loss.Item();
        }
        float before = Loss(backward: true);
        foreach (var t in trainable)
        {
            Assert.NotNull(t.Grad);
            Assert.All(t.Grad!.ToArray(), g => Assert.True(float.IsFinite(g)));
            Fovea.Kernels.Elementwise.AddScaled(t.AsSpan(), t.Grad.AsReadOnlySpan(), -0.05f);
        }
        float after;
        using (GradMode.NoGrad())
            after = Loss(backward: false);
        Assert.True(float.IsFinite(after));
        Assert.True(after < before, $"{name}: loss {before} did not decrease after one step ({after})");
    }

    [Theory]
    [MemberData(nameof(MergeCases))]
    public void MergeLayer_ThreeInputs_KeepsContract(string name)
    {
        var (make, output) = s_mergeCases[name];
        var rng = new Rng(StableSeed.Of(name));
        var inputs = Enumerable.Range(0, 3).Select(_ => Tensor.RandomNormal([2, 3, 2, 2], rng)).ToArray();
        var layer = make();
        var y = layer.Call(inputs, training: true);
        Assert.Equal(new Shape(output), y.Shape);
        Assert.Equal(0, layer.ParameterCount);
        var (a, b, c) = (inputs[0].ToArray(), inputs[1].ToArray(), inputs[2].ToArray());
        var values = y.ToArray();
        if (layer is Add or Multiply)
        {
            for (int i = 0; i < a.Length; i++)
                Assert.Equal(layer is Add ? a[i] + b[i] + c[i] : a[i] * b[i] * c[i], values[i], 1e-6f);
        }
        else
        {
            Assert.Equal(a.Length * 3, values.Length);
            Assert.Equal(a.Concat(b).Concat(c).Order(), values.Order());
        }

        var config = layer.GetConfig();
        var copy = (MergeLayer)LayerRegistry.FromConfig(layer.TypeName,
            JsonNode.Parse(config.ToJsonString())!.AsObject());
        Assert.Equal(config.ToJsonString(), copy.GetConfig().ToJsonString());
        Assert.Equal(y.ToArray(), copy.Call(inputs).ToArray());

        // A step along the negative gradient of every input lowers a squared-error loss.
        var target = Tensor.RandomNormal(output, rng);
        foreach (var t in inputs)
            t.RequiresGrad = true;
        float Loss(bool backward)
        {
            var diff = Functional.Subtract(layer.Call(inputs, training: true), target);
            var loss = Functional.Mean(Functional.Multiply(diff, diff));
            if (backward)
                loss.Backward();
            return loss.Item();
        }
        float before = Loss(backward: true);
        foreach (var t in inputs)
        {
            Assert.NotNull(t.Grad);
            Fovea.Kernels.Elementwise.AddScaled(t.AsSpan(), t.Grad!.AsReadOnlySpan(), -0.05f);
        }
        float after;
        using (GradMode.NoGrad())
            after = Loss(backward: false);
        Assert.True(after < before, $"{name}: loss {before} did not decrease after one step ({after})");
    }

    [Fact]
    public void Multiply_DifferentShapes_ErrorNamesLayerAndShapes()
    {
        var multiply = new Multiply(name: "gate");
        var e = Assert.Throws<FoveaException>(() => multiply.Call([Tensor.Zeros([2, 4]), Tensor.Zeros([2, 3])]));
        Assert.Contains("Multiply 'gate'", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
    }

    [Fact]
    public void Multiply_HandCheckable_ArangeInputs()
    {
        var a = Tensor.FromArray([1f, 2f, 3f, 4f], [2, 2]);
        var b = Tensor.FromArray([0.5f, -1f, 2f, 0f], [2, 2]);
        Assert.Equal([0.5f, -2f, 6f, 0f], new Multiply().Call([a, b]).ToArray());
    }

    [Fact]
    public void Conv2D_WrongChannels_ErrorNamesLayerAndShapes()
    {
        var conv = new Conv2D(8, 3, name: "conv2");
        conv.Call(Tensor.Zeros([1, 32, 8, 8]));
        var e = Assert.Throws<FoveaException>(() => conv.Call(Tensor.Zeros([128, 3, 32, 32])));
        Assert.Equal("Conv2D 'conv2': expected input [N, 32, H, W], received [128, 3, 32, 32]", e.Message);
    }

    [Fact]
    public void Dense_WrongFeatures_ErrorNamesLayer()
    {
        var dense = new Dense(4, name: "head");
        dense.Call(Tensor.Zeros([2, 6]));
        var e = Assert.Throws<FoveaException>(() => dense.Call(Tensor.Zeros([2, 5])));
        Assert.Contains("Dense 'head'", e.Message);
        Assert.Contains("[2, 5]", e.Message);
    }

    [Fact]
    public void Trainable_False_FreezesWeightsAndBatchNormUsesMovingStatistics()
    {
        var bn = new BatchNormalization();
        var x = Tensor.RandomNormal([8, 2, 3, 3], new Rng(3), 5f, 2f);
        bn.Call(x, training: true);
        var meanBefore = bn.MovingMean.ToArray();
        bn.Trainable = false;
        Assert.Empty(bn.TrainableWeights);
        var y = bn.Call(x, training: true);
        Assert.Equal(meanBefore, bn.MovingMean.ToArray());
        Assert.False(y.RequiresGrad);
    }
}
