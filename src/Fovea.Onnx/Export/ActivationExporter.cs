using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>An Activation layer: its function's ONNX nodes.</summary>
[OnnxExporter(typeof(Activation))]
internal sealed class ActivationExporter : LayerExporter<Activation>
{
    public override OnnxExportTensor Export(Activation layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context) => context.Activate(layer.Function, inputs[0]);
}
