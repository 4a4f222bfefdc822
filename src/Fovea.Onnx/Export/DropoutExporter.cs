using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>Dropout is the identity in inference mode: no node.</summary>
[OnnxExporter(typeof(Dropout))]
internal sealed class DropoutExporter : LayerExporter<Dropout>
{
    public override OnnxExportTensor Export(Dropout layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context) => inputs[0];
}
