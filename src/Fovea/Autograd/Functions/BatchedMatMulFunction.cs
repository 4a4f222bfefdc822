using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// A batch of matrix products: a [B, m, k] · b [B, k, n] → [B, m, n], one <see cref="Gemm"/> call per batch entry.
/// Backward: da[i] = dy[i]·b[i]ᵀ, db[i] = a[i]ᵀ·dy[i].
/// </summary>
internal sealed class BatchedMatMulFunction(int batch, int m, int k, int n) : Function
{
    public override string Name => "BatchedMatMul";

    public static Tensor Apply(Tensor a, Tensor b)
    {
        if (a.Rank != 3 || b.Rank != 3 || a.Shape[0] != b.Shape[0] || a.Shape[2] != b.Shape[1])
            throw new ArgumentException($"MatMul: expected [B, m, k] and [B, k, n], received {a.Shape} and {b.Shape}");
        int batch = a.Shape[0], m = a.Shape[1], k = a.Shape[2], n = b.Shape[2];
        var y = Tensor.Empty([batch, m, n]);
        var (av, bv, yv) = (a.AsMemory(), b.AsMemory(), y.AsMemory());
        for (int i = 0; i < batch; i++)
        {
            Gemm.Multiply(false, false, m, n, k, av.Span.Slice(i * m * k, m * k), k, bv.Span.Slice(i * k * n, k * n), n,
                yv.Span.Slice(i * m * n, m * n), n, accumulate: false);
        }
        if (ShouldRecord(a, b))
            new BatchedMatMulFunction(batch, m, k, n).Record(y, a, b);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var (a, b) = (Inputs[0]!, Inputs[1]!);
        Tensor? da = NeedsGrad(0) ? Tensor.Empty(a.Shape) : null;
        Tensor? db = NeedsGrad(1) ? Tensor.Empty(b.Shape) : null;
        var g = dy.AsMemory();
        for (int i = 0; i < batch; i++)
        {
            var gi = g.Span.Slice(i * m * n, m * n);
            if (da is not null)
                Gemm.Multiply(false, true, m, k, n, gi, n, b.AsReadOnlySpan().Slice(i * k * n, k * n), n,
                    da.AsSpan().Slice(i * m * k, m * k), k, accumulate: false);
            if (db is not null)
                Gemm.Multiply(true, false, k, n, m, a.AsReadOnlySpan().Slice(i * m * k, m * k), k, gi, n,
                    db.AsSpan().Slice(i * k * n, k * n), n, accumulate: false);
        }
        return [da, db];
    }
}
