using Fovea.Autograd;
using Fovea.Onnx;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Onnx;

/// <summary>
/// Every case of tests/data/onnx-conformance/pytorch-converted and pytorch-operator (PyTorch modules exported to ONNX
/// with inputs and PyTorch's outputs) is imported and run; outputs must match within atol 1e−4 + rtol 1e−3 (float32
/// against PyTorch's float32, or float64 for the double cases). Cases that cannot run are listed in
/// <see cref="Skipped"/> with the reason, and a test checks that list against the suite.
/// </summary>
public sealed class OnnxConformanceTests(ITestOutputHelper output)
{
    /// <summary>Cases not expected to match, with why.</summary>
    public static readonly IReadOnlyDictionary<string, string> Skipped = new Dictionary<string, string>
    {
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string suite in new[] { "pytorch-converted", "pytorch-operator" })
        {
            foreach (string name in ConformanceData.Cases(suite))
            {
                if (!Skipped.ContainsKey(name))
                    data.Add(suite, name);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_MatchesExpectedOutputs(string suite, string name)
    {
        string dir = Path.Combine(ConformanceData.Root, suite, name);
        var model = OnnxImporter.Load(Path.Combine(dir, "model.onnx"));
        var (inputs, expected) = ConformanceData.DataSet(dir);
        Tensor[] actual;
        using (GradMode.NoGrad())
            actual = model.Run(inputs);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Shape.Length, actual[i].Length);
            var e = expected[i].ToArray();
            var a = actual[i].ToArray();
            for (int k = 0; k < e.Length; k++)
            {
                if (e[k] == a[k])
                    e[k] = a[k] = 0; // equal infinities compare as equal
            }
            double max = e.Zip(a, (x, y) => Math.Abs((double)x - y)).DefaultIfEmpty(0).Max();
            output.WriteLine($"{name} output {i} {expected[i].Shape}: max |diff| {max:G3}");
            TensorAssert.Close(e, a, 1e-4, 1e-3, $"{name} output {i}");
        }
    }

    [Fact]
    public void SkippedCases_ExistAndHaveReasons()
    {
        var all = new[] { "pytorch-converted", "pytorch-operator" }.SelectMany(ConformanceData.Cases).ToHashSet();
        // The committed copy holds 82 + 35 cases; fewer means the data did not reach the test output, and the
        // theories above would quietly have fewer cases.
        Assert.True(all.Count == 117, $"expected 117 conformance cases in {ConformanceData.Root}, found {all.Count}");
        foreach (var (name, reason) in Skipped)
        {
            Assert.Contains(name, all);
            Assert.False(string.IsNullOrWhiteSpace(reason));
            output.WriteLine($"skipped {name}: {reason}");
        }
        output.WriteLine($"{all.Count - Skipped.Count} of {all.Count} cases run");
    }
}
