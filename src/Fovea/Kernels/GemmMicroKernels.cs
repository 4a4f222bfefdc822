using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>
/// Register-tiled micro-kernels of <see cref="Gemm"/>: C[MR×w] (+)= op(A)[MR×kc]·op(B)[kc×w], C row-major with row
/// stride ldc. Vectors run along N and A values are broadcast, so each tile row is w/lanes accumulators; each
/// kernel is a small method of its own so the JIT keeps every accumulator in a register:
///   Vector512   8×48 (24 zmm accumulators), and 8×32, 8×16, 8×8 (ymm) for a last panel of ≤ 32, 16, 8 columns
///   Vector256   6×16 (12 ymm accumulators), and 6×8 for a last panel of ≤ 8 columns
///   Vector128   6×8  (12 xmm accumulators), packed operands only
///   scalar      4×4, packed operands only
/// Operands: the AVX-512 and AVX2 kernels read lane l (row of A, column of B) of step p at a[p·aks + l·ars] and
/// b[p·bks + l], which covers packed panels (ars 1, aks MR, bks NR) and operands read in place (ars lda, aks 1;
/// bks ldb). The others take packed panels: MR values of A and NR values of B per step.
/// <c>load</c> adds the existing C (accumulate) instead of overwriting it; C is never read when it is false.
/// Reference twin: <see cref="Reference.ReferenceGemm"/> (through <see cref="Gemm"/>).
/// </summary>
internal static unsafe class GemmMicroKernels
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(Vector512<float> v, float* c, bool load)
    {
        if (load)
            v += Vector512.Load(c);
        Vector512.Store(v, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(Vector256<float> v, float* c, bool load)
    {
        if (load)
            v += Vector256.Load(c);
        Vector256.Store(v, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(Vector128<float> v, float* c, bool load)
    {
        if (load)
            v += Vector128.Load(c);
        Vector128.Store(v, c);
    }

    /// <summary>Asks for the 8×48 C tile early, so its write-back does not wait on memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* c, nint ldc)
    {
        if (!Sse.IsSupported)
            return;
        for (int r = 0; r < 8; r++)
        {
            float* row = c + r * ldc;
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 16);
            Sse.Prefetch0(row + 32);
            Sse.Prefetch0(row + 47);
        }
    }

    /// <summary>An 8×w tile (w ≤ 4) as dot products along k, AVX-512: c[r·ldc + j] = Σ_p a[r·ars + p]·bt[j·kc + p],
    /// A's rows contiguous along k (read in place), bt the columns of op(B) as rows. Each column keeps 8 vector
    /// accumulators over 16 steps at a time, summed across lanes at the end; the last kc mod 16 steps are scalar.
    /// Overwrites c (the caller adds it to C).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Dot8(int kc, float* a, nint ars, float* bt, int w, float* c, nint ldc)
    {
        int body = kc & ~15;
        for (int j = 0; j < w; j++)
        {
            float* bj = bt + (nint)j * kc;
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector512<float> s4 = default, s5 = default, s6 = default, s7 = default;
            float* a0 = a;
            for (int p = 0; p < body; p += 16)
            {
                var bv = Vector512.Load(bj + p);
                float* ap = a0 + p;
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(ap), bv, s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(ap + ars), bv, s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.Load(ap + 2 * ars), bv, s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.Load(ap + 3 * ars), bv, s3);
                s4 = Vector512.FusedMultiplyAdd(Vector512.Load(ap + 4 * ars), bv, s4);
                s5 = Vector512.FusedMultiplyAdd(Vector512.Load(ap + 5 * ars), bv, s5);
                s6 = Vector512.FusedMultiplyAdd(Vector512.Load(ap + 6 * ars), bv, s6);
                s7 = Vector512.FusedMultiplyAdd(Vector512.Load(ap + 7 * ars), bv, s7);
            }
            c[j] = Tail(Vector512.Sum(s0), a0, bj, body, kc);
            c[ldc + j] = Tail(Vector512.Sum(s1), a0 + ars, bj, body, kc);
            c[2 * ldc + j] = Tail(Vector512.Sum(s2), a0 + 2 * ars, bj, body, kc);
            c[3 * ldc + j] = Tail(Vector512.Sum(s3), a0 + 3 * ars, bj, body, kc);
            c[4 * ldc + j] = Tail(Vector512.Sum(s4), a0 + 4 * ars, bj, body, kc);
            c[5 * ldc + j] = Tail(Vector512.Sum(s5), a0 + 5 * ars, bj, body, kc);
            c[6 * ldc + j] = Tail(Vector512.Sum(s6), a0 + 6 * ars, bj, body, kc);
            c[7 * ldc + j] = Tail(Vector512.Sum(s7), a0 + 7 * ars, bj, body, kc);
        }

        static float Tail(float sum, float* row, float* col, int from, int to)
        {
            for (int p = from; p < to; p++)
                sum = MathF.FusedMultiplyAdd(row[p], col[p], sum);
            return sum;
        }
    }

    /// <summary>8×48 tile, AVX-512.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Kernel8x48(int kc, float* a, nint ars, nint aks, float* b, nint bks, float* c, nint ldc,
        bool load)
    {
        PrefetchTile(c, ldc);
        Vector512<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default;
        Vector512<float> c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        nint a1 = ars, a2 = 2 * ars, a3 = 3 * ars, a4 = 4 * ars, a5 = 5 * ars, a6 = 6 * ars, a7 = 7 * ars;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var b2 = Vector512.Load(b + 32);
            var av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            c02 = Vector512.FusedMultiplyAdd(av, b2, c02);
            av = Vector512.Create(a[a1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            c12 = Vector512.FusedMultiplyAdd(av, b2, c12);
            av = Vector512.Create(a[a2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            c22 = Vector512.FusedMultiplyAdd(av, b2, c22);
            av = Vector512.Create(a[a3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            c32 = Vector512.FusedMultiplyAdd(av, b2, c32);
            av = Vector512.Create(a[a4]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            c42 = Vector512.FusedMultiplyAdd(av, b2, c42);
            av = Vector512.Create(a[a5]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            c52 = Vector512.FusedMultiplyAdd(av, b2, c52);
            av = Vector512.Create(a[a6]);
            c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            c62 = Vector512.FusedMultiplyAdd(av, b2, c62);
            av = Vector512.Create(a[a7]);
            c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
            c72 = Vector512.FusedMultiplyAdd(av, b2, c72);
            a += aks;
            b += bks;
        }
        Put(c00, c, load);
        Put(c01, c + 16, load);
        Put(c02, c + 32, load);
        c += ldc;
        Put(c10, c, load);
        Put(c11, c + 16, load);
        Put(c12, c + 32, load);
        c += ldc;
        Put(c20, c, load);
        Put(c21, c + 16, load);
        Put(c22, c + 32, load);
        c += ldc;
        Put(c30, c, load);
        Put(c31, c + 16, load);
        Put(c32, c + 32, load);
        c += ldc;
        Put(c40, c, load);
        Put(c41, c + 16, load);
        Put(c42, c + 32, load);
        c += ldc;
        Put(c50, c, load);
        Put(c51, c + 16, load);
        Put(c52, c + 32, load);
        c += ldc;
        Put(c60, c, load);
        Put(c61, c + 16, load);
        Put(c62, c + 32, load);
        c += ldc;
        Put(c70, c, load);
        Put(c71, c + 16, load);
        Put(c72, c + 32, load);
    }

    /// <summary>8×32 tile, AVX-512.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Kernel8x32(int kc, float* a, nint ars, nint aks, float* b, nint bks, float* c, nint ldc,
        bool load)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        nint a1 = ars, a2 = 2 * ars, a3 = 3 * ars, a4 = 4 * ars, a5 = 5 * ars, a6 = 6 * ars, a7 = 7 * ars;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[a1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[a2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[a3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[a4]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[a5]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[a6]);
            c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[a7]);
            c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
            a += aks;
            b += bks;
        }
        Put(c00, c, load);
        Put(c01, c + 16, load);
        c += ldc;
        Put(c10, c, load);
        Put(c11, c + 16, load);
        c += ldc;
        Put(c20, c, load);
        Put(c21, c + 16, load);
        c += ldc;
        Put(c30, c, load);
        Put(c31, c + 16, load);
        c += ldc;
        Put(c40, c, load);
        Put(c41, c + 16, load);
        c += ldc;
        Put(c50, c, load);
        Put(c51, c + 16, load);
        c += ldc;
        Put(c60, c, load);
        Put(c61, c + 16, load);
        c += ldc;
        Put(c70, c, load);
        Put(c71, c + 16, load);
    }

    /// <summary>8×16 tile, AVX-512.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Kernel8x16(int kc, float* a, nint ars, nint aks, float* b, nint bks, float* c, nint ldc,
        bool load)
    {
        Vector512<float> c00 = default, c10 = default, c20 = default, c30 = default;
        Vector512<float> c40 = default, c50 = default, c60 = default, c70 = default;
        nint a1 = ars, a2 = 2 * ars, a3 = 3 * ars, a4 = 4 * ars, a5 = 5 * ars, a6 = 6 * ars, a7 = 7 * ars;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            c00 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c00);
            c10 = Vector512.FusedMultiplyAdd(Vector512.Create(a[a1]), b0, c10);
            c20 = Vector512.FusedMultiplyAdd(Vector512.Create(a[a2]), b0, c20);
            c30 = Vector512.FusedMultiplyAdd(Vector512.Create(a[a3]), b0, c30);
            c40 = Vector512.FusedMultiplyAdd(Vector512.Create(a[a4]), b0, c40);
            c50 = Vector512.FusedMultiplyAdd(Vector512.Create(a[a5]), b0, c50);
            c60 = Vector512.FusedMultiplyAdd(Vector512.Create(a[a6]), b0, c60);
            c70 = Vector512.FusedMultiplyAdd(Vector512.Create(a[a7]), b0, c70);
            a += aks;
            b += bks;
        }
        Put(c00, c, load);
        c += ldc;
        Put(c10, c, load);
        c += ldc;
        Put(c20, c, load);
        c += ldc;
        Put(c30, c, load);
        c += ldc;
        Put(c40, c, load);
        c += ldc;
        Put(c50, c, load);
        c += ldc;
        Put(c60, c, load);
        c += ldc;
        Put(c70, c, load);
    }

    /// <summary>8×8 tile with 256-bit vectors, for a last panel of at most 8 columns on the AVX-512 path.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Kernel8x8(int kc, float* a, nint ars, nint aks, float* b, nint bks, float* c, nint ldc,
        bool load)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector256<float> c4 = default, c5 = default, c6 = default, c7 = default;
        nint a1 = ars, a2 = 2 * ars, a3 = 3 * ars, a4 = 4 * ars, a5 = 5 * ars, a6 = 6 * ars, a7 = 7 * ars;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            c0 = Vector256.FusedMultiplyAdd(Vector256.Create(a[0]), b0, c0);
            c1 = Vector256.FusedMultiplyAdd(Vector256.Create(a[a1]), b0, c1);
            c2 = Vector256.FusedMultiplyAdd(Vector256.Create(a[a2]), b0, c2);
            c3 = Vector256.FusedMultiplyAdd(Vector256.Create(a[a3]), b0, c3);
            c4 = Vector256.FusedMultiplyAdd(Vector256.Create(a[a4]), b0, c4);
            c5 = Vector256.FusedMultiplyAdd(Vector256.Create(a[a5]), b0, c5);
            c6 = Vector256.FusedMultiplyAdd(Vector256.Create(a[a6]), b0, c6);
            c7 = Vector256.FusedMultiplyAdd(Vector256.Create(a[a7]), b0, c7);
            a += aks;
            b += bks;
        }
        Put(c0, c, load);
        Put(c1, c + 1 * ldc, load);
        Put(c2, c + 2 * ldc, load);
        Put(c3, c + 3 * ldc, load);
        Put(c4, c + 4 * ldc, load);
        Put(c5, c + 5 * ldc, load);
        Put(c6, c + 6 * ldc, load);
        Put(c7, c + 7 * ldc, load);
    }

    /// <summary>6×16 tile, 256-bit vectors (AVX2 path).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Kernel6x16(int kc, float* a, nint ars, nint aks, float* b, nint bks, float* c, nint ldc,
        bool load)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint a1 = ars, a2 = 2 * ars, a3 = 3 * ars, a4 = 4 * ars, a5 = 5 * ars;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]);
            c00 = Vector256.MultiplyAddEstimate(av, b0, c00);
            c01 = Vector256.MultiplyAddEstimate(av, b1, c01);
            av = Vector256.Create(a[a1]);
            c10 = Vector256.MultiplyAddEstimate(av, b0, c10);
            c11 = Vector256.MultiplyAddEstimate(av, b1, c11);
            av = Vector256.Create(a[a2]);
            c20 = Vector256.MultiplyAddEstimate(av, b0, c20);
            c21 = Vector256.MultiplyAddEstimate(av, b1, c21);
            av = Vector256.Create(a[a3]);
            c30 = Vector256.MultiplyAddEstimate(av, b0, c30);
            c31 = Vector256.MultiplyAddEstimate(av, b1, c31);
            av = Vector256.Create(a[a4]);
            c40 = Vector256.MultiplyAddEstimate(av, b0, c40);
            c41 = Vector256.MultiplyAddEstimate(av, b1, c41);
            av = Vector256.Create(a[a5]);
            c50 = Vector256.MultiplyAddEstimate(av, b0, c50);
            c51 = Vector256.MultiplyAddEstimate(av, b1, c51);
            a += aks;
            b += bks;
        }
        Put(c00, c, load);
        Put(c01, c + 8, load);
        c += ldc;
        Put(c10, c, load);
        Put(c11, c + 8, load);
        c += ldc;
        Put(c20, c, load);
        Put(c21, c + 8, load);
        c += ldc;
        Put(c30, c, load);
        Put(c31, c + 8, load);
        c += ldc;
        Put(c40, c, load);
        Put(c41, c + 8, load);
        c += ldc;
        Put(c50, c, load);
        Put(c51, c + 8, load);
    }

    /// <summary>6×8 tile, 256-bit vectors (AVX2 path), for a last panel of at most 8 columns.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Kernel6x8Avx(int kc, float* a, nint ars, nint aks, float* b, nint bks, float* c, nint ldc,
        bool load)
    {
        Vector256<float> c00 = default, c10 = default, c20 = default, c30 = default, c40 = default, c50 = default;
        nint a1 = ars, a2 = 2 * ars, a3 = 3 * ars, a4 = 4 * ars, a5 = 5 * ars;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            c00 = Vector256.MultiplyAddEstimate(Vector256.Create(a[0]), b0, c00);
            c10 = Vector256.MultiplyAddEstimate(Vector256.Create(a[a1]), b0, c10);
            c20 = Vector256.MultiplyAddEstimate(Vector256.Create(a[a2]), b0, c20);
            c30 = Vector256.MultiplyAddEstimate(Vector256.Create(a[a3]), b0, c30);
            c40 = Vector256.MultiplyAddEstimate(Vector256.Create(a[a4]), b0, c40);
            c50 = Vector256.MultiplyAddEstimate(Vector256.Create(a[a5]), b0, c50);
            a += aks;
            b += bks;
        }
        Put(c00, c, load);
        c += ldc;
        Put(c10, c, load);
        c += ldc;
        Put(c20, c, load);
        c += ldc;
        Put(c30, c, load);
        c += ldc;
        Put(c40, c, load);
        c += ldc;
        Put(c50, c, load);
    }

    /// <summary>6×8 tile, 128-bit vectors: Ã is 6 values per p, B̃ 8 values per p (packed only).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Kernel6x8(int kc, float* a, float* b, float* c, nint ldc, bool load)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var av = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(av, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(av, b1, c01);
            av = Vector128.Create(a[1]);
            c10 = Vector128.MultiplyAddEstimate(av, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(av, b1, c11);
            av = Vector128.Create(a[2]);
            c20 = Vector128.MultiplyAddEstimate(av, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(av, b1, c21);
            av = Vector128.Create(a[3]);
            c30 = Vector128.MultiplyAddEstimate(av, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(av, b1, c31);
            av = Vector128.Create(a[4]);
            c40 = Vector128.MultiplyAddEstimate(av, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(av, b1, c41);
            av = Vector128.Create(a[5]);
            c50 = Vector128.MultiplyAddEstimate(av, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(av, b1, c51);
            a += 6;
            b += 8;
        }
        Put(c00, c, load);
        Put(c01, c + 4, load);
        c += ldc;
        Put(c10, c, load);
        Put(c11, c + 4, load);
        c += ldc;
        Put(c20, c, load);
        Put(c21, c + 4, load);
        c += ldc;
        Put(c30, c, load);
        Put(c31, c + 4, load);
        c += ldc;
        Put(c40, c, load);
        Put(c41, c + 4, load);
        c += ldc;
        Put(c50, c, load);
        Put(c51, c + 4, load);
    }

    /// <summary>4×4 tile in scalar code: Ã is 4 values per p, B̃ 4 values per p (packed only).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Kernel4x4(int kc, float* a, float* b, float* c, nint ldc, bool load)
    {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            float av = a[0];
            c00 += av * b0;
            c01 += av * b1;
            c02 += av * b2;
            c03 += av * b3;
            av = a[1];
            c10 += av * b0;
            c11 += av * b1;
            c12 += av * b2;
            c13 += av * b3;
            av = a[2];
            c20 += av * b0;
            c21 += av * b1;
            c22 += av * b2;
            c23 += av * b3;
            av = a[3];
            c30 += av * b0;
            c31 += av * b1;
            c32 += av * b2;
            c33 += av * b3;
            a += 4;
            b += 4;
        }
        PutRow(c, c00, c01, c02, c03, load);
        PutRow(c + ldc, c10, c11, c12, c13, load);
        PutRow(c + 2 * ldc, c20, c21, c22, c23, load);
        PutRow(c + 3 * ldc, c30, c31, c32, c33, load);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutRow(float* c, float v0, float v1, float v2, float v3, bool load)
    {
        if (load)
        {
            v0 += c[0];
            v1 += c[1];
            v2 += c[2];
            v3 += c[3];
        }
        c[0] = v0;
        c[1] = v1;
        c[2] = v2;
        c[3] = v3;
    }
}
