using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>UpSampling2D: Resize by scales [1, 1, sh, sw]; nearest with asymmetric coordinates and floor rounding
/// (repetition), or linear with half-pixel coordinates (bilinear, TensorFlow and PyTorch align_corners=False).
/// </summary>
[OnnxExporter(typeof(UpSampling2D))]
internal sealed class UpSampling2DExporter : LayerExporter<UpSampling2D>
{
    public override OnnxExportTensor Export(UpSampling2D layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4)
            throw context.Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        var (sh, sw) = (layer.Size.Height, layer.Size.Width);
        string scales = context.Constant([1f, 1f, sh, sw]);
        string y = layer.Interpolation == Interpolation.Nearest
            ? context.Node("Resize", [x.Name, "", scales], null, new OnnxAttribute("mode", "nearest"),
                new OnnxAttribute("coordinate_transformation_mode", "asymmetric"),
                new OnnxAttribute("nearest_mode", "floor"))
            : context.Node("Resize", [x.Name, "", scales], null, new OnnxAttribute("mode", "linear"),
                new OnnxAttribute("coordinate_transformation_mode", "half_pixel"));
        return x with { Name = y, Shape = new Shape(x.Shape[0], x.Shape[1], x.Shape[2] * sh, x.Shape[3] * sw) };
    }
}
