using Fovea.Onnx;
using Xunit;

namespace Fovea.Tests.Onnx;

/// <summary>The operator table of the importer: the supported-operator list is derived from it.</summary>
public class OnnxImporterTests
{
    [Fact]
    public void SupportedOperators_DerivedFromTheTable_ListsEveryFamilyAndNothingUnimplemented()
    {
        var ops = OnnxImporter.SupportedOperators;
        foreach (string op in new[] { "Conv", "Gemm", "Add", "Exp", "ReduceMean", "Resize", "Upsample", "If", "Loop",
            "SequenceAt", "Shape", "ScatterND", "LRN", "ReduceL2" })
            Assert.Contains(op, ops);
        // Acos was listed by hand before the table existed but never imported; Scan is not supported.
        Assert.DoesNotContain("Acos", ops);
        Assert.DoesNotContain("Scan", ops);
    }

    [Fact]
    public void Load_OperatorOutsideTheTable_FailsNamingOperatorNodeAndOpset()
    {
        var bytes = new OnnxModelBuilder().Input("x", 1, 3).Node("Acos", ["x"], ["y"], "angle").Output("y").Bytes();
        var e = Assert.Throws<FoveaException>(() => OnnxImporter.Load(bytes, "acos.onnx"));
        Assert.Contains("operator 'Acos' is not supported", e.Message);
        Assert.Contains("ONNX 'acos.onnx': node 'angle' (Acos, opset 13)", e.Message);
    }
}
