using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>Resizing: Resize to sizes [N, C, height, width] (N and C read from the input's Shape); linear with
/// half-pixel coordinates (bilinear), or nearest with asymmetric coordinates and floor rounding.</summary>
[OnnxExporter(typeof(Resizing))]
internal sealed class ResizingExporter : LayerExporter<Resizing>
{
    public override OnnxExportTensor Export(Resizing layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4)
            throw context.Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        string batchAndChannels = context.Node("Shape", [x.Name], "nc", new OnnxAttribute("start", 0L),
            new OnnxAttribute("end", 2L));
        string sizes = context.Node("Concat", [batchAndChannels, context.Int64Constant([layer.Height, layer.Width])],
            "sizes", new OnnxAttribute("axis", 0L));
        string y = layer.Interpolation == Interpolation.Nearest
            ? context.Node("Resize", [x.Name, "", "", sizes], null, new OnnxAttribute("mode", "nearest"),
                new OnnxAttribute("coordinate_transformation_mode", "asymmetric"),
                new OnnxAttribute("nearest_mode", "floor"))
            : context.Node("Resize", [x.Name, "", "", sizes], null, new OnnxAttribute("mode", "linear"),
                new OnnxAttribute("coordinate_transformation_mode", "half_pixel"));
        return x with { Name = y, Shape = new Shape(x.Shape[0], x.Shape[1], layer.Height, layer.Width) };
    }
}
