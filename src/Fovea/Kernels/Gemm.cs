using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Single-precision matrix product, row-major: C[m×n] = op(A)[m×k]·op(B)[k×n] (+ C when accumulating).
/// op(A) = A stored m×k with row stride lda, or Aᵀ of an A stored k×m (transA); likewise B (k×n, or n×k with transB).
/// Must match <see cref="Reference.ReferenceGemm"/> to float rounding.
/// This is the simple blocked version; the packed, register-tiled kernel replaces its body.
/// </summary>
internal static unsafe class Gemm
{
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        if (m == 0 || n == 0)
            return;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
            Multiply(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
    }

    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            float* crow = c + (long)i * ldc;
            if (!accumulate)
                new Span<float>(crow, n).Clear();
            for (int p = 0; p < k; p++)
            {
                float av = transA ? a[(long)p * lda + i] : a[(long)i * lda + p];
                if (transB)
                {
                    for (int j = 0; j < n; j++)
                        crow[j] += av * b[(long)j * ldb + p];
                }
                else
                {
                    float* brow = b + (long)p * ldb;
                    int j = 0;
                    if (Vector256.IsHardwareAccelerated)
                    {
                        var va = Vector256.Create(av);
                        for (; j <= n - 8; j += 8)
                            Vector256.Store(Vector256.FusedMultiplyAdd(va, Vector256.Load(brow + j), Vector256.Load(crow + j)), crow + j);
                    }
                    for (; j < n; j++)
                        crow[j] += av * brow[j];
                }
            }
        }
    }
}
