using System.Diagnostics;
using Fovea.Autograd;
using Fovea.Onnx;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;
using Google.Protobuf;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Onnx;

/// <summary>
/// The "light" model graphs of tests/data/onnx-conformance/light (AlexNet, ResNet-50, VGG-19, Inception v1/v2,
/// DenseNet-121, ShuffleNet, SqueezeNet, ZFNet) import and match ONNX Runtime on one random image. Their weights are
/// ConstantOfShape nodes filling every weight with 0.02, which makes every output class equal (all models give
/// 0.001 everywhere), so each graph is also run with those nodes replaced by random weights (He-scaled, positive for
/// 1-D parameters such as BatchNorm variances): then the outputs are real class distributions. Tolerance: softmax
/// probabilities after up to ~120 layers of float32 sums taken in another order than ONNX Runtime's agree to
/// 2e−5 absolute plus 2e−3 relative.
/// </summary>
public sealed class LightModelTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models() =>
        new(Directory.GetFiles(Path.Combine(ConformanceData.Root, "light"),
            "*.onnx").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Models))]
    public void LightModel_AsShipped_MatchesOnnxRuntime(string file) =>
        Compare(Path.Combine(ConformanceData.Root, "light", file), file);

    [Theory]
    [MemberData(nameof(Models))]
    public void LightModel_RandomWeights_MatchesOnnxRuntime(string file)
    {
        string dir = Directory.CreateTempSubdirectory("fovea-light-").FullName;
        try
        {
            string path = Path.Combine(dir, file);
            File.WriteAllBytes(path, WithRandomWeights(File.ReadAllBytes(Path.Combine(ConformanceData.Root, "light",
                file)), 11)
                .ToByteArray());
            Compare(path, file + " (random weights)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private void Compare(string path, string what)
    {
        var clock = Stopwatch.StartNew();
        var model = OnnxImporter.Load(path);
        double import = clock.Elapsed.TotalSeconds;
        var x = Tensor.RandomUniform(model.Inputs[0].Example.Shape, new Rng(7));
        clock.Restart();
        Tensor y;
        using (GradMode.NoGrad())
            y = model.Run([x])[0];
        double fovea = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var expected = OrtReference.Run(path, x)[0];
        double ort = clock.Elapsed.TotalSeconds;
        Assert.Equal(expected.Shape, y.Shape);
        var e = expected.ToArray();
        var a = y.ToArray();
        double max = e.Zip(a, (p, q) => Math.Abs((double)p - q)).Max();
        output.WriteLine($"{what}: {model.Layers.Count} layers, import {import:F2}s, Fovea {fovea:F2}s, ORT " +
            $"{ort:F2}s, " +
            $"max |diff| {max:G3} (outputs {e.Min():G3}..{e.Max():G3})");
        TensorAssert.Close(e, a, 2e-5, 2e-3, what);
    }

    /// <summary>The model with each ConstantOfShape weight replaced by a Constant of random values.</summary>
    internal static ModelProto WithRandomWeights(byte[] bytes, int seed)
    {
        var model = ModelProto.Parser.ParseFrom(bytes);
        var rng = new Rng(seed);
        var inits = model.Graph.Initializer.ToDictionary(i => i.Name);
        foreach (var node in model.Graph.Node.Where(n => n.OpType == "ConstantOfShape").ToList())
        {
            var dims = OnnxTensors.Read(inits[node.Input[0]], null, "shape").ToArray().Select(v => (long)v).ToArray();
            long count = dims.Aggregate(1L, (p, d) => p * d);
            long fanIn = dims.Length >= 2 ? dims.Skip(1).Aggregate(1L, (p, d) => p * d) : 1;
            var t = new TensorProto { DataType = OnnxTensors.Float, Name = node.Output[0] };
            t.Dims.Add(dims);
            float bound = (float)Math.Sqrt(6.0 / fanIn);
            for (long i = 0; i < count; i++)
                t.FloatData.Add(dims.Length >= 2 ? (rng.NextFloat() * 2 - 1) * bound : 0.5f + rng.NextFloat());
            node.OpType = "Constant";
            node.Input.Clear();
            node.Attribute.Clear();
            node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor,
                T = t });
        }
        return model;
    }
}
