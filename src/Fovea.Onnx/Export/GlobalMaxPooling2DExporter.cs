using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>Maximum over height and width: ReduceMax over axes 2 and 3, keepdims as the layer says.</summary>
[OnnxExporter(typeof(GlobalMaxPooling2D))]
internal sealed class GlobalMaxPooling2DExporter : LayerExporter<GlobalMaxPooling2D>
{
    public override OnnxExportTensor Export(GlobalMaxPooling2D layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4)
            throw context.Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        string y = context.Node("ReduceMax", [x.Name], null, new OnnxAttribute("axes", [2, 3]),
            new OnnxAttribute("keepdims", layer.KeepDims ? 1L : 0L));
        return x with { Name = y, Shape = layer.KeepDims ? new Shape(x.Shape[0], x.Shape[1], 1, 1)
            : new Shape(x.Shape[0], x.Shape[1]) };
    }
}
