using Fovea.Layers;

namespace Fovea.Onnx;

/// <summary>
/// Writes one layer call as ONNX nodes (inference mode). Fovea's own layers have one exporter each (in
/// <c>Fovea.Onnx.Export</c>); give your own layer types one with
/// <see cref="OnnxExporter.Register{TLayer}(ILayerExporter)"/>. Derive from <see cref="LayerExporter{TLayer}"/> for a
/// typed layer.
/// </summary>
public interface ILayerExporter
{
    /// <summary>
    /// Appends the nodes computing <paramref name="layer"/>'s inference-mode forward on <paramref name="inputs"/>
    /// (through <paramref name="context"/>) and returns the output tensor with its shape for the example input.
    /// </summary>
    OnnxExportTensor Export(Layer layer, IReadOnlyList<OnnxExportTensor> inputs, OnnxExportContext context);
}
