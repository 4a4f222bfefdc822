using System.Reflection;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Onnx;

/// <summary>
/// Every single-input Fovea layer type, in several configurations, exported to ONNX: ONNX Runtime and the re-imported
/// file give Fovea's inference-mode outputs at batch 1 and batch 3 (MultiHeadAttention: OnnxExportAttentionTests).
/// Weights are random (BatchNormalization statistics too, with positive variances), so no parameter sits at a trivial
/// value. Tolerance 1e−5 absolute unless a case says otherwise: one layer on standard normal inputs computes sums of at
/// most a few hundred O(1) products, whose float32 rounding differs between Fovea's and ONNX Runtime's summation
/// orders by about 1e−6.
/// </summary>
public sealed class OnnxExportLayerTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Cases => new(s_cases.Keys);

    private static readonly Dictionary<string, (Func<Layer> Make, int[] Input)> s_cases = new()
    {
        ["Conv2D valid"] = (() => new Conv2D(4, 3), [3, 7, 6]),
        ["Conv2D same stride 2 odd input"] = (() => new Conv2D(4, 3, strides: 2, padding: Padding.Same), [3, 7, 7]),
        ["Conv2D same stride 2 even input"] = (() => new Conv2D(3, 4, strides: 2, padding: Padding.Same), [2, 8, 6]),
        ["Conv2D same stride 1 even kernel"] = (() => new Conv2D(2, 2, padding: Padding.Same), [2, 5, 5]),
        ["Conv2D explicit asymmetric"] = (() => new Conv2D(2, 3, padding: Padding.Explicit(1, 2, 0, 1)), [2, 5, 5]),
        ["Conv2D dilated same"] = (() => new Conv2D(2, 3, dilationRate: 2, padding: Padding.Same, useBias: false),
            [2, 7, 7]),
        ["Conv2D dilated (2, 1) valid"] = (() => new Conv2D(2, 3, dilationRate: (2, 1)), [2, 8, 6]),
        ["Conv2D grouped relu"] = (() => new Conv2D(4, (1, 3), groups: 2, activation: Activations.Relu), [4, 3, 5]),
        ["Conv2D (1, 7) strides (2, 1) swish"] = (() => new Conv2D(3, (1, 7), strides: (2, 1), padding: Padding.Same,
            activation: Activations.Swish), [2, 6, 9]),
        ["Conv2D tanh no bias"] = (() => new Conv2D(3, 3, padding: 1, useBias: false,
            activation: Activations.Tanh), [2, 4, 4]),
        ["Conv2D leaky relu"] = (() => new Conv2D(3, 1, activation: Activations.LeakyRelu(0.1f)), [2, 4, 4]),
        ["Conv2D softmax"] = (() => new Conv2D(3, 1, activation: Activations.Softmax), [2, 3, 4]),
        ["DepthwiseConv2D same multiplier 2"] = (() => new DepthwiseConv2D(3, padding: Padding.Same,
            depthMultiplier: 2), [3, 5, 5]),
        ["DepthwiseConv2D stride 2 sigmoid"] = (() => new DepthwiseConv2D(3, strides: 2,
            activation: Activations.Sigmoid), [4, 9, 8]),
        ["Dense"] = (() => new Dense(5), [7]),
        ["Dense relu no bias"] = (() => new Dense(4, Activations.Relu, useBias: false), [6]),
        ["Dense softmax"] = (() => new Dense(4, Activations.Softmax), [6]),
        ["Dense on rank 3 swish"] = (() => new Dense(3, Activations.Swish), [4, 6]),
        ["Dense on rank 4 no bias"] = (() => new Dense(3, useBias: false), [2, 3, 5]),
        ["BatchNormalization 4-D"] = (() => new BatchNormalization(), [3, 4, 4]),
        ["BatchNormalization dense eps 1e-5"] = (() => new BatchNormalization(momentum: 0.9f, epsilon: 1e-5f), [6]),
        ["BatchNormalization 3-D"] = (() => new BatchNormalization(), [3, 5]),
        ["ReLU"] = (() => new ReLU(), [3, 4, 4]),
        ["LeakyReLU"] = (() => new LeakyReLU(0.2f), [5]),
        ["PReLU 4-D"] = (() => new PReLU(), [3, 4, 4]),
        ["PReLU dense"] = (() => new PReLU(), [5]),
        ["PReLU 3-D"] = (() => new PReLU(), [3, 6]),
        ["Softmax dense"] = (() => new Softmax(), [6]),
        ["Softmax 4-D (last axis)"] = (() => new Softmax(), [2, 3, 5]),
        ["MaxPooling2D 2"] = (() => new MaxPooling2D(2), [3, 5, 4]),
        ["MaxPooling2D 3/2 same odd"] = (() => new MaxPooling2D(3, 2, Padding.Same), [2, 7, 7]),
        ["MaxPooling2D 3/2 same even"] = (() => new MaxPooling2D(3, 2, Padding.Same), [2, 8, 6]),
        ["MaxPooling2D 3/2 padding 1"] = (() => new MaxPooling2D(3, 2, padding: 1), [2, 7, 7]),
        ["MaxPooling2D (2, 3) strides (1, 2)"] = (() => new MaxPooling2D((2, 3), (1, 2)), [2, 5, 7]),
        ["AveragePooling2D 2/1"] = (() => new AveragePooling2D(2, 1), [2, 4, 4]),
        ["AveragePooling2D 3/2 same (padding not counted)"] = (() => new AveragePooling2D(3, 2, Padding.Same),
            [2, 8, 8]),
        ["AveragePooling2D 3/1 same"] = (() => new AveragePooling2D(3, 1, Padding.Same), [2, 5, 4]),
        ["AveragePooling2D explicit padding"] = (() => new AveragePooling2D(3, 2, Padding.Explicit(1, 2, 1, 0)),
            [2, 6, 6]),
        ["GlobalAveragePooling2D"] = (() => new GlobalAveragePooling2D(), [3, 5, 4]),
        ["Flatten 4-D"] = (() => new Flatten(), [3, 2, 2]),
        ["Flatten 2-D"] = (() => new Flatten(), [5]),
        ["Dropout"] = (() => new Dropout(0.5), [3, 4, 4]),
        ["DropPath"] = (() => new DropPath(0.3), [3, 4, 4]),
        ["Activation linear"] = (() => new Activation(Activations.Linear), [6]),
        ["Activation relu"] = (() => new Activation(Activations.Relu), [2, 3, 3]),
        ["Activation swish"] = (() => new Activation(Activations.Swish), [2, 3, 3]),
        ["Activation silu"] = (() => new Activation(Activations.Silu), [6]),
        ["Activation sigmoid"] = (() => new Activation(Activations.Sigmoid), [6]),
        ["Activation tanh"] = (() => new Activation(Activations.Tanh), [2, 3, 3]),
        ["Activation softmax"] = (() => new Activation(Activations.Softmax), [2, 3, 5]),
        ["Activation leaky_relu 0.2"] = (() => new Activation(Activations.LeakyRelu()), [6]),
        ["Activation leaky_relu 0.05"] = (() => new Activation(Activations.LeakyRelu(0.05f)), [2, 3, 3]),
        ["Activation gelu"] = (() => new Activation(Activations.Gelu()), [2, 3, 3]),
        ["Activation gelu_tanh"] = (() => new Activation(Activations.Gelu(approximate: true)), [2, 3, 3]),
        ["Activation hard_sigmoid"] = (() => new Activation(Activations.HardSigmoid), [2, 3, 3]),
        ["Activation hard_swish"] = (() => new Activation(Activations.HardSwish), [2, 3, 3]),
        ["Activation mish"] = (() => new Activation(Activations.Mish), [6]),
        ["Activation elu 1"] = (() => new Activation(Activations.Elu()), [2, 3, 3]),
        ["Activation elu 0.5"] = (() => new Activation(Activations.Elu(0.5f)), [6]),
        ["Activation selu"] = (() => new Activation(Activations.Selu), [2, 3, 3]),
        ["Activation softplus"] = (() => new Activation(Activations.Softplus), [6]),
        ["Activation relu6"] = (() => new Activation(Activations.Relu6), [6]),
        ["Conv2D gelu"] = (() => new Conv2D(3, 3, padding: Padding.Same, activation: Activations.Gelu()), [2, 4, 4]),
        ["Dense hard_swish"] = (() => new Dense(4, Activations.HardSwish), [6]),
        ["GlobalAveragePooling2D keepDims"] = (() => new GlobalAveragePooling2D(keepDims: true), [3, 4, 5]),
        ["GlobalMaxPooling2D"] = (() => new GlobalMaxPooling2D(), [3, 4, 5]),
        ["ZeroPadding2D ((2, 0), (1, 3))"] = (() => new ZeroPadding2D(((2, 0), (1, 3))), [2, 3, 4]),
        ["Cropping2D ((0, 1), (2, 1))"] = (() => new Cropping2D(((0, 1), (2, 1))), [2, 4, 5]),
        ["UpSampling2D nearest (2, 3)"] = (() => new UpSampling2D((2, 3)), [2, 3, 4]),
        ["UpSampling2D bilinear (3, 2)"] = (() => new UpSampling2D((3, 2), Interpolation.Bilinear), [2, 3, 4]),
        ["Conv2DTranspose valid stride 2"] = (() => new Conv2DTranspose(3, 3, strides: 2), [2, 4, 4]),
        ["Conv2DTranspose same even kernel relu"] = (() => new Conv2DTranspose(3, 4, strides: 2, padding: Padding.Same,
            activation: Activations.Relu), [2, 4, 5]),
        ["Conv2DTranspose kernel below stride"] = (() => new Conv2DTranspose(2, 2, strides: 3), [2, 3, 3]),
        ["Conv2DTranspose same output padding"] = (() => new Conv2DTranspose(2, 3, strides: 2, padding: Padding.Same,
            outputPadding: 1), [3, 4, 4]),
        ["Conv2DTranspose explicit (PyTorch) dilation 2"] = (() => new Conv2DTranspose(2, (3, 2), strides: (2, 1),
            padding: Padding.Explicit(1, 0, 2, 1), outputPadding: (1, 0), dilationRate: 2, useBias: false), [3, 4, 4]),
        ["SeparableConv2D same stride 2 multiplier 2"] = (() => new SeparableConv2D(4, 3, strides: 2,
            padding: Padding.Same, depthMultiplier: 2, activation: Activations.HardSwish), [3, 7, 6]),
        ["SeparableConv2D valid no bias"] = (() => new SeparableConv2D(2, (3, 2), useBias: false), [3, 5, 5]),
        ["GroupNormalization 2 groups"] = (() => new GroupNormalization(2), [4, 3, 3]),
        ["GroupNormalization rank 3 no center"] = (() => new GroupNormalization(3, center: false), [6, 5]),
        ["GroupNormalization neither"] = (() => new GroupNormalization(1, center: false, scale: false), [4, 2, 2]),
        ["StochasticDepth batch"] = (() => new StochasticDepth(0.3, StochasticDepthMode.Batch), [3, 4]),
        ["Reshape [3, -1]"] = (() => new Reshape([3, -1]), [3, 2, 2]),
        ["Reshape SE [6, 1, 1]"] = (() => new Reshape([6, 1, 1]), [6]),
        ["Reshape to [-1]"] = (() => new Reshape([-1]), [2, 3, 2]),
        ["Permute NHWC [2, 3, 1]"] = (() => new Permute([2, 3, 1]), [3, 4, 5]),
        ["Permute [2, 1]"] = (() => new Permute([2, 1]), [4, 6]),
        ["Permute [3, 1, 2]"] = (() => new Permute([3, 1, 2]), [2, 3, 4]),
        ["LayerNormalization last axis"] = (() => new LayerNormalization(), [5, 8]),
        ["LayerNormalization dense eps 1e-6"] = (() => new LayerNormalization(epsilon: 1e-6f), [7]),
        ["LayerNormalization channels (axis 1 of NCHW)"] = (() => new LayerNormalization(1, 1e-6f), [4, 3, 5]),
        ["LayerNormalization whole sample [1, 2, 3]"] = (() => new LayerNormalization([1, 2, 3]), [4, 3, 5]),
        ["LayerNormalization axes [3, 1] no center"] = (() => new LayerNormalization([3, 1], center: false),
            [3, 2, 4]),
        ["LayerNormalization [-1, 1] no scale"] = (() => new LayerNormalization([-1, 1], scale: false), [3, 4]),
        ["LayerNormalization axis 2 neither center nor scale"] = (() => new LayerNormalization(2, center: false,
            scale: false), [3, 4, 5]),
    };

    /// <summary>
    /// Cases whose tolerance differs from <see cref="Tolerance"/>: Reshape and Permute move values without arithmetic,
    /// so ONNX Runtime must give Fovea's floats exactly. (LayerNormalization keeps 1e−5: mean and variance over at
    /// most 60 standard normal values are summed in another order by ONNX Runtime; measured up to 3.6e−7.)
    /// </summary>
    private static readonly Dictionary<string, double> s_tolerances = new()
    {
        ["Reshape [3, -1]"] = 0, ["Reshape SE [6, 1, 1]"] = 0, ["Reshape to [-1]"] = 0,
        ["Permute NHWC [2, 3, 1]"] = 0, ["Permute [2, 1]"] = 0, ["Permute [3, 1, 2]"] = 0,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_ExportMatchesOnnxRuntimeAndReimport(string name)
    {
        var (make, input) = s_cases[name];
        var model = new Sequential([make()], "single_layer", seed: 3, inputShape: input);
        RandomizeWeights(model, new Rng(name.Length));
        var result = ExportCheck.Run(model, s_tolerances.GetValueOrDefault(name, Tolerance), [1, 3], name);
        output.WriteLine($"{name}: {result}");
    }

    /// <summary>Every member of <see cref="Activations"/> has an export case above.</summary>
    [Fact]
    public void EveryActivation_HasAnExportCase()
    {
        var names = typeof(Activations).GetProperties(BindingFlags.Public | BindingFlags.Static)
            .Where(p => p.PropertyType == typeof(ActivationFunction))
            .Select(p => ((ActivationFunction)p.GetValue(null)!).Name)
            .Append(Activations.LeakyRelu().Name)
            .Append(Activations.Gelu().Name)
            .Append(Activations.Gelu(approximate: true).Name)
            .Append(Activations.Elu().Name)
            .ToList();
        Assert.Equal(17, names.Count);
        foreach (string activation in names)
            Assert.Contains($"Activation {activation}", string.Join("|", s_cases.Keys));
    }

    /// <summary>Replaces every weight with random values: N(0, 0.5²), and U(0.5, 1.5) for moving variances.</summary>
    internal static void RandomizeWeights(Model model, Rng rng)
    {
        foreach (var (name, w) in model.NamedWeights())
        {
            var values = name.EndsWith("moving_variance", StringComparison.Ordinal)
                ? Tensor.RandomUniform(w.Shape, rng, 0.5f, 1.5f)
                : Tensor.RandomNormal(w.Shape, rng, 0f, 0.5f);
            w.Assign(values.AsReadOnlySpan());
        }
    }
}
