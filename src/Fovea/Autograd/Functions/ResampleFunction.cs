using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Resampling along one axis with fixed taps and weights (see <see cref="ResampleKernels"/>).</summary>
internal sealed class ResampleFunction(int axis, int[] idx, float[] w, int taps) : Function
{
    public override string Name => "Resample";

    public static Tensor Apply(Tensor x, int axis, int outSize, int[] idx, float[] w, int taps)
    {
        var (outer, inSize, inner) = Split(x.Shape, axis);
        var y = Tensor.Empty(x.Shape.With(axis, outSize));
        ResampleKernels.Forward(x.AsReadOnlySpan(), y.AsSpan(), outer, inSize, inner, outSize, idx, w, taps);
        if (ShouldRecord(x))
            new ResampleFunction(axis, idx, w, taps).Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var x = Inputs[0]!;
        var (outer, inSize, inner) = Split(x.Shape, axis);
        var dx = Tensor.Empty(x.Shape);
        ResampleKernels.Backward(dy.AsReadOnlySpan(), dx.AsSpan(), outer, inSize, inner, dy.Shape[axis], idx, w, taps);
        return [dx];
    }

    private static (int Outer, int Size, int Inner) Split(Shape s, int axis)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++)
            outer *= s[d];
        for (int d = axis + 1; d < s.Rank; d++)
            inner *= s[d];
        return (outer, s[axis], inner);
    }
}
