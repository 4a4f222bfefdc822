using System.Reflection;
using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Onnx;
using Fovea.Tensors;
using Fovea.Tests.Onnx;
using Fovea.Training;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Layers;

/// <summary>
/// The contract of every public layer type of Fovea and Fovea.Onnx, found by reflection, so a new layer type fails
/// here until it has a case. Each type, in one small configuration called inside a functional model, builds, runs
/// forward, takes one training step (loss backward, one SGD update: every trainable weight gets a finite gradient
/// and changes, and the gradient reaches the input), survives <see cref="Model.Save"/> / <see cref="Model.Load"/>
/// with identical outputs and a <see cref="LayerRegistry"/> config round trip, and exports to ONNX with ONNX
/// Runtime's outputs matching Fovea's (<see cref="ExportCheck"/>) — or is listed as not exportable with a reason,
/// and the exporter must refuse it. Configurations in depth: <see cref="LayerContractTests"/>,
/// <see cref="ShapeLayerTests"/>, <see cref="OnnxExportLayerTests"/>.
/// </summary>
public sealed class EveryLayerTypeTests(ITestOutputHelper output) : IDisposable
{
    private const int TrainingBatch = 4;

    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-every-layer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// One case per layer type: a factory, the sample shapes of its inputs (a merge layer gets the list; one input of
    /// a single-input layer is the tensor), the sample shape of its output, and the inputs' data for a batch
    /// (null: standard normal). Models are layers too: Sequential and a functional Model run nested. OnnxOp layers
    /// come from the importer (a Mul node with a weight).
    /// </summary>
    private sealed record Case(Func<Layer> Make, int[][] Inputs, int[] Output, Func<int, Rng, Tensor[]>? Data = null);

    private static readonly Dictionary<Type, Case> s_cases = new()
    {
        [typeof(Activation)] = new(() => new Activation(Activations.Swish), [[6]], [6]),
        [typeof(AdaptiveAveragePooling2D)] = new(() => new AdaptiveAveragePooling2D(2), [[2, 4, 6]], [2, 2, 2]),
        [typeof(Add)] = new(() => new Add(), [[3, 4], [1, 4]], [3, 4]),
        [typeof(AveragePooling2D)] = new(() => new AveragePooling2D(2), [[2, 4, 4]], [2, 2, 2]),
        [typeof(BatchNormalization)] = new(() => new BatchNormalization(), [[3, 4, 4]], [3, 4, 4]),
        [typeof(Concatenate)] = new(() => new Concatenate(), [[2, 3], [4, 3]], [6, 3]),
        [typeof(Conv2D)] = new(() => new Conv2D(4, 3, padding: Padding.Same), [[2, 5, 5]], [4, 5, 5]),
        [typeof(Dense)] = new(() => new Dense(5, Activations.Tanh), [[6]], [5]),
        [typeof(DepthwiseConv2D)] = new(() => new DepthwiseConv2D(3, padding: Padding.Same), [[2, 5, 5]], [2, 5, 5]),
        [typeof(DropPath)] = new(() => new DropPath(0.2), [[3, 4]], [3, 4]),
        [typeof(Dropout)] = new(() => new Dropout(0.3), [[6]], [6]),
        [typeof(Flatten)] = new(() => new Flatten(), [[2, 3, 2]], [12]),
        [typeof(GlobalAveragePooling2D)] = new(() => new GlobalAveragePooling2D(), [[3, 4, 4]], [3]),
        [typeof(LayerNormalization)] = new(() => new LayerNormalization(1), [[4, 3, 3]], [4, 3, 3]),
        [typeof(LeakyReLU)] = new(() => new LeakyReLU(0.2f), [[6]], [6]),
        [typeof(MaxPooling2D)] = new(() => new MaxPooling2D(2), [[2, 4, 4]], [2, 2, 2]),
        [typeof(MultiHeadAttention)] = new(() => new MultiHeadAttention(2, 3),
            [[4, 6], [5, 5], [5, 4], [4, 5]], [4, 6], AttentionData),
        [typeof(Multiply)] = new(() => new Multiply(), [[3, 4], [3, 1]], [3, 4]),
        [typeof(Permute)] = new(() => new Permute([2, 1]), [[3, 5]], [5, 3]),
        [typeof(PReLU)] = new(() => new PReLU(), [[3, 4, 4]], [3, 4, 4]),
        [typeof(LayerScale)] = new(() => new LayerScale(0.5), [[3, 4, 4]], [3, 4, 4]),
        [typeof(ReLU)] = new(() => new ReLU(), [[6]], [6]),
        [typeof(Reshape)] = new(() => new Reshape([2, -1]), [[3, 4]], [2, 6]),
        [typeof(Softmax)] = new(() => new Softmax(), [[6]], [6]),
        [typeof(Sequential)] = new(() => new Sequential(new Dense(4, Activations.Tanh), new Dropout(0.2),
            new Dense(3)), [[5]], [3]),
        [typeof(Model)] = new(NestedFunctionalModel, [[5]], [3]),
        [typeof(OnnxOp)] = new(ImportedMul, [[3, 4]], [3, 4]),
        // Issue 11, 2D layers (kept together for merging).
        [typeof(Conv2DTranspose)] = new(() => new Conv2DTranspose(3, 3, strides: 2, padding: Padding.Same),
            [[2, 4, 4]], [3, 8, 8]),
        [typeof(Cropping2D)] = new(() => new Cropping2D(((1, 0), (0, 2))), [[2, 5, 6]], [2, 4, 4]),
        [typeof(GlobalMaxPooling2D)] = new(() => new GlobalMaxPooling2D(keepDims: true), [[3, 4, 4]], [3, 1, 1]),
        [typeof(GroupNormalization)] = new(() => new GroupNormalization(groups: 2), [[4, 3, 3]], [4, 3, 3]),
        [typeof(SeparableConv2D)] = new(() => new SeparableConv2D(4, 3, padding: Padding.Same, depthMultiplier: 2),
            [[2, 5, 5]], [4, 5, 5]),
        [typeof(StochasticDepth)] = new(() => new StochasticDepth(0.2), [[3, 4]], [3, 4]), // batch mode: Layers2DTests
        [typeof(UpSampling2D)] = new(() => new UpSampling2D((2, 1), Interpolation.Bilinear), [[2, 3, 3]], [2, 6, 3]),
        [typeof(Resizing)] = new(() => new Resizing(5, 2), [[2, 3, 4]], [2, 5, 2]),
        [typeof(ZeroPadding2D)] = new(() => new ZeroPadding2D(((1, 2), (0, 1))), [[2, 3, 3]], [2, 6, 4]),
        [typeof(ZeroPadding3D)] = new(() => new ZeroPadding3D(((1, 0), (0, 2), (1, 1))), [[2, 2, 3, 3]],
            [2, 3, 5, 5]),
        // 1-D and 3-D layers (channels first: [C, L] and [C, D, H, W]) and the attention blocks SE and CBAM.
        [typeof(Conv1D)] = new(() => new Conv1D(4, 3, padding: Padding.Causal, dilationRate: 2), [[2, 7]], [4, 7]),
        [typeof(Conv3D)] = new(() => new Conv3D(4, (3, 3, 2), strides: (1, 2, 1), padding: Padding.Same,
            activation: Activations.Swish), [[2, 4, 5, 5]], [4, 4, 3, 5]),
        [typeof(MaxPooling3D)] = new(() => new MaxPooling3D((1, 2, 2)), [[2, 3, 4, 4]], [2, 3, 2, 2]),
        [typeof(AveragePooling3D)] = new(() => new AveragePooling3D(2, padding: Padding.Same), [[2, 3, 5, 4]],
            [2, 2, 3, 2]),
        [typeof(GlobalAveragePooling3D)] = new(() => new GlobalAveragePooling3D(keepDims: true), [[3, 2, 3, 3]],
            [3, 1, 1, 1]),
        [typeof(SqueezeExcitation)] = new(() => new SqueezeExcitation(null, 2), [[4, 3, 3]], [4, 3, 3]),
        [typeof(Cbam)] = new(() => new Cbam(reductionRatio: 2, kernelSize: 3), [[4, 5, 5]], [4, 5, 5]),
    };

    /// <summary>Layer types the ONNX exporter refuses, with the reason; none today. A type listed here must make
    /// <see cref="OnnxExporter"/> throw a <see cref="FoveaException"/>.</summary>
    private static readonly Dictionary<Type, string> s_notExportable = new();

    /// <summary>
    /// Trainable weights whose gradient is zero by construction, with the reason; the test checks that it is zero up
    /// to rounding instead of checking that the weight changes.
    /// </summary>
    private static readonly Dictionary<(Type Layer, string WeightSuffix), string> s_zeroGradient = new()
    {
        [(typeof(MultiHeadAttention), "key.bias")] = "a key bias adds q·bk to every logit of a query's row, and the " +
            "softmax is invariant to such a shift (as in Keras)",
    };

    public static TheoryData<string> LayerTypes => new(PublicLayerTypes().Select(t => t.Name));

    /// <summary>Every public, non-abstract subclass of <see cref="Layer"/> in Fovea and Fovea.Onnx.</summary>
    private static IEnumerable<Type> PublicLayerTypes() =>
        new[] { typeof(Layer).Assembly, typeof(OnnxOp).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsClass && !t.IsAbstract && typeof(Layer).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    [Fact]
    public void EveryPublicLayerType_HasACase()
    {
        var types = PublicLayerTypes().ToList();
        Assert.True(types.Count >= 25, $"found only {types.Count} layer types");
        var missing = types.Where(t => !s_cases.ContainsKey(t)).Select(t => t.FullName).ToList();
        Assert.True(missing.Count == 0, $"layer types without a case in {nameof(EveryLayerTypeTests)}: " +
            string.Join(", ", missing));
        var stale = s_cases.Keys.Concat(s_notExportable.Keys).Concat(s_zeroGradient.Keys.Select(k => k.Layer))
            .Except(types).Select(t => t.FullName).ToList();
        Assert.True(stale.Count == 0, "cases for types that are not public concrete layers: " +
            string.Join(", ", stale));
        Assert.Equal(types.Count, types.Select(t => t.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(LayerTypes))]
    public void LayerType_BuildsTrainsSavesAndExports(string typeName)
    {
        var type = PublicLayerTypes().Single(t => t.Name == typeName);
        Assert.True(s_cases.TryGetValue(type, out var c), $"{type.FullName} has no case: add a small instance to " +
            $"{nameof(EveryLayerTypeTests)}.{nameof(s_cases)}");
        int seed = StableSeed.Of(typeName);
        var (model, layer) = Wrap(c!, seed);
        Assert.IsType(type, layer);
        Assert.True(layer.Built, $"{layer.Describe()} is not built after its symbolic call");

        // Forward, in inference mode.
        var x = Data(c!, 2, new Rng(seed));
        var y = model.Run(x)[0];
        Assert.Equal(new Shape([2, .. c!.Output]), y.Shape);
        Assert.All(y.ToArray(), v => Assert.True(float.IsFinite(v), $"{typeName}: non-finite output"));

        TrainOneStep(model, layer, c, new Rng(seed + 1));
        SaveLoadAndConfigRoundTrip(model, layer, Data(c, 3, new Rng(seed + 2)));
        Export(model, layer, c, seed);
    }

    /// <summary>The case's layer called on fresh inputs inside a functional model, built under a fixed seed.</summary>
    private static (Model Model, Layer Layer) Wrap(Case c, int seed)
    {
        using var _ = Layer.Seeded(seed);
        var layer = c.Make();
        var inputs = c.Inputs.Select((s, i) => Input.Create(s, $"input_{i}")).ToArray();
        var y = layer is MergeLayer merge ? merge.Call(inputs) : layer.Call(inputs.Single());
        return (new Model(inputs, y, "wrapper", seed % 1000), layer);
    }

    private static Tensor[] Data(Case c, int batch, Rng rng) =>
        c.Data?.Invoke(batch, rng) ?? c.Inputs.Select(s => Tensor.RandomNormal([batch, .. s], rng)).ToArray();

    /// <summary>
    /// One step on a squared-error loss in training mode: the gradient reaches the first input and every trainable
    /// weight (finite), and one SGD update changes every trainable weight, except those with a zero gradient by
    /// construction (<see cref="s_zeroGradient"/>), whose gradient must then be zero up to rounding.
    /// </summary>
    private static void TrainOneStep(Model model, Layer layer, Case c, Rng rng)
    {
        var x = Data(c, TrainingBatch, rng);
        x[0].RequiresGrad = true;
        var diff = Functional.Subtract(model.Run(x, training: true)[0],
            Tensor.RandomNormal([TrainingBatch, .. c.Output], rng));
        Functional.Mean(Functional.Multiply(diff, diff)).Backward();

        Assert.True(x[0].Grad is not null, $"{layer.Describe()}: no gradient reached the input");
        var input = x[0].Grad!.ToArray();
        Assert.All(input, g => Assert.True(float.IsFinite(g)));
        Assert.Contains(input, g => g != 0);

        var weights = model.NamedWeights().Where(kv => kv.Value.Trainable).ToList();
        Assert.Equal(layer.TrainableWeights.Count(), weights.Count);
        var before = weights.Select(kv => kv.Value.ToArray()).ToList();
        foreach (var (name, w) in weights)
        {
            Assert.True(w.Grad is not null, $"{layer.Describe()}: weight '{name}' has no gradient");
            Assert.All(w.Grad!.ToArray(), g => Assert.True(float.IsFinite(g), $"'{name}': non-finite gradient"));
        }
        new Sgd(0.1).Step(weights.Select(kv => kv.Value));
        for (int i = 0; i < weights.Count; i++)
        {
            var (name, w) = weights[i];
            if (ZeroGradientReason(layer, name) is { } reason)
            {
                double largest = w.Grad!.ToArray().Max(g => Math.Abs((double)g));
                // Rounding only: about 5e−9 for MultiHeadAttention's key bias, whose siblings' gradients reach 0.2.
                Assert.True(largest < 1e-6, $"'{name}': gradient {largest}, expected 0 up to rounding: {reason}");
                continue;
            }
            Assert.False(before[i].SequenceEqual(w.ToArray()), $"{layer.Describe()}: one SGD step left '{name}' as " +
                "it was");
        }
    }

    private static string? ZeroGradientReason(Layer layer, string weightName) =>
        s_zeroGradient.Where(kv => kv.Key.Layer == layer.GetType() && weightName.EndsWith(kv.Key.WeightSuffix,
            StringComparison.Ordinal)).Select(kv => kv.Value).FirstOrDefault();

    /// <summary>The layer's config rebuilds an equal config through the registry, and the saved and loaded model gives
    /// the same outputs to the bit.</summary>
    private void SaveLoadAndConfigRoundTrip(Model model, Layer layer, Tensor[] x)
    {
        var config = layer.GetConfig();
        var copy = LayerRegistry.FromConfig(layer.TypeName, JsonNode.Parse(config.ToJsonString())!.AsObject());
        Assert.Equal(layer.GetType(), copy.GetType());
        Assert.Equal(config.ToJsonString(), copy.GetConfig().ToJsonString());

        string dir = Path.Combine(_dir, layer.TypeName);
        model.Save(dir);
        var loaded = Model.Load(dir);
        Assert.Single(loaded.Layers, l => l.GetType() == layer.GetType());
        var expected = model.Run(x)[0];
        Assert.Equal(expected.ToArray(), loaded.Run(x)[0].ToArray());
    }

    /// <summary>
    /// ONNX Runtime (and Fovea on the re-imported file) give the model's outputs within 1e−5 at batch 1 and 3: one
    /// small layer after a training step, on inputs of order 1 (as in <see cref="OnnxExportLayerTests"/>). A type
    /// listed as not exportable must be refused with a <see cref="FoveaException"/> naming the layer.
    /// </summary>
    private void Export(Model model, Layer layer, Case c, int seed)
    {
        if (s_notExportable.TryGetValue(layer.GetType(), out var reason))
        {
            var e = Assert.Throws<FoveaException>(() => OnnxExporter.ToBytes(model));
            Assert.Contains(layer.Describe(), e.Message);
            output.WriteLine($"{layer.TypeName}: not exportable ({reason}): {e.Message}");
            return;
        }
        Func<int, Tensor[]>? inputs = c.Data is null ? null : b => c.Data(b, new Rng(seed + 10 + b));
        var result = ExportCheck.Run(model, 1e-5, [1, 3], layer.TypeName, inputs);
        output.WriteLine($"{layer.TypeName}: {result}");
    }

    /// <summary>Query, value and key (standard normal) and a 0/1 attention mask with about a third of the keys
    /// hidden.</summary>
    private static Tensor[] AttentionData(int batch, Rng rng)
    {
        var mask = Tensor.RandomUniform([batch, 4, 5], rng).ToArray().Select(u => u < 0.35f ? 0f : 1f).ToArray();
        return [Tensor.RandomNormal([batch, 4, 6], rng), Tensor.RandomNormal([batch, 5, 5], rng),
            Tensor.RandomNormal([batch, 5, 4], rng), Tensor.FromArray(mask, [batch, 4, 5])];
    }

    /// <summary>A functional model of two Dense branches added, to run nested as a layer.</summary>
    private static Model NestedFunctionalModel()
    {
        var x = Input.Create([5], "features");
        var y = new Add().Call([new Dense(3).Call(x), new Dense(3, Activations.Tanh).Call(x)]);
        return new Model(x, y, "nested");
    }

    /// <summary>The OnnxOp the importer makes of a Mul node with a weight w [4]: x [N, 3, 4] · w.</summary>
    private static Layer ImportedMul()
    {
        var bytes = new OnnxModelBuilder().Input("x", 1, 3, 4).Initializer("w", [4]).Node("Mul", ["x", "w"], ["y"])
            .Output("y").Bytes();
        return OnnxImporter.Load(bytes, "mul.onnx").Layers.OfType<OnnxOp>().Single();
    }
}
