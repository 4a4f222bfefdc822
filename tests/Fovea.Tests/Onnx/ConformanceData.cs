using Fovea.Onnx;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;

namespace Fovea.Tests.Onnx;

/// <summary>
/// The ONNX conformance data of tests/data/onnx-conformance (the ONNX project's backend test data, Apache-2.0; see its
/// README), copied beside the test assembly by the project file: light model graphs and per-op cases (model.onnx +
/// test_data_set_0/{input,output}_N.pb TensorProto files).
/// </summary>
internal static class ConformanceData
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    private static string FindRoot()
    {
        string root = Path.Combine(AppContext.BaseDirectory, "onnx-conformance");
        if (!Directory.Exists(Path.Combine(root, "pytorch-operator")))
            throw new InvalidOperationException(
                $"the ONNX conformance data was not found at {root}; expected tests/data/onnx-conformance copied " +
                "there by Fovea.Tests.csproj");
        return root;
    }

    /// <summary>Case folders of one suite ("pytorch-converted", "pytorch-operator"), by name.</summary>
    public static IEnumerable<string> Cases(string suite) =>
        Directory.GetDirectories(Path.Combine(Root, suite)).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    /// <summary>A TensorProto file as a float tensor.</summary>
    public static Tensor ReadTensor(string path)
    {
        var proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        return OnnxTensors.Read(proto, null, path);
    }

    /// <summary>The inputs and expected outputs of a case's first data set.</summary>
    public static (Tensor[] Inputs, Tensor[] Outputs) DataSet(string caseDir)
    {
        string data = Path.Combine(caseDir, "test_data_set_0");
        Tensor[] Read(string prefix) => Enumerable.Range(0, 100)
            .Select(i => Path.Combine(data, $"{prefix}_{i}.pb")).TakeWhile(File.Exists).Select(ReadTensor).ToArray();
        return (Read("input"), Read("output"));
    }
}
