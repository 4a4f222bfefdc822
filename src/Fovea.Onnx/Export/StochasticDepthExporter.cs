using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>StochasticDepth is the identity in inference mode: no node.</summary>
[OnnxExporter(typeof(StochasticDepth))]
internal sealed class StochasticDepthExporter : LayerExporter<StochasticDepth>
{
    public override OnnxExportTensor Export(StochasticDepth layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context) => inputs[0];
}
