using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>ZeroPadding2D: Pad (constant 0) with pads [0, 0, top, left, 0, 0, bottom, right].</summary>
[OnnxExporter(typeof(ZeroPadding2D))]
internal sealed class ZeroPadding2DExporter : LayerExporter<ZeroPadding2D>
{
    public override OnnxExportTensor Export(ZeroPadding2D layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4)
            throw context.Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        string pads = context.Int64Constant([0, 0, layer.Top, layer.Left, 0, 0, layer.Bottom, layer.Right]);
        string y = context.Node("Pad", [x.Name, pads], null, new OnnxAttribute("mode", "constant"));
        return x with { Name = y, Shape = new Shape(x.Shape[0], x.Shape[1], x.Shape[2] + layer.Top + layer.Bottom,
            x.Shape[3] + layer.Left + layer.Right) };
    }
}
