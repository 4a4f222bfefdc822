using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>Mean over height and width: [N, C, H, W] → [N, C] (ReduceMean, keepdims 0), or [N, C, 1, 1] with
/// keepDims (keepdims 1).</summary>
[OnnxExporter(typeof(GlobalAveragePooling2D))]
internal sealed class GlobalAveragePooling2DExporter : LayerExporter<GlobalAveragePooling2D>
{
    public override OnnxExportTensor Export(GlobalAveragePooling2D layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4)
            throw context.Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        string y = context.Node("ReduceMean", [x.Name], null, new OnnxAttribute("axes", [2, 3]),
            new OnnxAttribute("keepdims", layer.KeepDims ? 1L : 0L));
        return x with { Name = y, Shape = layer.KeepDims ? new Shape(x.Shape[0], x.Shape[1], 1, 1)
            : new Shape(x.Shape[0], x.Shape[1]) };
    }
}
