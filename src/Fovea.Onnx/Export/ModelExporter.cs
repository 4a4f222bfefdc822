using Fovea.Models;

namespace Fovea.Onnx.Export;

/// <summary>A model nested as a layer: its layers inline, their node names prefixed with the nested model's
/// name.</summary>
[OnnxExporter(typeof(Model))]
internal sealed class ModelExporter : LayerExporter<Model>
{
    public override OnnxExportTensor Export(Model nested, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context) => context.Exporter.ExportModel(nested, [inputs[0]], context.NodeBase + "/")[0];
}
