using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>Cropping2D: Slice of axes 2 and 3 from (top, left) to (H − bottom, W − right).</summary>
[OnnxExporter(typeof(Cropping2D))]
internal sealed class Cropping2DExporter : LayerExporter<Cropping2D>
{
    public override OnnxExportTensor Export(Cropping2D layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4 || x.Shape[2] <= layer.Top + layer.Bottom || x.Shape[3] <= layer.Left + layer.Right)
            throw context.Unsupported($"expected input [N, C, H, W] larger than the cropping, received {x.Shape}");
        int h = x.Shape[2] - layer.Top - layer.Bottom, w = x.Shape[3] - layer.Left - layer.Right;
        string starts = context.Int64Constant([layer.Top, layer.Left]);
        string ends = context.Int64Constant([layer.Top + h, layer.Left + w]);
        string axes = context.Int64Constant([2, 3]);
        string y = context.Node("Slice", [x.Name, starts, ends, axes]);
        return x with { Name = y, Shape = new Shape(x.Shape[0], x.Shape[1], h, w) };
    }
}
