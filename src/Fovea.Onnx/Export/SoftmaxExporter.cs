using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>Softmax over the last axis.</summary>
[OnnxExporter(typeof(Softmax))]
internal sealed class SoftmaxExporter : LayerExporter<Softmax>
{
    public override OnnxExportTensor Export(Softmax layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context) => inputs[0] with
    {
        Name = context.Node("Softmax", [inputs[0].Name], null, new OnnxAttribute("axis", -1L)),
    };
}
