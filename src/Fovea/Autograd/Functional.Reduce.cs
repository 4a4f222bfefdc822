using Fovea.Autograd.Functions;
using Fovea.Tensors;

namespace Fovea.Autograd;

public static partial class Functional
{
    /// <summary>Sum over <paramref name="axes"/> (all axes when empty); <paramref name="keepDims"/> keeps them as
    /// 1.</summary>
    public static Tensor Sum(Tensor x, int[] axes, bool keepDims = false) => Reduce(x, axes, keepDims, ReduceKind.Sum);

    /// <summary>Mean over <paramref name="axes"/> (all axes when empty).</summary>
    public static Tensor Mean(Tensor x, int[] axes, bool keepDims = false) => Reduce(x, axes, keepDims,
        ReduceKind.Mean);

    /// <summary>Maximum over <paramref name="axes"/> (all axes when empty); the gradient goes to the maxima.</summary>
    public static Tensor Max(Tensor x, int[] axes, bool keepDims = false) => Reduce(x, axes, keepDims, ReduceKind.Max);

    /// <summary>Minimum over <paramref name="axes"/> (all axes when empty); the gradient goes to the minima.</summary>
    public static Tensor Min(Tensor x, int[] axes, bool keepDims = false) => Reduce(x, axes, keepDims, ReduceKind.Min);

    private static Tensor Reduce(Tensor x, int[] axes, bool keepDims, ReduceKind kind)
    {
        var reduced = new bool[x.Rank];
        if (axes.Length == 0)
            Array.Fill(reduced, true);
        foreach (int a in axes)
            reduced[x.Shape.NormalizeAxis(a)] = true;
        var y = ReduceFunction.Apply(x, reduced, kind);
        if (keepDims)
            return y;
        var dims = x.Shape.Dims.Where((_, i) => !reduced[i]).ToArray();
        return ReshapeFunction.Apply(y, new Shape(dims));
    }
}
