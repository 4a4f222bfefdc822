using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>Conv2D and DepthwiseConv2D: Conv with explicit pads [top, left, bottom, right] (Same resolved for the
/// input size), then the fused activation.</summary>
[OnnxExporter(typeof(BaseConv2D))]
internal sealed class Conv2DExporter : LayerExporter<BaseConv2D>
{
    public override OnnxExportTensor Export(BaseConv2D conv, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4)
            throw context.Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        int h = x.Shape[2], w = x.Shape[3];
        var (top, left, bottom, right) = conv.Padding.Resolve(h, w, conv.KernelSize, conv.Strides, conv.DilationRate);
        int groups = x.Shape[1] / conv.Kernel.Shape[1];
        var names = new List<string> { x.Name, context.Weight(conv.Kernel) };
        if (conv.Bias is not null)
            names.Add(context.Weight(conv.Bias));
        var (kh, kw) = (conv.KernelSize.Height, conv.KernelSize.Width);
        var (sh, sw) = (conv.Strides.Height, conv.Strides.Width);
        var (dh, dw) = (conv.DilationRate.Height, conv.DilationRate.Width);
        string y = context.Node("Conv", names, conv.Activation is null ? null : "conv",
            new OnnxAttribute("kernel_shape", [kh, kw]), new OnnxAttribute("strides", [sh, sw]),
            new OnnxAttribute("dilations", [dh, dw]), new OnnxAttribute("pads", [top, left, bottom, right]),
            new OnnxAttribute("group", (long)groups));
        int oh = (h + top + bottom - dh * (kh - 1) - 1) / sh + 1;
        int ow = (w + left + right - dw * (kw - 1) - 1) / sw + 1;
        var value = x with { Name = y, Shape = new Shape(x.Shape[0], conv.Kernel.Shape[0], oh, ow) };
        return context.Activate(conv.Activation, value);
    }
}
