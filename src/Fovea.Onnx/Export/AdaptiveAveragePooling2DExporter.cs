using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>
/// Adaptive average pooling: GlobalAveragePool when the output is 1×1; AveragePool with kernel = stride = H/OH, W/OW
/// when the output size divides the input size (the windows then tile the input exactly); other sizes (overlapping
/// or repeated windows) have no ONNX operator and are refused.
/// </summary>
[OnnxExporter(typeof(AdaptiveAveragePooling2D))]
internal sealed class AdaptiveAveragePooling2DExporter : LayerExporter<AdaptiveAveragePooling2D>
{
    public override OnnxExportTensor Export(AdaptiveAveragePooling2D layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4)
            throw context.Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        int h = x.Shape[2], w = x.Shape[3];
        var (oh, ow) = (layer.OutputSize.Height, layer.OutputSize.Width);
        var shape = new Shape(x.Shape[0], x.Shape[1], oh, ow);
        if (oh == 1 && ow == 1)
            return x with { Name = context.Node("GlobalAveragePool", [x.Name], null), Shape = shape };
        if (h % oh != 0 || w % ow != 0)
        {
            throw context.Unsupported($"output size ({oh}, {ow}) does not divide the input size ({h}, {w}): its " +
                "windows overlap, which no ONNX operator expresses");
        }
        int kh = h / oh, kw = w / ow;
        string y = context.Node("AveragePool", [x.Name], null, new OnnxAttribute("kernel_shape", [kh, kw]),
            new OnnxAttribute("strides", [kh, kw]));
        return x with { Name = y, Shape = shape };
    }
}
