using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>SeparableConv2D: a grouped Conv (one group per input channel, the layer's padding resolved for the
/// input size), a 1×1 Conv with the bias, then the activation.</summary>
[OnnxExporter(typeof(SeparableConv2D))]
internal sealed class SeparableConv2DExporter : LayerExporter<SeparableConv2D>
{
    public override OnnxExportTensor Export(SeparableConv2D conv, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4)
            throw context.Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        int h = x.Shape[2], w = x.Shape[3];
        var (top, left, bottom, right) = conv.Padding.Resolve(h, w, conv.KernelSize, conv.Strides, conv.DilationRate);
        var (kh, kw) = (conv.KernelSize.Height, conv.KernelSize.Width);
        var (sh, sw) = (conv.Strides.Height, conv.Strides.Width);
        var (dh, dw) = (conv.DilationRate.Height, conv.DilationRate.Width);
        string depthwise = context.Node("Conv", [x.Name, context.Weight(conv.DepthwiseKernel)], "depthwise",
            new OnnxAttribute("kernel_shape", [kh, kw]), new OnnxAttribute("strides", [sh, sw]),
            new OnnxAttribute("dilations", [dh, dw]), new OnnxAttribute("pads", [top, left, bottom, right]),
            new OnnxAttribute("group", (long)x.Shape[1]));
        var names = new List<string> { depthwise, context.Weight(conv.PointwiseKernel) };
        if (conv.Bias is not null)
            names.Add(context.Weight(conv.Bias));
        string y = context.Node("Conv", names, conv.Activation is null ? null : "pointwise",
            new OnnxAttribute("kernel_shape", [1, 1]));
        int oh = (h + top + bottom - dh * (kh - 1) - 1) / sh + 1;
        int ow = (w + left + right - dw * (kw - 1) - 1) / sw + 1;
        var value = x with { Name = y, Shape = new Shape(x.Shape[0], conv.Filters, oh, ow) };
        return context.Activate(conv.Activation, value);
    }
}
