using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>ZeroPadding3D: Pad (constant 0) with pads [0, 0, d₁, h₁, w₁, 0, 0, d₂, h₂, w₂].</summary>
[OnnxExporter(typeof(ZeroPadding3D))]
internal sealed class ZeroPadding3DExporter : LayerExporter<ZeroPadding3D>
{
    public override OnnxExportTensor Export(ZeroPadding3D layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 5)
            throw context.Unsupported($"expected input [N, C, D, H, W], received {x.Shape}");
        var b = layer.Before;
        var a = layer.After;
        string pads = context.Int64Constant([0, 0, b[0], b[1], b[2], 0, 0, a[0], a[1], a[2]]);
        string y = context.Node("Pad", [x.Name, pads], null, new OnnxAttribute("mode", "constant"));
        return x with { Name = y, Shape = new Shape(x.Shape[0], x.Shape[1], x.Shape[2] + b[0] + a[0],
            x.Shape[3] + b[1] + a[1], x.Shape[4] + b[2] + a[2]) };
    }
}
