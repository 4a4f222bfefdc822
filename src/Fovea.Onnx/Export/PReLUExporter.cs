using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>PReLU with one slope per channel: the slope [C] reshaped to [C, 1, ...] to broadcast over x.</summary>
[OnnxExporter(typeof(PReLU))]
internal sealed class PReLUExporter : LayerExporter<PReLU>
{
    public override OnnxExportTensor Export(PReLU prelu, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank < 2)
            throw context.Unsupported($"expected input [N, C, ...], received {x.Shape}");
        var slopeShape = new Shape([prelu.Alpha.Length, .. Enumerable.Repeat(1, x.Rank - 2)]);
        return x with { Name = context.Node("PRelu", [x.Name, context.Weight(prelu.Alpha, slopeShape)]) };
    }
}
