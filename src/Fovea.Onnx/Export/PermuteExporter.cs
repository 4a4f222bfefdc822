using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>Permute: Transpose with perm [0, ...dims] (Keras's dims are 1-based sample axes; the batch stays
/// first).</summary>
[OnnxExporter(typeof(Permute))]
internal sealed class PermuteExporter : LayerExporter<Permute>
{
    public override OnnxExportTensor Export(Permute permute, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != permute.Dims.Count + 1)
            throw context.Unsupported($"expected input of rank {permute.Dims.Count + 1}, received {x.Shape}");
        int[] perm = [0, .. permute.Dims];
        string y = context.Node("Transpose", [x.Name], null, new OnnxAttribute("perm", perm));
        return x with { Name = y, Shape = new Shape(perm.Select(d => x.Shape[d]).ToArray()) };
    }
}
