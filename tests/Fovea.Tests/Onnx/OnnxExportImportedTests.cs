using Fovea.Autograd;
using Fovea.Onnx;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;
using Google.Protobuf;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Onnx;

/// <summary>
/// Models imported from ONNX, exported again: every conformance case of ../shared/onnx-conformance (their canonical
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
