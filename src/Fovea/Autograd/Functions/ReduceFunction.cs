using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>The reductions of <see cref="ReduceFunction"/>.</summary>
internal enum ReduceKind
{
    Sum,
    Mean,
    Max,
    Min,
}

/// <summary>
/// Sum, mean, max or min over some axes, keeping them as size 1 (reshape afterwards to drop them). Backward
/// broadcasts dy back (÷ count for the mean; only to the extreme elements for max and min).
/// </summary>
internal sealed class ReduceFunction(ReduceKind kind, int[] map, int count) : Function
{
    private Tensor? _y;

    public override string Name => "Reduce" + kind;

    public static Tensor Apply(Tensor x, bool[] reduced, ReduceKind kind)
    {
        var inDims = x.Shape.Dims;
        var outDims = inDims.Select((d, i) => reduced[i] ? 1 : d).ToArray();
        int count = 1;
        for (int d = 0; d < inDims.Length; d++)
            count *= reduced[d] ? inDims[d] : 1;
        var y = Tensor.Empty(new Shape(outDims));
        int[] map = [];
        if (kind is ReduceKind.Sum or ReduceKind.Mean)
        {
            Broadcast.SumTo(x.AsReadOnlySpan(), inDims, y.AsSpan(), outDims);
            if (kind == ReduceKind.Mean)
                Elementwise.Scale(y.AsReadOnlySpan(), 1f / Math.Max(1, count), y.AsSpan());
        }
        else
        {
            if (count == 0)
                throw new ArgumentException($"Reduce{kind}: cannot reduce the empty axes of {x.Shape}");
            map = ReduceKernels.OutputIndexMap(inDims, outDims);
            ReduceKernels.Extreme(x.AsReadOnlySpan(), map, y.AsSpan(), kind == ReduceKind.Max);
        }
        if (ShouldRecord(x))
        {
            if (map.Length == 0 && x.Length > 0)
                map = ReduceKernels.OutputIndexMap(inDims, outDims);
            new ReduceFunction(kind, map, count) { _y = y }.Record(y, x);
        }
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var x = Inputs[0]!;
        var dx = Tensor.Empty(x.Shape);
        if (kind is ReduceKind.Sum or ReduceKind.Mean)
        {
            IndexMaps.Gather(dy.AsReadOnlySpan(), map, dx.AsSpan(), 0f);
            if (kind == ReduceKind.Mean)
                Elementwise.Scale(dx.AsReadOnlySpan(), 1f / Math.Max(1, count), dx.AsSpan());
        }
        else
        {
            ReduceKernels.ExtremeBackward(x.AsReadOnlySpan(), _y!.AsReadOnlySpan(), dy.AsReadOnlySpan(), map,
                dx.AsSpan());
        }
        return [dx];
    }
}
