using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Onnx;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;
using Google.Protobuf;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Onnx;

/// <summary>
/// Models imported from ONNX, exported again: every conformance case of tests/data/onnx-conformance (their canonical
/// ops cover what the importer produces), light model graphs with random weights, and the pretrained ResNet-18.
/// ONNX Runtime on the exported file and Fovea's importer on it must give the imported model's outputs.
/// </summary>
public sealed class OnnxExportImportedTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> ConformanceCases() => OnnxConformanceTests.Cases();

    /// <summary>
    /// One conformance case, run on its own inputs (these graphs are written for fixed shapes). Tolerance: 1e−5
    /// absolute plus 1e−6 relative — single ops whose outputs reach 10³ (exp, pow, sums), where float32 carries
    /// 1e−4 of rounding, so the relative part lets such values differ by their last bits.
    /// </summary>
    [Theory]
    [MemberData(nameof(ConformanceCases))]
    public void ConformanceCase_ExportMatchesOnnxRuntimeAndReimport(string suite, string name)
    {
        string dir = Path.Combine(ConformanceData.Root, suite, name);
        var model = OnnxImporter.Load(Path.Combine(dir, "model.onnx"));
        var (inputs, _) = ConformanceData.DataSet(dir);
        Tensor[] expected;
        using (GradMode.NoGrad())
            expected = model.Run(inputs);
        var bytes = OnnxExporter.ToBytes(model);
        var declared = ModelProto.Parser.ParseFrom(bytes).Graph.Output
            .Select(o => o.Type.TensorType.Shape.Dim.ToArray()).ToArray();
        string temp = Directory.CreateTempSubdirectory("fovea-export-case-").FullName;
        try
        {
            string path = Path.Combine(temp, "model.onnx");
            File.WriteAllBytes(path, bytes);
            var ort = OrtReference.Run(path, inputs);
            // The file's batch axis is symbolic: re-import it for the case's batch, as the original was written.
            var options = new OnnxImportOptions { BatchSize = inputs[0].Shape[0] };
            Tensor[] again;
            using (GradMode.NoGrad())
                again = OnnxImporter.Load(path, options).Run(inputs);
            Assert.Equal(expected.Length, ort.Length);
            Assert.Equal(expected.Length, again.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i].Shape, ort[i].Shape);
                Assert.Equal(expected[i].Shape, again[i].Shape);
                ExportCheck.CheckDeclared(declared[i], ort[i].Shape, inputs[0].Shape[0], name);
                output.WriteLine($"{name} output {i} {expected[i].Shape}: max |Fovea − ORT| " +
                    $"{ExportCheck.MaxDiff(expected[i], ort[i]):G3}, re-import {ExportCheck.MaxDiff(expected[i],
                        again[i]):G3}");
                Close(expected[i], ort[i], $"{name} ORT output {i}");
                Close(expected[i], again[i], $"{name} re-imported output {i}");
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>
    /// Light model graphs with random weights (as in <see cref="LightModelTests"/>): the three that run in a few
    /// seconds, which between them hold every layer type and op of the nine but the elementwise Add and Mul of
    /// DenseNet-121 and Inception v2 (which the conformance cases cover): SqueezeNet (fire modules, global pooling),
    /// ShuffleNet (channel shuffle by reshape and transpose, sums, batch normalisation) and Inception v1
    /// (concatenations, LRN, average pooling, flatten and Gemm). AlexNet, ZFNet, VGG-19 (61 to 144 million weights),
    /// ResNet-50 and DenseNet-121 take 10 to 50 s each here. The final softmax is removed, as random weights saturate
    /// it to one-hot outputs that would hide differences; the logits are compared instead. Random weights also let
    /// activations grow to 10⁶ (ShuffleNet), so the tolerance is 1e−5 of the largest |logit|: float32 sums of terms
    /// that large round at about 1e−7 of them per operation.
    /// </summary>
    public static TheoryData<string> LightModels() =>
        new("light_squeezenet.onnx", "light_shufflenet.onnx", "light_inception_v1.onnx");

    [Theory]
    [MemberData(nameof(LightModels))]
    public void LightModel_RandomWeights_ExportMatchesOnnxRuntime(string file)
    {
        var proto = LightModelTests.WithRandomWeights(File.ReadAllBytes(Path.Combine(ConformanceData.Root, "light",
            file)), 11);
        var last = proto.Graph.Node.Single(n => n.Output.Contains(proto.Graph.Output[0].Name));
        Assert.Equal("Softmax", last.OpType);
        proto.Graph.Output[0].Name = last.Input[0];
        proto.Graph.Node.Remove(last);
        var model = OnnxImporter.Load(proto.ToByteArray(), file);
        var result = ExportCheck.Run(model, 1e-5, [1, 3], file, b => [Tensor.RandomUniform(
            model.Inputs[0].Example.Shape.With(0, b), new Rng(b))], scaled: true);
        output.WriteLine($"{file}: {result}");
    }

    /// <summary>
    /// The pretrained ResNet-18 (CNTK export, opset 8, fixed batch 1) imported and exported: the file runs with a
    /// symbolic batch and gives the features Fovea gives, at batch 1 and 3. Tolerance 1e−4, as for the import
    /// (<see cref="ResNet18ImportTests"/>): features of order 1 after 18 layers of 3×3 convolutions over 224×224
    /// images.
    /// </summary>
    [Fact]
    public void PretrainedResNet18_ExportMatchesOnnxRuntimeAtBatch1And3()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
        Assert.True(File.Exists(path), $"{path} is missing (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1)");
        var model = OnnxImporter.Load(path);
        var result = ExportCheck.Run(model, 1e-4, [1, 3], "ResNet-18", b => [ResNet18ImportTests.Images(b, 5)]);
        output.WriteLine($"pretrained ResNet-18 re-exported: {result}");
    }

    /// <summary>
    /// Transfer learning as DESIGN.md shows it: the imported ResNet-18, frozen, called with training: false inside a
    /// functional model with a new head (global pooling, Dense with softmax). The nested imported ops take the batch
    /// from the nested model's input. Tolerance 1e−5: softmax probabilities over 10 classes from features of order 1.
    /// </summary>
    [Fact]
    public void TransferModelWithImportedFrozenBase_ExportMatchesOnnxRuntime()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
        var baseModel = OnnxImporter.Load(path);
        baseModel.Trainable = false;
        var x = Input.Create([3, 224, 224], "image");
        var y = baseModel.Call(x, training: false);
        y = new GlobalAveragePooling2D(name: "pool").Call(y);
        y = new Dense(10, Activations.Softmax, name: "head").Call(y);
        var model = new Model(x, y, "transfer");
        var result = ExportCheck.Run(model, 1e-5, [1, 2], "transfer model", b => [ResNet18ImportTests.Images(b, 6)],
            roundTrip: false);
        output.WriteLine($"ResNet-18 transfer model: {result}");
    }

    /// <summary>
    /// An imported graph whose shapes follow the batch through arithmetic (reshapes to [4, 2N, 3]), nested in a
    /// functional model after a Dense layer: the exported shape computations read the batch of the nested model's
    /// input. Tolerance 1e−5: two small layers on values of order 1.
    /// </summary>
    [Fact]
    public void NestedImportedModelWithBatchArithmetic_ExportMatchesOnnxRuntime()
    {
        var attention = OnnxImporter.Load(OnnxExportOpTests.AttentionLike().Bytes(), "attention.onnx");
        var x = Input.Create([4, 5], "tokens");
        var h = new Dense(6, Activations.Tanh, name: "embed").Call(x);
        var y = new Dense(2, name: "head").Call(attention.Call(h));
        var model = new Model(x, y, "nested_attention");
        var result = ExportCheck.Run(model, 1e-5, [1, 3, 4], "nested attention");
        output.WriteLine($"nested imported model with batch arithmetic: {result}");
    }

    /// <summary>Within 1e−5 + 1e−6·|expected|; equal values (infinities included) agree.</summary>
    private static void Close(Tensor expected, Tensor actual, string what)
    {
        var e = expected.ToArray();
        var a = actual.ToArray();
        for (int k = 0; k < e.Length && k < a.Length; k++)
        {
            if (e[k] == a[k])
                e[k] = a[k] = 0;
        }
        TensorAssert.Close(e, a, 1e-5, 1e-6, what);
    }
}
