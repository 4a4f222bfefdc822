using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>Conv2DTranspose: ConvTranspose with the layer's kernel as it is ([C, filters, KH, KW] is ONNX's layout),
/// explicit pads (the cropping) and output_padding (the extension) for the built input size, then the activation.
/// </summary>
[OnnxExporter(typeof(Conv2DTranspose))]
internal sealed class Conv2DTransposeExporter : LayerExporter<Conv2DTranspose>
{
    public override OnnxExportTensor Export(Conv2DTranspose conv, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4)
            throw context.Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        var (before, after, extra, output) = conv.Geometry(x.Shape[2], x.Shape[3]);
        var names = new List<string> { x.Name, context.Weight(conv.Kernel) };
        if (conv.Bias is not null)
            names.Add(context.Weight(conv.Bias));
        string y = context.Node("ConvTranspose", names, conv.Activation is null ? null : "conv",
            new OnnxAttribute("kernel_shape", [conv.KernelSize.Height, conv.KernelSize.Width]),
            new OnnxAttribute("strides", [conv.Strides.Height, conv.Strides.Width]),
            new OnnxAttribute("dilations", [conv.DilationRate.Height, conv.DilationRate.Width]),
            new OnnxAttribute("pads", [before[0], before[1], after[0], after[1]]),
            new OnnxAttribute("output_padding", extra), new OnnxAttribute("group", 1L));
        var value = x with { Name = y, Shape = new Shape(x.Shape[0], conv.Filters, output[0], output[1]) };
        return context.Activate(conv.Activation, value);
    }
}
