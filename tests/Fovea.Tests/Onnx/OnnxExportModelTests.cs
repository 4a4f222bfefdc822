using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Models.Zoo;
using Fovea.Onnx;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Onnx;

/// <summary>
/// Whole models exported to ONNX: the zoo, functional graphs with branches, merges, shared layers, several inputs and
/// outputs and a frozen nested model, and a trained model; ONNX Runtime and the re-imported file must give Fovea's
/// outputs at batch 1 and 3. Also the file's interface (names, symbolic batch), failures that name the layer, and
/// the atomic write.
/// </summary>
public sealed class OnnxExportModelTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-export-models-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Zoo models with their own initialisation and random BatchNormalization parameters and statistics.
    /// Tolerances: 1e−5 for the small CNNs (a handful of layers, outputs of order 1 or softmax probabilities); 1e−4
    /// for the ResNets, whose logits (order 10 after 18 to 50 layers) carry float32 rounding from thousands of
    /// differently ordered sums per output (measured about 1e−5). ResNet-34 and -50 (21 and 24 million weights)
    /// are not re-imported, to keep the test short: ResNet-18 checks the re-import of the same layer types.
    /// </summary>
    public static TheoryData<string> ZooCases => new(s_zoo.Keys);

    private static readonly Dictionary<string, (Func<Model> Make, double Tolerance, bool RoundTrip)> s_zoo = new()
    {
        ["LeNet5"] = (() => LeNet5.Create(inputShape: [1, 28, 28]), 1e-5, true),
        ["LeNet5 softmax"] = (() => LeNet5.Create(softmax: true, inputShape: [1, 28, 28]), 1e-5, true),
        ["ReferenceCnn"] = (() => ReferenceCnn.Create(inputShape: [1, 28, 28]), 1e-5, true),
        ["CompactCnn"] = (() => CompactCnn.Create(inputShape: [3, 32, 32]), 1e-5, true),
        ["ResNet18"] = (() => ResNet.ResNet18(classes: 10, inputShape: [3, 64, 64]), 1e-4, true),
        ["ResNet18 without top"] = (() => ResNet.ResNet18(includeTop: false, inputShape: [3, 32, 32]), 1e-4, false),
        ["ResNet34"] = (() => ResNet.ResNet34(classes: 10, inputShape: [3, 32, 32]), 1e-4, false),
        ["ResNet50"] = (() => ResNet.ResNet50(classes: 10, inputShape: [3, 32, 32]), 1e-4, false),
    };

    [Theory]
    [MemberData(nameof(ZooCases))]
    public void ZooModel_ExportMatchesOnnxRuntimeAndReimport(string name)
    {
        var (make, tolerance, roundTrip) = s_zoo[name];
        var model = make();
        RandomizeBatchNorm(model, new Rng(name.Length));
        var result = ExportCheck.Run(model, tolerance, [1, 3], name, roundTrip: roundTrip);
        output.WriteLine($"{name}: {result}");
    }

    /// <summary>
    /// Two inputs through one frozen base model (called twice with training: false), a shared 1×1 convolution,
    /// Add, Multiply and Concatenate merges, a nested Sequential block, and two outputs. Tolerance 1e−5: a few
    /// layers, outputs of order 1.
    /// </summary>
    [Fact]
    public void FunctionalModel_BranchesSharedLayersNestedFrozenBase_MatchOnnxRuntime()
    {
        var model = BranchyModel();
        var result = ExportCheck.Run(model, 1e-5, [1, 3], "branchy functional model");
        output.WriteLine($"branchy functional model: {result}");
    }

    /// <summary>A trained model (batch statistics moved away from 0 and 1 by Fit). Tolerance 1e−5: four layers,
    /// softmax outputs.</summary>
    [Fact]
    public void TrainedModel_ExportMatchesOnnxRuntime()
    {
        var model = new Sequential([
            new Conv2D(8, 3, padding: Padding.Same), new BatchNormalization(momentum: 0.5f), new ReLU(),
            new MaxPooling2D(2), new Conv2D(8, 3), new BatchNormalization(momentum: 0.5f),
            new Activation(Activations.Swish), new Dropout(0.2), new GlobalAveragePooling2D(),
            new Dense(4, Activations.Softmax),
        ], "trained", seed: 1, inputShape: [2, 10, 10]);
        var rng = new Rng(9);
        var x = Tensor.RandomNormal([64, 2, 10, 10], rng, 0.5f, 2f);
        var y = Tensor.Zeros([64]);
        for (int i = 0; i < 64; i++)
            y[i] = i % 4;
        model.Compile(new Adam(0.01), Losses.SparseCategoricalCrossentropy());
        model.Fit(x, y, epochs: 3, batchSize: 16, verbose: 0);
        var bn = (BatchNormalization)model.Layers[1];
        Assert.True(bn.MovingMean.ToArray().Any(v => Math.Abs(v) > 0.05), "Fit left the moving mean near 0");
        Assert.True(bn.MovingVariance.ToArray().Any(v => Math.Abs(v - 1) > 0.05),
            "Fit left the moving variance near 1");
        var result = ExportCheck.Run(model, 1e-5, [1, 3], "trained model");
        output.WriteLine($"trained model: {result}");
    }

    [Fact]
    public void Export_NamesInputsOutputsAndMakesTheBatchSymbolic()
    {
        string path = Path.Combine(_dir, "branchy.onnx");
        BranchyModel().SaveOnnx(path);
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal("Fovea", proto.ProducerName);
        Assert.Equal(OnnxExporter.Opset, proto.OpsetImport.Single().Version);
        Assert.Equal(["left", "right"], proto.Graph.Input.Select(i => i.Name));
        Assert.Equal(["classes", "features"], proto.Graph.Output.Select(o => o.Name));
        var dims = proto.Graph.Input[0].Type.TensorType.Shape.Dim;
        Assert.Equal("N", dims[0].DimParam);
        Assert.Equal([3L, 8L, 8L], dims.Skip(1).Select(d => d.DimValue));
        Assert.Equal("N", proto.Graph.Output[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Contains(proto.Graph.Initializer, t => t.Name == "base.stem.kernel");
        Assert.Single(proto.Graph.Initializer, t => t.Name == "shared.kernel");

        string renamed = Path.Combine(_dir, "renamed.onnx");
        OnnxExporter.Save(BranchyModel(), renamed, new OnnxExportOptions
        {
            InputNames = ["x0", "x1"], OutputNames = ["p", "f"], BatchDimension = "batch",
        });
        proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(renamed));
        Assert.Equal(["x0", "x1"], proto.Graph.Input.Select(i => i.Name));
        Assert.Equal(["p", "f"], proto.Graph.Output.Select(o => o.Name));
        Assert.Equal("batch", proto.Graph.Input[1].Type.TensorType.Shape.Dim[0].DimParam);
        var sequential = LeNet5.Create(inputShape: [1, 28, 28]);
        proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(sequential));
        Assert.Equal("input", proto.Graph.Input.Single().Name);
        Assert.Equal("output", proto.Graph.Output.Single().Name);
    }

    /// <summary>
    /// ONNX Runtime with its default graph optimisations (Conv-BatchNorm folding, activation fusion), as users run
    /// files, gives Fovea's outputs too. Tolerance 1e−4: folding BatchNormalization into the convolution weights
    /// rounds differently from normalising after it, on ResNet-18 logits of order 10.
    /// </summary>
    [Fact]
    public void Export_RunsWithOnnxRuntimeGraphOptimizations()
    {
        var model = ResNet.ResNet18(classes: 10, inputShape: [3, 32, 32]);
        RandomizeBatchNorm(model, new Rng(2));
        string path = Path.Combine(_dir, "resnet18.onnx");
        model.SaveOnnx(path);
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path, options);
        var x = Tensor.RandomNormal([2, 3, 32, 32], new Rng(8));
        var expected = model.Predict(x);
        var actual = OrtReference.Run(session, x)[0];
        output.WriteLine($"ResNet-18, ORT_ENABLE_ALL: max |Fovea − ORT| {ExportCheck.MaxDiff(expected, actual):G3}");
        TensorAssert.Close(expected.ToArray(), actual.ToArray(), 1e-4, 0, "ResNet-18 with ORT optimisations");
    }

    /// <summary>A layer type without an export (here a user-defined one) fails naming the layer.</summary>
    [Fact]
    public void UnknownLayerType_FailsNamingTheLayer()
    {
        var model = new Sequential([new Dense(3, name: "head"), new Doubling(name: "twice")], "custom",
            inputShape: [4]);
        var e = Assert.Throws<FoveaException>(() => OnnxExporter.ToBytes(model));
        Assert.Contains("Doubling 'twice'", e.Message);
        Assert.Contains("no ONNX export", e.Message);
        Assert.Contains("'custom'", e.Message);
    }

    [Fact]
    public void UnbuiltModelOrBadOptions_FailSayingWhy()
    {
        var model = new Sequential([new Dense(3)], "unbuilt");
        var e = Assert.Throws<FoveaException>(() => OnnxExporter.ToBytes(model));
        Assert.Contains("'unbuilt' is not built", e.Message);
        var built = new Sequential([new Dense(3)], "built", inputShape: [4]);
        e = Assert.Throws<FoveaException>(() => OnnxExporter.ToBytes(built, new OnnxExportOptions
        {
            InputNames = ["a", "b"],
        }));
        Assert.Contains("InputNames has 2 names, expected 1", e.Message);
        e = Assert.Throws<FoveaException>(() => OnnxExporter.ToBytes(built, new OnnxExportOptions
        {
            InputNames = ["x"], OutputNames = ["x"],
        }));
        Assert.Contains("'x' is given twice", e.Message);
    }

    /// <summary>
    /// A failed export leaves an existing file exactly as it was and no temporary file; a successful one replaces it
    /// and leaves nothing else in the folder.
    /// </summary>
    [Fact]
    public void Save_IsAtomic_FailureLeavesTargetUnchanged()
    {
        string path = Path.Combine(_dir, "model.onnx");
        File.WriteAllText(path, "previous content");
        var bad = new Sequential([new Dense(3), new Doubling(name: "twice")], "custom", inputShape: [4]);
        Assert.Throws<FoveaException>(() => bad.SaveOnnx(path));
        Assert.Equal("previous content", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));

        var good = LeNet5.Create(inputShape: [1, 28, 28]);
        good.SaveOnnx(path);
        Assert.Equal([path], Directory.GetFiles(_dir));
        Assert.Equal(OnnxExporter.ToBytes(good), File.ReadAllBytes(path));
    }

    /// <summary>
    /// The model of <see cref="FunctionalModel_BranchesSharedLayersNestedFrozenBase_MatchOnnxRuntime"/>; random
    /// weights and batch statistics.
    /// </summary>
    private static Model BranchyModel()
    {
        var image = Input.Create([3, 8, 8], "image");
        var b = new Conv2D(4, 3, padding: Padding.Same, name: "stem").Call(image);
        b = new BatchNormalization(name: "bn").Call(b);
        b = new ReLU(name: "relu").Call(b);
        b = new MaxPooling2D(2, name: "pool").Call(b);
        var baseModel = new Model(image, b, "base", seed: 2) { Trainable = false };

        var left = Input.Create([3, 8, 8], "left");
        var right = Input.Create([3, 8, 8], "right");
        var fl = baseModel.Call(left, training: false);
        var fr = baseModel.Call(right, training: false);
        var shared = new Conv2D(4, 1, activation: Activations.Tanh, name: "shared");
        var sl = shared.Call(fl);
        var sr = shared.Call(fr);
        var sum = new Add(name: "sum").Call([sl, sr, fl]);
        var product = new Multiply(name: "product").Call([sl, sr]);
        var block = new Sequential([new DepthwiseConv2D(3, padding: Padding.Same), new LeakyReLU(0.1f)],
            name: "block");
        var cat = new Concatenate(name: "cat").Call([sum, block.Call(product)]);
        var pooled = new GlobalAveragePooling2D(name: "gap").Call(cat);
        var classes = new Dense(3, Activations.Softmax, name: "classes").Call(pooled);
        var features = new Dense(5, name: "features").Call(new Flatten(name: "flat").Call(product));
        var model = new Model([left, right], [classes, features], "branchy", seed: 4);
        OnnxExportLayerTests.RandomizeWeights(model, new Rng(12));
        return model;
    }

    /// <summary>
    /// BatchNormalization parameters and statistics replaced with random values in a trained network's range (γ and
    /// the moving variance in [0.5, 1.5], β and the moving mean around 0 with deviation 0.2). The last normalisation
    /// of each ResNet residual branch gets γ in [0.1, 0.3], as trained ResNets have it small, so that the residual
    /// sums do not double the activations block after block (the logits stay of order 10).
    /// </summary>
    private static void RandomizeBatchNorm(Model model, Rng rng)
    {
        var weights = model.NamedWeights();
        var branchEnds = weights.Select(kv => Regex.Match(kv.Key, @"^(layer\d+\.\d+)\.bn(\d)\.gamma$"))
            .Where(m => m.Success).GroupBy(m => m.Groups[1].Value)
            .Select(g => $"{g.Key}.bn{g.Max(m => m.Groups[2].Value)}.gamma").ToHashSet();
        foreach (var (name, w) in weights)
        {
            Tensor? values = name.Split('.')[^1] switch
            {
                "gamma" when branchEnds.Contains(name) => Tensor.RandomUniform(w.Shape, rng, 0.1f, 0.3f),
                "gamma" or "moving_variance" => Tensor.RandomUniform(w.Shape, rng, 0.5f, 1.5f),
                "beta" or "moving_mean" => Tensor.RandomNormal(w.Shape, rng, 0f, 0.2f),
                _ => null,
            };
            if (values is not null)
                w.Assign(values.AsReadOnlySpan());
        }
    }

    /// <summary>A layer Fovea does not know how to export.</summary>
    private sealed class Doubling(string? name = null) : Layer(name)
    {
        protected override Tensor Forward(Tensor x, bool training) => Fovea.Autograd.Functional.Multiply(x, 2f);

        public override JsonObject GetConfig() => base.GetConfig();
    }
}
