using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>ReLU: Relu.</summary>
[OnnxExporter(typeof(ReLU))]
internal sealed class ReLUExporter : LayerExporter<ReLU>
{
    public override OnnxExportTensor Export(ReLU layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context) => inputs[0] with { Name = context.Node("Relu", [inputs[0].Name]) };
}
