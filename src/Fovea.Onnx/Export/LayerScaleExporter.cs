using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>LayerScale: Mul by the scales [C, 1, ...], which broadcast over the batch axis.</summary>
[OnnxExporter(typeof(LayerScale))]
internal sealed class LayerScaleExporter : LayerExporter<LayerScale>
{
    public override OnnxExportTensor Export(LayerScale layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        return x with { Name = context.Node("Mul", [x.Name, context.Weight(layer.Scale, layer.Scale.Shape)]) };
    }
}
