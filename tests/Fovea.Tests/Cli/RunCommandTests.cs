using System.Buffers.Binary;
using System.Text;
using Fovea.IO;
using Fovea.Onnx;
using Fovea.Tensors;
using Fovea.Tests.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Cli;

/// <summary>
/// <c>fovea run</c>: .npy in, .npy out, checked against ONNX Runtime on the same model file; errors are one line.
/// </summary>
[Collection("Console")]
public sealed class RunCommandTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// SmallCnn sums 18 products per convolution output and 64 per logit, all of order one: float32 rounding in
    /// another summation order differs by about 1e-6, so 1e-5 absolute leaves a tenfold margin.
    /// </summary>
    private const double SmallCnnTolerance = 1e-5;

    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    private string WriteSmallCnn()
    {
        string path = File("small.onnx");
        System.IO.File.WriteAllBytes(path, OnnxModelBuilder.SmallCnn().Bytes());
        return path;
    }

    [Fact]
    public void Run_OnnxFileInBatchesOfTwo_MatchesOnnxRuntime()
    {
        string model = WriteSmallCnn();
        var x = Tensor.RandomNormal([5, 2, 8, 8], new Rng(11));
        Npy.Save(File("x.npy"), x);
        var (code, stdout, err) = CliHarness.Run("run", "--model", model, "--input", File("x.npy"), "--output",
            File("y.npy"), "--batch-size", "2");
        Assert.True(code == 0, err);
        Assert.Contains("y.npy", stdout);
        var y = Npy.Load(File("y.npy"));
        var expected = OrtReference.Run(model, x)[0];
        Assert.Equal(new Shape(5, 3), y.Shape);
        TensorAssert.Close(expected.AsReadOnlySpan(), y.AsReadOnlySpan(), SmallCnnTolerance, 0, "fovea run logits");
    }

    [Fact]
    public void Run_SavedModelFolder_MatchesOnnxRuntimeOnTheOriginalFile()
    {
        string onnx = WriteSmallCnn();
        OnnxImporter.Load(onnx).Save(File("saved"));
        var x = Tensor.RandomNormal([3, 2, 8, 8], new Rng(12));
        Npy.Save(File("x.npy"), x);
        var (code, _, err) = CliHarness.Run("run", "--model", File("saved"), "--input", File("x.npy"), "--output",
            File("y.npy"));
        Assert.True(code == 0, err);
        TensorAssert.Close(OrtReference.Run(onnx, x)[0].AsReadOnlySpan(), Npy.Load(File("y.npy")).AsReadOnlySpan(),
            SmallCnnTolerance, 0, "saved model logits");
    }

    /// <summary>An int32 .npy file (as NumPy writes one) with the given values.</summary>
    private static void SaveInt32Npy(string path, int[] values, params int[] shape)
    {
        string dict = $"{{'descr': '<i4', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}), }}";
        int unpadded = 6 + 2 + 2 + dict.Length + 1;
        string header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        using var s = new MemoryStream();
        s.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        s.Write(BitConverter.GetBytes((ushort)header.Length));
        s.Write(Encoding.ASCII.GetBytes(header));
        var data = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4 * i), values[i]);
        s.Write(data);
        System.IO.File.WriteAllBytes(path, s.ToArray());
    }

    [Fact]
    public void Run_Int32Npy_ConvertedToFloat()
    {
        string model = WriteSmallCnn();
        var values = Enumerable.Range(0, 2 * 2 * 8 * 8).Select(i => i % 7 - 3).ToArray();
        SaveInt32Npy(File("x.npy"), values, 2, 2, 8, 8);
        var (code, _, err) = CliHarness.Run("run", "--model", model, "--input", File("x.npy"), "--output",
            File("y.npy"));
        Assert.True(code == 0, err);
        var x = Tensor.FromArray(values.Select(v => (float)v).ToArray(), [2, 2, 8, 8]);
        TensorAssert.Close(OrtReference.Run(model, x)[0].AsReadOnlySpan(), Npy.Load(File("y.npy")).AsReadOnlySpan(),
            SmallCnnTolerance * 10, 0, "logits of integer inputs (inputs up to 3: ten times the magnitude)");
    }

    /// <summary>
    /// The pretrained ResNet-18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18) through <c>fovea run</c> on a batch
    /// of three gives the features ONNX Runtime gives image by image, within 1e-4 absolute (the tolerance of
    /// <see cref="ResNet18ImportTests"/>: rounding accumulates over 22 float32 convolutions).
    /// </summary>
    [Fact]
    public void Run_PretrainedResNet18_MatchesOnnxRuntime()
    {
        string model = ResNet18ImportTests.ModelPath;
        Assert.True(System.IO.File.Exists(model), $"{model} is missing");
        var images = ResNet18ImportTests.Images(3, 7);
        Npy.Save(File("images.npy"), images);
        var (code, _, err) = CliHarness.Run("run", "--model", model, "--input", File("images.npy"), "--output",
            File("features.npy"), "--batch-size", "3");
        Assert.True(code == 0, err);
        var features = Npy.Load(File("features.npy"));
        Assert.Equal(new Shape(3, 512, 1, 1), features.Shape);
        double max = 0;
        for (int i = 0; i < 3; i++)
        {
            var one = Tensor.FromArray(images.AsReadOnlySpan().Slice(i * 3 * 224 * 224, 3 * 224 * 224),
                [1, 3, 224, 224]);
            var expected = OrtReference.Run(model, one)[0].ToArray();
            var actual = features.AsReadOnlySpan().Slice(i * 512, 512).ToArray();
            max = Math.Max(max, expected.Zip(actual, (p, q) => Math.Abs((double)p - q)).Max());
        }
        output.WriteLine($"fovea run ResNet-18: max |Fovea − ONNX Runtime| = {max:G3} over 3 images");
        Assert.True(max <= 1e-4, $"max difference {max:G3}");
    }

    [Fact]
    public void Run_WrongInputShape_OneErrorLineWithBothShapes()
    {
        string model = WriteSmallCnn();
        Npy.Save(File("x.npy"), Tensor.Zeros([2, 3, 8, 8]));
        var (code, _, err) = CliHarness.Run("run", "--model", model, "--input", File("x.npy"), "--output",
            File("y.npy"));
        CliHarness.AssertOneErrorLine(code, err, "[2, 3, 8, 8]");
        Assert.Contains("[N, 2, 8, 8]", err);
        Assert.False(System.IO.File.Exists(File("y.npy")));
    }

    [Fact]
    public void Run_BadFiles_OneErrorLineNamingTheFile()
    {
        string model = WriteSmallCnn();
        Npy.Save(File("x.npy"), Tensor.Zeros([1, 2, 8, 8]));
        System.IO.File.WriteAllText(File("text.npy"), "not numpy");
        System.IO.File.WriteAllBytes(File("corrupt.onnx"), OnnxModelBuilder.SmallCnn().Bytes()[..150]);
        var cases = new[]
        {
            (new[] { "--model", File("missing.onnx"), "--input", File("x.npy") }, "missing.onnx"),
            (new[] { "--model", File("corrupt.onnx"), "--input", File("x.npy") }, "corrupt.onnx"),
            (new[] { "--model", File("nofolder"), "--input", File("x.npy") }, "nofolder"),
            (new[] { "--model", model, "--input", File("text.npy") }, "text.npy"),
            (new[] { "--model", model, "--input", File("absent.npy") }, "absent.npy"),
        };
        foreach (var (args, name) in cases)
        {
            var (code, _, err) = CliHarness.Run(["run", .. args, "--output", File("y.npy")]);
            CliHarness.AssertOneErrorLine(code, err, name);
        }
        Assert.False(System.IO.File.Exists(File("y.npy")));
    }
}
