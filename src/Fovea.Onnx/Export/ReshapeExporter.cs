using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>
/// Reshape: [N, ...] → [N, ...target] (Reshape with the shape [0, ...target]: the 0 copies the input's axis 0, the
/// running batch, and a −1 in the target is inferred per sample as in Fovea).
/// </summary>
[OnnxExporter(typeof(Reshape))]
internal sealed class ReshapeExporter : LayerExporter<Reshape>
{
    public override OnnxExportTensor Export(Reshape reshape, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank < 1 || x.Shape[0] == 0)
            throw context.Unsupported($"expected input [N, ...] with N > 0, received {x.Shape}");
        int[] target = reshape.TargetShapeFor(x.Shape.Length / x.Shape[0])
            ?? throw context.Unsupported($"cannot reshape input {x.Shape} to " +
                $"[N, {string.Join(", ", reshape.TargetShape)}]");
        long[] shape = [0, .. reshape.TargetShape.Select(d => (long)d)];
        string y = context.Node("Reshape", [x.Name, context.Int64Constant(shape)]);
        return x with { Name = y, Shape = new Shape([x.Shape[0], .. target]) };
    }
}
