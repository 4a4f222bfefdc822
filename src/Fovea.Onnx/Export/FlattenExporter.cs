using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>Flatten: [N, ...] → [N, rest] (Flatten, axis 1).</summary>
[OnnxExporter(typeof(Flatten))]
internal sealed class FlattenExporter : LayerExporter<Flatten>
{
    public override OnnxExportTensor Export(Flatten layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        return x with
        {
            Name = context.Node("Flatten", [x.Name], null, new OnnxAttribute("axis", 1L)),
            Shape = new Shape(x.Shape[0], x.Shape.Length / Math.Max(1, x.Shape[0])),
        };
    }
}
