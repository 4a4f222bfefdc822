using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Matrix product a [m, k] · b [k, n] → [m, n]; backward da = dy·bᵀ, db = aᵀ·dy.</summary>
internal sealed class MatMulFunction(int m, int k, int n) : Function
{
    public static Tensor Apply(Tensor a, Tensor b)
    {
        if (a.Rank != 2 || b.Rank != 2 || a.Shape[1] != b.Shape[0])
            throw new ArgumentException($"MatMul: expected [m, k] and [k, n], received {a.Shape} and {b.Shape}");
        int m = a.Shape[0], k = a.Shape[1], n = b.Shape[1];
        var y = Tensor.Empty([m, n]);
        Gemm.Multiply(false, false, m, n, k, a.AsReadOnlySpan(), k, b.AsReadOnlySpan(), n, y.AsSpan(), n, accumulate: false);
        if (ShouldRecord(a, b))
            new MatMulFunction(m, k, n).Record(y, a, b);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var (a, b) = (Inputs[0]!, Inputs[1]!);
        Tensor? da = null, db = null;
        if (NeedsGrad(0))
        {
            da = Tensor.Empty(a.Shape);
            Gemm.Multiply(false, true, m, k, n, dy.AsReadOnlySpan(), n, b.AsReadOnlySpan(), n, da.AsSpan(), k, accumulate: false);
        }
        if (NeedsGrad(1))
        {
            db = Tensor.Empty(b.Shape);
            Gemm.Multiply(true, false, k, n, m, a.AsReadOnlySpan(), k, dy.AsReadOnlySpan(), n, db.AsSpan(), n, accumulate: false);
        }
        return [da, db];
    }
}
