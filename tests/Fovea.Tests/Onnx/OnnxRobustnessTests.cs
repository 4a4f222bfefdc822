using Fovea.Autograd;
using Fovea.Onnx;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;
using Google.Protobuf;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Onnx;

/// <summary>
/// Bad files and bad inputs give <see cref="FoveaException"/>s that say what is wrong, never another exception:
/// truncated and corrupt files, thousands of randomly mutated small models (seeded), wrong input shapes, external
/// data outside the model's folder, unsupported operators and opsets.
/// </summary>
public sealed class OnnxRobustnessTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Case(string suite, string name) =>
        File.ReadAllBytes(Path.Combine(ConformanceData.Root, suite, name, "model.onnx"));

    [Fact]
    public void TruncatedFile_ClearError()
    {
        var bytes = OnnxModelBuilder.SmallCnn().Bytes();
        var e = Assert.Throws<FoveaException>(() => OnnxImporter.Load(bytes[..(bytes.Length / 2)], "cnn.onnx"));
        Assert.Contains("cnn.onnx", e.Message);
        Assert.Contains("truncated or corrupt", e.Message);
        output.WriteLine(e.Message);
    }

    [Fact]
    public void EveryTruncation_GivesOnlyFoveaErrors()
    {
        var bytes = OnnxModelBuilder.SmallCnn().Bytes();
        int failures = 0;
        for (int n = 0; n < bytes.Length; n++)
        {
            try
            {
                RunIfLoads(OnnxImporter.Load(bytes[..n], "cnn.onnx"));
            }
            catch (FoveaException)
            {
                failures++;
            }
        }
        output.WriteLine($"{failures} of {bytes.Length} truncations rejected with FoveaException, the rest import");
        Assert.True(failures > bytes.Length / 2);
    }

    [Fact]
    public void GarbageAndEmptyFiles_ClearError()
    {
        Assert.Contains("truncated", Assert.Throws<FoveaException>(() => OnnxImporter.Load([], "empty.onnx")).Message);
        var garbage = new byte[1000];
        new Random(1).NextBytes(garbage);
        Assert.Throws<FoveaException>(() => OnnxImporter.Load(garbage, "garbage.onnx"));
        Assert.Throws<FoveaException>(() => OnnxImporter.Load(Path.Combine(_dir, "missing.onnx")));
    }

    /// <summary>
    /// 3000 seeded mutations (byte flips, random bytes, deleted and duplicated spans) of five small valid models:
    /// importing each, and running it on zeros when it imports, throws nothing but FoveaException.
    /// </summary>
    [Fact]
    public void MutatedModels_OnlyFoveaExceptionEscapes()
    {
        var seeds = new[]
        {
            OnnxModelBuilder.SmallCnn().Bytes(), Case("pytorch-converted", "test_Conv2d_groups"),
            Case("pytorch-converted", "test_PixelShuffle"), Case("pytorch-operator", "test_operator_index"),
            Case("pytorch-converted", "test_AvgPool3d_stride"),
        };
        var rng = new Random(20251125);
        int imported = 0, rejected = 0;
        for (int i = 0; i < 3000; i++)
        {
            var bytes = Mutate(seeds[i % seeds.Length], rng);
            try
            {
                RunIfLoads(OnnxImporter.Load(bytes, $"mutant{i}.onnx", _dir));
                imported++;
            }
            catch (FoveaException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                File.WriteAllBytes(Path.Combine(_dir, "failing.onnx"), bytes);
                Assert.Fail($"mutant {i} raised {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        output.WriteLine($"3000 mutants: {imported} imported and ran, {rejected} rejected with FoveaException");
    }

    private static byte[] Mutate(byte[] source, Random rng)
    {
        var b = source.ToList();
        int edits = 1 + rng.Next(4);
        for (int e = 0; e < edits && b.Count > 1; e++)
        {
            int at = rng.Next(b.Count);
            switch (rng.Next(5))
            {
                case 0: b[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: b[at] = (byte)rng.Next(256); break;
                case 2: b.RemoveRange(at, Math.Min(1 + rng.Next(8), b.Count - at)); break;
                case 3: b.InsertRange(at, b.GetRange(at, Math.Min(1 + rng.Next(8), b.Count - at))); break;
                default: b[at] = (byte)(b[at] + rng.Next(-2, 3)); break;
            }
        }
        return b.ToArray();
    }

    /// <summary>Runs an imported model on zeros of its input shapes (small shapes only).</summary>
    private static void RunIfLoads(Fovea.Models.Model model)
    {
        var inputs = model.Inputs.Select(i => i.Example.Shape).ToList();
        if (inputs.Sum(s => (long)s.Length) > 1 << 20)
            return;
        using var scope = TensorScope.Begin();
        using var _ = GradMode.NoGrad();
        model.Run(inputs.Select(s => Tensor.Zeros(s)).ToArray());
    }

    [Fact]
    public void WrongInputShape_ErrorNamesExpectedAndReceived()
    {
        var model = OnnxImporter.Load(OnnxModelBuilder.SmallCnn().Bytes(), "cnn.onnx");
        var e = Assert.Throws<FoveaException>(() => model.Predict(Tensor.Zeros([2, 3, 8, 8])));
        Assert.Contains("[N, 2, 8, 8]", e.Message);
        Assert.Contains("[2, 3, 8, 8]", e.Message);
        output.WriteLine(e.Message);
    }

    private ModelProto WithExternalWeight(string location)
    {
        var model = OnnxModelBuilder.SmallCnn().Build();
        var w = model.Graph.Initializer.First(t => t.Name == "conv.weight");
        w.FloatData.Clear();
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        return model;
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("sub/../../outside.bin")]
    [InlineData("/etc/passwd")]
    public void ExternalDataOutsideModelFolder_Rejected(string location)
    {
        string modelDir = Directory.CreateDirectory(Path.Combine(_dir, "model")).FullName;
        File.WriteAllBytes(Path.Combine(_dir, "outside.bin"), new byte[72 * 4]);
        string path = Path.Combine(modelDir, "cnn.onnx");
        File.WriteAllBytes(path, WithExternalWeight(location).ToByteArray());
        var e = Assert.Throws<FoveaException>(() => OnnxImporter.Load(path));
        Assert.Contains("outside the model's folder", e.Message);
        output.WriteLine(e.Message);
    }

    [Fact]
    public void ExternalDataInsideModelFolder_Loads()
    {
        var expected = OnnxImporter.Load(OnnxModelBuilder.SmallCnn().Bytes(), "cnn.onnx");
        var weight = OnnxModelBuilder.SmallCnn().Build().Graph.Initializer.First(t => t.Name == "conv.weight");
        var bytes = weight.FloatData.SelectMany(BitConverter.GetBytes).ToArray();
        Directory.CreateDirectory(Path.Combine(_dir, "weights"));
        File.WriteAllBytes(Path.Combine(_dir, "weights", "conv.bin"), [.. new byte[16], .. bytes]);
        var model = WithExternalWeight("weights/conv.bin");
        model.Graph.Initializer.First(t => t.Name == "conv.weight").ExternalData.Add(
            new StringStringEntryProto { Key = "offset", Value = "16" });
        string path = Path.Combine(_dir, "cnn.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        var x = Tensor.RandomNormal([2, 2, 8, 8], new Rng(1));
        Assert.Equal(expected.Predict(x).ToArray(), OnnxImporter.Load(path).Predict(x).ToArray());
    }

    [Fact]
    public void UnsupportedOperator_ErrorNamesOperatorNodeAndOpset()
    {
        var bytes = new OnnxModelBuilder(15).Input("x", 1, 4).Node("TopK", ["x", "k"], ["v", "i"], "my_topk")
            .Initializer("k", [1], values: [2f], type: OnnxTensors.Int64).Output("v").Bytes();
        var e = Assert.Throws<FoveaException>(() => OnnxImporter.Load(bytes, "topk.onnx"));
        Assert.Contains("'TopK'", e.Message);
        Assert.Contains("'my_topk'", e.Message);
        Assert.Contains("opset 15", e.Message);
        output.WriteLine(e.Message);
    }

    [Fact]
    public void UnsupportedOpset_ClearError()
    {
        var bytes = new OnnxModelBuilder(22).Input("x", 1, 4).Node("Relu", ["x"], ["y"]).Output("y").Bytes();
        Assert.Contains("opset 22", Assert.Throws<FoveaException>(() => OnnxImporter.Load(bytes, "new.onnx")).Message);
    }
}
