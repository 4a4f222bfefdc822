using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>DropPath (stochastic depth) is the identity in inference mode: no node.</summary>
[OnnxExporter(typeof(DropPath))]
internal sealed class DropPathExporter : LayerExporter<DropPath>
{
    public override OnnxExportTensor Export(DropPath layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context) => inputs[0];
}
