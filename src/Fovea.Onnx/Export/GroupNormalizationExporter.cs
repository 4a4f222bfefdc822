using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>
/// GroupNormalization (ONNX's GroupNormalization with per-channel scale is opset 21): InstanceNormalization of x
/// reshaped to [N, groups, rest] with unit scale and zero bias, reshaped back, times γ[c], plus β[c].
/// </summary>
[OnnxExporter(typeof(GroupNormalization))]
internal sealed class GroupNormalizationExporter : LayerExporter<GroupNormalization>
{
    public override OnnxExportTensor Export(GroupNormalization layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        int groups = layer.Groups;
        if (x.Rank < 2 || x.Shape[1] % groups != 0)
            throw context.Unsupported($"{groups} groups do not divide the channels of input {x.Shape}");
        string grouped = context.Node("Reshape", [x.Name, context.Int64Constant([0, groups, -1])], "grouped");
        string normalized = context.Node("InstanceNormalization", [grouped,
            context.Constant(Enumerable.Repeat(1f, groups).ToArray()), context.Constant(new float[groups])],
            "normalized", new OnnxAttribute("epsilon", layer.Epsilon));
        bool last = layer.Gamma is null && layer.Beta is null;
        string y = context.Node("Reshape", [normalized, context.Node("Shape", [x.Name], "shape")],
            last ? null : "ungrouped");
        var channel = Enumerable.Repeat(1, x.Rank - 1).ToArray();
        channel[0] = x.Shape[1];
        if (layer.Gamma is { } gamma)
            y = context.Node("Mul", [y, context.Weight(gamma, new Shape(channel))],
                layer.Beta is null ? null : "scale");
        if (layer.Beta is { } beta)
            y = context.Node("Add", [y, context.Weight(beta, new Shape(channel))]);
        return x with { Name = y };
    }
}
