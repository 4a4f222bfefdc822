using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>Dense: Gemm(x, W, b, transB) on [N, in]; MatMul with Wᵀ and Add of b above two dimensions; then the
/// fused activation.</summary>
[OnnxExporter(typeof(Dense))]
internal sealed class DenseExporter : LayerExporter<Dense>
{
    public override OnnxExportTensor Export(Dense dense, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        var shape = x.Shape.With(x.Rank - 1, dense.Units);
        string? suffix = dense.Activation is null ? null : "linear";
        string y;
        if (x.Rank == 2)
        {
            var names = new List<string> { x.Name, context.Weight(dense.Kernel) };
            if (dense.Bias is not null)
                names.Add(context.Weight(dense.Bias));
            y = context.Node("Gemm", names, suffix, new OnnxAttribute("transB", 1L));
        }
        else
        {
            y = context.Node("MatMul", [x.Name, context.Weight(dense.Kernel, transposed: true)],
                dense.Bias is null ? suffix : "matmul");
            if (dense.Bias is not null)
                y = context.Node("Add", [y, context.Weight(dense.Bias)], suffix);
        }
        return context.Activate(dense.Activation, x with { Name = y, Shape = shape });
    }
}
