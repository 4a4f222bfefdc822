using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>
/// Packing for <see cref="Gemm"/>: copies a block of A or B into panels the micro-kernels read contiguously.
/// A panel has <c>lanes</c> values for each of its <c>kc</c> steps, dst[p·lanes + l], zero past <c>valid</c> lanes:
///   an A panel's lanes are MR rows of op(A), a B panel's lanes are NR columns of op(B).
/// Two source layouts cover all four transpose cases:
///   <see cref="Copy"/>       lanes contiguous in memory: src[p·ld + l]   (Aᵀ stored k×m; B stored k×n)
///   <see cref="Transpose"/>  steps contiguous in memory: src[l·ld + p]   (A stored m×k; Bᵀ stored n×k)
/// Reference twin: <see cref="Reference.ReferenceGemm"/> (through <see cref="Gemm"/>).
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>Packs <paramref name="total"/> lanes as consecutive <paramref name="lanes"/>-wide panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Panels(bool stepsContiguous, float* src, nint ld, int total, int kc, int lanes, float* dst)
    {
        for (int l0 = 0; l0 < total; l0 += lanes)
        {
            int valid = Math.Min(lanes, total - l0);
            if (stepsContiguous)
                Transpose(src + l0 * ld, ld, lanes, kc, valid, dst);
            else
                Copy(src + l0, ld, lanes, kc, valid, dst);
            dst += (nint)lanes * kc;
        }
    }

    /// <summary>dst[p·lanes + l] = src[p·ld + l] for l &lt; valid, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy(float* src, nint ld, int lanes, int kc, int valid, float* dst)
    {
        if (valid == lanes)
        {
            if (Vector512.IsHardwareAccelerated && lanes % 16 == 0)
                Copy512(src, ld, lanes, kc, dst);
            else if (Vector256.IsHardwareAccelerated && lanes % 8 == 0)
                Copy256(src, ld, lanes, kc, dst);
            else if (Vector128.IsHardwareAccelerated && lanes % 4 == 0)
                Copy128(src, ld, lanes, kc, dst);
            else
                CopyMixed(src, ld, lanes, kc, valid, dst);
            return;
        }
        CopyMixed(src, ld, lanes, kc, valid, dst);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Copy512(float* src, nint ld, int lanes, int kc, float* dst)
    {
        for (int p = 0; p < kc; p++)
        {
            for (int l = 0; l < lanes; l += 16)
                Vector512.Store(Vector512.Load(src + l), dst + l);
            src += ld;
            dst += lanes;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Copy256(float* src, nint ld, int lanes, int kc, float* dst)
    {
        for (int p = 0; p < kc; p++)
        {
            for (int l = 0; l < lanes; l += 8)
                Vector256.Store(Vector256.Load(src + l), dst + l);
            src += ld;
            dst += lanes;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Copy128(float* src, nint ld, int lanes, int kc, float* dst)
    {
        for (int p = 0; p < kc; p++)
        {
            for (int l = 0; l < lanes; l += 4)
                Vector128.Store(Vector128.Load(src + l), dst + l);
            src += ld;
            dst += lanes;
        }
    }

    /// <summary>Any width: the widest vectors that fit, then single values, then zeros to the panel's width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyMixed(float* src, nint ld, int lanes, int kc, int valid, float* dst)
    {
        for (int p = 0; p < kc; p++)
        {
            int l = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; l + 8 <= valid; l += 8)
                    Vector256.Store(Vector256.Load(src + l), dst + l);
            }
            if (Vector128.IsHardwareAccelerated)
            {
                for (; l + 4 <= valid; l += 4)
                    Vector128.Store(Vector128.Load(src + l), dst + l);
            }
            for (; l < valid; l++)
                dst[l] = src[l];
            for (; l < lanes; l++)
                dst[l] = 0f;
            src += ld;
            dst += lanes;
        }
    }

    /// <summary>dst[p·lanes + l] = src[l·ld + p] for l &lt; valid, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(float* src, nint ld, int lanes, int kc, int valid, float* dst)
    {
        // Steps in blocks of 8 (AVX) or 4 (SSE): each group of 8 or 4 lanes is one square transpose in registers,
        // so the destination fills contiguously (steps·lanes floats per block) while the lanes' rows stream in.
        int p = 0;
        if (Avx.IsSupported)
        {
            for (; p + 8 <= kc; p += 8)
            {
                float* d = dst + (nint)p * lanes;
                int l = 0;
                for (; l + 8 <= valid; l += 8)
                    Transpose8x8(src + l * ld + p, ld, d + l, lanes);
                for (; l + 4 <= valid; l += 4)
                {
                    Transpose4x4(src + l * ld + p, ld, d + l, lanes);
                    Transpose4x4(src + l * ld + p + 4, ld, d + 4 * lanes + l, lanes);
                }
                RemainingLanes(src + p, ld, lanes, 8, l, valid, d);
            }
        }
        if (Sse.IsSupported)
        {
            for (; p + 4 <= kc; p += 4)
            {
                float* d = dst + (nint)p * lanes;
                int l = 0;
                for (; l + 4 <= valid; l += 4)
                    Transpose4x4(src + l * ld + p, ld, d + l, lanes);
                RemainingLanes(src + p, ld, lanes, 4, l, valid, d);
            }
        }
        RemainingLanes(src + p, ld, lanes, kc - p, 0, valid, dst + (nint)p * lanes);
    }

    /// <summary>Lanes [from, lanes) of <paramref name="steps"/> steps one value at a time, zero past valid.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RemainingLanes(float* src, nint ld, int lanes, int steps, int from, int valid, float* dst)
    {
        if (from >= lanes)
            return;
        for (int p = 0; p < steps; p++)
        {
            float* d = dst + (nint)p * lanes;
            int l = from;
            for (; l < valid; l++)
                d[l] = src[l * ld + p];
            if (l < lanes)
                new Span<float>(d + l, lanes - l).Clear();
        }
    }

    /// <summary>d[i·stride + j] = s[j·ld + i] for i, j &lt; 8, in AVX registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* s, nint ld, float* d, nint stride)
    {
        var r0 = Avx.LoadVector256(s);
        var r1 = Avx.LoadVector256(s + ld);
        var r2 = Avx.LoadVector256(s + 2 * ld);
        var r3 = Avx.LoadVector256(s + 3 * ld);
        var r4 = Avx.LoadVector256(s + 4 * ld);
        var r5 = Avx.LoadVector256(s + 5 * ld);
        var r6 = Avx.LoadVector256(s + 6 * ld);
        var r7 = Avx.LoadVector256(s + 7 * ld);
        var t0 = Avx.UnpackLow(r0, r1);    // a0 b0 a1 b1 | a4 b4 a5 b5
        var t1 = Avx.UnpackHigh(r0, r1);   // a2 b2 a3 b3 | a6 b6 a7 b7
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);  // a0 b0 c0 d0 | a4 b4 c4 d4
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);  // e0 f0 g0 h0 | e4 f4 g4 h4
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + stride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * stride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * stride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * stride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * stride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * stride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * stride, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>d[i·stride + j] = s[j·ld + i] for i, j &lt; 4, in SSE registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(float* s, nint ld, float* d, nint stride)
    {
        var r0 = Sse.LoadVector128(s);
        var r1 = Sse.LoadVector128(s + ld);
        var r2 = Sse.LoadVector128(s + 2 * ld);
        var r3 = Sse.LoadVector128(s + 3 * ld);
        var t0 = Sse.UnpackLow(r0, r1);   // a0 b0 a1 b1
        var t1 = Sse.UnpackLow(r2, r3);   // c0 d0 c1 d1
        var t2 = Sse.UnpackHigh(r0, r1);  // a2 b2 a3 b3
        var t3 = Sse.UnpackHigh(r2, r3);  // c2 d2 c3 d3
        Sse.Store(d, Sse.MoveLowToHigh(t0, t1));
        Sse.Store(d + stride, Sse.MoveHighToLow(t1, t0));
        Sse.Store(d + 2 * stride, Sse.MoveLowToHigh(t2, t3));
        Sse.Store(d + 3 * stride, Sse.MoveHighToLow(t3, t2));
    }

    /// <summary>Columns [col, col + width) of op(B) over depths [p0, p0 + kc) as rows: dst[j·kc + p] =
    /// op(B)[p0 + p, col + j], where op(B) is B (stored k×n) or, with <paramref name="transB"/>, Bᵀ (B stored n×k).</summary>
    public static void Columns(bool transB, float* b, nint ldb, int p0, int kc, int col, int width, float* dst)
    {
        for (int j = 0; j < width; j++)
        {
            float* d = dst + (nint)j * kc;
            if (transB)
            {
                new ReadOnlySpan<float>(b + (col + j) * ldb + p0, kc).CopyTo(new Span<float>(d, kc));
            }
            else
            {
                float* s = b + p0 * ldb + col + j;
                for (int p = 0; p < kc; p++)
                    d[p] = s[p * ldb];
            }
        }
    }

    /// <summary>Adds (or copies) the valid part of a full tile computed into scratch.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void StoreEdge(float* tile, int tileStride, float* c, nint ldc, int rows, int cols, bool load)
    {
        for (int i = 0; i < rows; i++)
        {
            float* t = tile + (nint)i * tileStride;
            float* cr = c + i * ldc;
            if (load)
            {
                for (int j = 0; j < cols; j++)
                    cr[j] += t[j];
            }
            else
            {
                for (int j = 0; j < cols; j++)
                    cr[j] = t[j];
            }
        }
    }
}
