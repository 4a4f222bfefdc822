using Fovea.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Explain.Tests;

/// <summary>
/// The methods on a model imported from ONNX: the golden small CNN exported and imported again keeps the PyTorch
/// golden answers (the exporter names the ONNX nodes after the layers and the importer names layers after the nodes,
/// so "relu2" is found again; guided backprop finds the imported ReLU layers by type).
/// </summary>
public sealed class ImportedModelTests(ITestOutputHelper output)
{
    [Fact]
    public void GuidedBackpropAndGradCam_OnnxRoundTrip_MatchTorch()
    {
        var model = OnnxImporter.Load(OnnxExporter.ToBytes(ExplainGolden.SmallCnn()));
        var names = model.Layers.Select(l => l.Name ?? "").ToList();
        output.WriteLine("imported layers: " + string.Join(", ", names));
        var x = ExplainGolden.Get("x");
        int target = ExplainGolden.Target;
        var gb = new GuidedBackprop(model);
        Assert.Equal(2, gb.ReluLayers.Count);
        ExplainGolden.Close(ExplainGolden.Get("guided"), gb.Attribute(x, target).Values, 1e-4f, 1e-4f, "guided (onnx)",
            output);
        var cam = new GradCam(model, gb.ReluLayers[1], CamMethod.GradCamPlusPlus);
        ExplainGolden.Close(ExplainGolden.Get("cam.gradcampp"), cam.Attribute(x, target).Values, 1e-4f, 1e-4f,
            "gradcampp (onnx)", output);
    }
}
