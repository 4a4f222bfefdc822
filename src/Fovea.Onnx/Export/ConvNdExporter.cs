using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>Conv1D and Conv3D: Conv with explicit pads [before..., after...] (Same and Causal resolved for the input
/// size), then the fused activation.</summary>
[OnnxExporter(typeof(BaseConvNd))]
internal sealed class ConvNdExporter : LayerExporter<BaseConvNd>
{
    public override OnnxExportTensor Export(BaseConvNd conv, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != conv.SpatialRank + 2)
            throw context.Unsupported($"expected input with {conv.SpatialRank} spatial axes, received {x.Shape}");
        var spatial = x.Shape.Dims[2..];
        var (before, after) = conv.Pads(spatial);
        var names = new List<string> { x.Name, context.Weight(conv.Kernel) };
        if (conv.Bias is not null)
            names.Add(context.Weight(conv.Bias));
        string y = context.Node("Conv", names, conv.Activation is null ? null : "conv",
            new OnnxAttribute("kernel_shape", [.. conv.KernelSizes]),
            new OnnxAttribute("strides", [.. conv.StrideSizes]),
            new OnnxAttribute("dilations", [.. conv.DilationRates]), new OnnxAttribute("pads", [.. before, .. after]),
            new OnnxAttribute("group", (long)conv.Groups));
        var o = conv.OutputSpatial(spatial)!;
        var value = x with { Name = y, Shape = new Shape([x.Shape[0], conv.Filters, .. o]) };
        return context.Activate(conv.Activation, value);
    }
}
