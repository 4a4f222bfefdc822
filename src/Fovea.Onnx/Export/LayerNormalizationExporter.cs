using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>
/// LayerNormalization over Keras axes: ONNX LayerNormalization (which normalises the trailing axes from its
/// <c>axis</c> on) with γ as Scale (ones when scale is off: ONNX requires a Scale) and β as B (absent when center is
/// off). Axes that are not trailing (axis 1 of NCHW, or [1, 3]) are moved last in ascending order by a Transpose,
/// where γ's layout already puts them, and moved back after; this is how Fovea computes them too.
/// </summary>
[OnnxExporter(typeof(LayerNormalization))]
internal sealed class LayerNormalizationExporter : LayerExporter<LayerNormalization>
{
    public override OnnxExportTensor Export(LayerNormalization ln, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        int rank = x.Rank;
        int[] axes = ln.Axis.Select(a => a < 0 ? a + rank : a).Order().ToArray();
        if (axes.Any(a => a <= 0 || a >= rank) || axes.Distinct().Count() != axes.Length)
            throw context.Unsupported($"axes [{string.Join(", ", ln.Axis)}] do not name distinct non-batch axes of " +
                $"input {x.Shape}");
        int k = axes.Length;
        var normalized = new Shape(axes.Select(a => x.Shape[a]).ToArray());
        var names = new List<string>
        {
            "", ln.Gamma is { } gamma ? context.Weight(gamma, normalized)
                : context.Constant(Enumerable.Repeat(1f, normalized.Length).ToArray(), normalized.ToArray()),
        };
        if (ln.Beta is { } beta)
            names.Add(context.Weight(beta, normalized));
        var epsilon = new OnnxAttribute("epsilon", ln.Epsilon);
        var first = new OnnxAttribute("axis", (long)(rank - k));
        if (axes[0] == rank - k)
        {
            names[0] = x.Name;
            return x with { Name = context.Node("LayerNormalization", names, null, first, epsilon) };
        }
        int[] perm = [.. Enumerable.Range(0, rank).Where(d => !axes.Contains(d)), .. axes];
        var inverse = new int[rank];
        for (int i = 0; i < rank; i++)
            inverse[perm[i]] = i;
        names[0] = context.Node("Transpose", [x.Name], "to_last", new OnnxAttribute("perm", perm));
        string y = context.Node("LayerNormalization", names, "normalize", first, epsilon);
        return x with { Name = context.Node("Transpose", [y], null, new OnnxAttribute("perm", inverse)) };
    }
}
