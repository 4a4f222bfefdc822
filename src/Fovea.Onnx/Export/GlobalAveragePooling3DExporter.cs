using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>Mean over depth, height and width: [N, C, D, H, W] → [N, C] (ReduceMean, keepdims 0), or
/// [N, C, 1, 1, 1] with keepDims.</summary>
[OnnxExporter(typeof(GlobalAveragePooling3D))]
internal sealed class GlobalAveragePooling3DExporter : LayerExporter<GlobalAveragePooling3D>
{
    public override OnnxExportTensor Export(GlobalAveragePooling3D layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 5)
            throw context.Unsupported($"expected input [N, C, D, H, W], received {x.Shape}");
        string y = context.Node("ReduceMean", [x.Name], null, new OnnxAttribute("axes", [2, 3, 4]),
            new OnnxAttribute("keepdims", layer.KeepDims ? 1L : 0L));
        var shape = layer.KeepDims ? new Shape(x.Shape[0], x.Shape[1], 1, 1, 1) : new Shape(x.Shape[0], x.Shape[1]);
        return x with { Name = y, Shape = shape };
    }
}
