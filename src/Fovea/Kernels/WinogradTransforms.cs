using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>
/// The tile transforms of Winograd F(2×2, 3×3) (Lavin and Gray, 2016) for <see cref="Winograd"/>. One call handles
/// one row of tiles of one channel: tile j covers output columns 2j, 2j+1 and input columns 2j .. 2j+3 of the
/// (padded) rows it is given. Transformed tiles are stored as 16 planes, value ξ = 4p + q of tile j at
/// dst[ξ·plane + j], so the 16 per-point GEMMs see the tiles as contiguous columns.
///   input      V = Bᵀ d B      (d a 4×4 input tile)          Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
///   output     y = Aᵀ m A      (m a 4×4 product, y 2×2)      Aᵀ = [1 1 1 0; 0 1 −1 −1]
///   gradient   Ŷ = A dy Aᵀ     (dy a 2×2 output gradient)    (the adjoint of the output transform)
///   weights    U = G w Gᵀ      (w 3×3)                       G  = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
///   weight gradient  dw = Gᵀ M G  (the adjoint of the weight transform)
/// With AVX-512 a call works on 16 tiles per step: the even and odd columns of the rows are split with two-source
/// permutes, so every value of a step is one vector. Stores into planes round up to a multiple of 16 tiles (the
/// caller leaves room); stores into an image stop at its edge. Without AVX-512 the same arithmetic runs per tile.
/// Reference twin: <see cref="Reference.ReferenceConv2D"/> (through <see cref="Winograd"/>).
/// </summary>
internal static unsafe class WinogradTransforms
{
    /// <summary>Tiles a plane row must have room for beyond <paramref name="tiles"/> (vector stores run on).</summary>
    public static int RoundUp16(int tiles) => (tiles + 15) & ~15;

    /// <summary>V = Bᵀ d B for <paramref name="tiles"/> tiles. Tile j reads columns x0 + 2j .. x0 + 2j + 3 of the
    /// rows r0..r3 of width <paramref name="w"/>; columns outside [0, w) and null rows read as zero.</summary>
    public static void Input(float* r0, float* r1, float* r2, float* r3, int x0, int w, int tiles, float* v,
        nint plane)
    {
        if (Avx512F.IsSupported)
            Input512(r0, r1, r2, r3, x0, w, tiles, v, plane);
        else
            InputScalar(r0, r1, r2, r3, x0, w, tiles, v, plane);
    }

    /// <summary>Rows 2i (and 2i+1 when <paramref name="y1"/> is not null) of y = Aᵀ m A + bias, columns below
    /// <paramref name="ow"/>.</summary>
    public static void Output(float* m, nint plane, int tiles, float bias, float* y0, float* y1, int ow)
    {
        if (Avx512F.IsSupported)
            Output512(m, plane, tiles, bias, y0, y1, ow);
        else
            OutputScalar(m, plane, tiles, bias, y0, y1, ow);
    }

    /// <summary>Ŷ = A dy Aᵀ of the tiles in rows g0, g1 (width <paramref name="w"/>; g1 null past the last row).
    /// </summary>
    public static void Gradient(float* g0, float* g1, int w, int tiles, float* v, nint plane)
    {
        if (Avx512F.IsSupported)
            Gradient512(g0, g1, w, tiles, v, plane);
        else
            GradientScalar(g0, g1, w, tiles, v, plane);
    }

    /// <summary>u[ξ·16] = (G w Gᵀ)[ξ] for one 3×3 kernel w (row stride 3); <paramref name="flip"/> rotates w by
    /// 180° first (the kernel of the input gradient).</summary>
    public static void Weights(float* w, bool flip, float* u, nint plane)
    {
        Span<double> k = stackalloc double[9];
        for (int i = 0; i < 9; i++)
            k[i] = w[flip ? 8 - i : i];
        Span<double> t = stackalloc double[12];   // G w: 4×3
        for (int c = 0; c < 3; c++)
        {
            double a = k[c], b = k[3 + c], e = k[6 + c];
            t[c] = a;
            t[3 + c] = 0.5 * (a + b + e);
            t[6 + c] = 0.5 * (a - b + e);
            t[9 + c] = e;
        }
        for (int p = 0; p < 4; p++)
        {
            double a = t[3 * p], b = t[3 * p + 1], e = t[3 * p + 2];
            u[(4 * p) * plane] = (float)a;
            u[(4 * p + 1) * plane] = (float)(0.5 * (a + b + e));
            u[(4 * p + 2) * plane] = (float)(0.5 * (a - b + e));
            u[(4 * p + 3) * plane] = (float)e;
        }
    }

    /// <summary>dw (3×3, row stride 3) = Gᵀ M G, M[ξ] = m[ξ·plane] summed over all chunks' partials.</summary>
    public static void WeightGradient(float* m, nint plane, float* dw)
    {
        Span<double> t = stackalloc double[12];   // Gᵀ M: 3×4
        for (int q = 0; q < 4; q++)
        {
            double m0 = m[q * plane], m1 = m[(4 + q) * plane], m2 = m[(8 + q) * plane], m3 = m[(12 + q) * plane];
            t[q] = m0 + 0.5 * (m1 + m2);
            t[4 + q] = 0.5 * (m1 - m2);
            t[8 + q] = 0.5 * (m1 + m2) + m3;
        }
        for (int r = 0; r < 3; r++)
        {
            double a = t[4 * r], b = t[4 * r + 1], c = t[4 * r + 2], e = t[4 * r + 3];
            dw[3 * r] = (float)(a + 0.5 * (b + c));
            dw[3 * r + 1] = (float)(0.5 * (b - c));
            dw[3 * r + 2] = (float)(0.5 * (b + c) + e);
        }
    }

    private static readonly Vector512<int> s_even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24,
        26, 28, 30);

    private static readonly Vector512<int> s_odd = s_even + Vector512<int>.One;

    private static readonly Vector512<int> s_low = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22,
        7, 23);

    private static readonly Vector512<int> s_high = s_low + Vector512.Create(8);

    /// <summary>row[x .. x+16), zero outside [0, w) or for a null row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load(float* row, int x, int w)
    {
        if (row == null)
            return Vector512<float>.Zero;
        if (x >= 0 && x <= w - 16)
            return Vector512.Load(row + x);
        var index = Vector512.Create(x) + Vector512<int>.Indices;
        var inside = Vector512.GreaterThanOrEqual(index, Vector512<int>.Zero) & Vector512.LessThan(index,
            Vector512.Create(w));
        return Avx512F.MaskLoad(row + x, inside.AsSingle(), Vector512<float>.Zero);
    }

    /// <summary>Columns x + 2j + k (k = 0..3) of 16 consecutive tiles j, as four vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Split(float* row, int x, int w, out Vector512<float> c0, out Vector512<float> c1,
        out Vector512<float> c2, out Vector512<float> c3)
    {
        var lo = Load(row, x, w);
        var hi = Load(row, x + 16, w);
        var lo2 = Load(row, x + 2, w);
        var hi2 = Load(row, x + 18, w);
        c0 = Avx512F.PermuteVar16x32x2(lo, s_even, hi);
        c1 = Avx512F.PermuteVar16x32x2(lo, s_odd, hi);
        c2 = Avx512F.PermuteVar16x32x2(lo2, s_even, hi2);
        c3 = Avx512F.PermuteVar16x32x2(lo2, s_odd, hi2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* v, nint plane, Vector512<float> c0, Vector512<float> c1,
        Vector512<float> c2, Vector512<float> c3)
    {
        Vector512.Store(c0 - c2, v);
        Vector512.Store(c1 + c2, v + plane);
        Vector512.Store(c2 - c1, v + 2 * plane);
        Vector512.Store(c1 - c3, v + 3 * plane);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Input512(float* r0, float* r1, float* r2, float* r3, int x0, int w, int tiles, float* v,
        nint plane)
    {
        for (int j = 0; j < tiles; j += 16)
        {
            int x = x0 + 2 * j;
            Split(r0, x, w, out var a0, out var a1, out var a2, out var a3);
            Split(r1, x, w, out var b0, out var b1, out var b2, out var b3);
            Split(r2, x, w, out var c0, out var c1, out var c2, out var c3);
            Split(r3, x, w, out var e0, out var e1, out var e2, out var e3);
            float* o = v + j;
            StoreRow(o, plane, a0 - c0, a1 - c1, a2 - c2, a3 - c3);
            StoreRow(o + 4 * plane, plane, b0 + c0, b1 + c1, b2 + c2, b3 + c3);
            StoreRow(o + 8 * plane, plane, c0 - b0, c1 - b1, c2 - b2, c3 - b3);
            StoreRow(o + 12 * plane, plane, b0 - e0, b1 - e1, b2 - e2, b3 - e3);
        }
    }

    private static float At(float* row, int x, int w) => row != null && (uint)x < (uint)w ? row[x] : 0f;

    private static void InputScalar(float* r0, float* r1, float* r2, float* r3, int x0, int w, int tiles, float* v,
        nint plane)
    {
        float* t = stackalloc float[16];
        for (int j = 0; j < tiles; j++)
        {
            for (int q = 0; q < 4; q++)
            {
                int x = x0 + 2 * j + q;
                float d0 = At(r0, x, w), d1 = At(r1, x, w), d2 = At(r2, x, w), d3 = At(r3, x, w);
                t[q] = d0 - d2;
                t[4 + q] = d1 + d2;
                t[8 + q] = d2 - d1;
                t[12 + q] = d1 - d3;
            }
            for (int p = 0; p < 4; p++)
            {
                float c0 = t[4 * p], c1 = t[4 * p + 1], c2 = t[4 * p + 2], c3 = t[4 * p + 3];
                v[(4 * p) * plane + j] = c0 - c2;
                v[(4 * p + 1) * plane + j] = c1 + c2;
                v[(4 * p + 2) * plane + j] = c2 - c1;
                v[(4 * p + 3) * plane + j] = c1 - c3;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Output512(float* m, nint plane, int tiles, float bias, float* y0, float* y1, int ow)
    {
        var b = Vector512.Create(bias);
        for (int j = 0; j < tiles; j += 16)
        {
            float* s = m + j;
            // Aᵀ m: s0 = m0 + m1 + m2, s1 = m1 − m2 − m3 (rows p of m), per column q.
            var m1q0 = Vector512.Load(s + 4 * plane);
            var m2q0 = Vector512.Load(s + 8 * plane);
            var s00 = Vector512.Load(s) + m1q0 + m2q0;
            var s10 = m1q0 - m2q0 - Vector512.Load(s + 12 * plane);
            var m1q1 = Vector512.Load(s + 5 * plane);
            var m2q1 = Vector512.Load(s + 9 * plane);
            var s01 = Vector512.Load(s + plane) + m1q1 + m2q1;
            var s11 = m1q1 - m2q1 - Vector512.Load(s + 13 * plane);
            var m1q2 = Vector512.Load(s + 6 * plane);
            var m2q2 = Vector512.Load(s + 10 * plane);
            var s02 = Vector512.Load(s + 2 * plane) + m1q2 + m2q2;
            var s12 = m1q2 - m2q2 - Vector512.Load(s + 14 * plane);
            var m1q3 = Vector512.Load(s + 7 * plane);
            var m2q3 = Vector512.Load(s + 11 * plane);
            var s03 = Vector512.Load(s + 3 * plane) + m1q3 + m2q3;
            var s13 = m1q3 - m2q3 - Vector512.Load(s + 15 * plane);
            int count = Math.Min(32, ow - 2 * j);
            StorePairs(y0 + 2 * j, s00 + s01 + s02 + b, s01 - s02 - s03 + b, count);
            if (y1 != null)
                StorePairs(y1 + 2 * j, s10 + s11 + s12 + b, s11 - s12 - s13 + b, count);
        }
    }

    /// <summary>Interleaves even and odd columns into y[0 .. count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePairs(float* y, Vector512<float> even, Vector512<float> odd, int count)
    {
        var lo = Avx512F.PermuteVar16x32x2(even, s_low, odd);
        var hi = Avx512F.PermuteVar16x32x2(even, s_high, odd);
        if (count >= 32)
        {
            Vector512.Store(lo, y);
            Vector512.Store(hi, y + 16);
            return;
        }
        var lanes = Vector512<int>.Indices;
        Avx512F.MaskStore(y, Vector512.LessThan(lanes, Vector512.Create(count)).AsSingle(), lo);
        if (count > 16)
            Avx512F.MaskStore(y + 16, Vector512.LessThan(lanes, Vector512.Create(count - 16)).AsSingle(), hi);
    }

    private static void OutputScalar(float* m, nint plane, int tiles, float bias, float* y0, float* y1, int ow)
    {
        float* s0 = stackalloc float[4];
        float* s1 = stackalloc float[4];
        for (int j = 0; j < tiles; j++)
        {
            float* s = m + j;
            for (int q = 0; q < 4; q++)
            {
                float m0 = s[q * plane], m1 = s[(4 + q) * plane], m2 = s[(8 + q) * plane], m3 = s[(12 + q) * plane];
                s0[q] = m0 + m1 + m2;
                s1[q] = m1 - m2 - m3;
            }
            int x = 2 * j;
            y0[x] = s0[0] + s0[1] + s0[2] + bias;
            if (y1 != null)
                y1[x] = s1[0] + s1[1] + s1[2] + bias;
            if (x + 1 < ow)
            {
                y0[x + 1] = s0[1] - s0[2] - s0[3] + bias;
                if (y1 != null)
                    y1[x + 1] = s1[1] - s1[2] - s1[3] + bias;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gradient512(float* g0, float* g1, int w, int tiles, float* v, nint plane)
    {
        for (int j = 0; j < tiles; j += 16)
        {
            int x = 2 * j;
            var lo = Load(g0, x, w);
            var hi = Load(g0, x + 16, w);
            var e0 = Avx512F.PermuteVar16x32x2(lo, s_even, hi);
            var o0 = Avx512F.PermuteVar16x32x2(lo, s_odd, hi);
            lo = Load(g1, x, w);
            hi = Load(g1, x + 16, w);
            var e1 = Avx512F.PermuteVar16x32x2(lo, s_even, hi);
            var o1 = Avx512F.PermuteVar16x32x2(lo, s_odd, hi);
            float* o = v + j;
            // A dy: rows g0, g0 + g1, g0 − g1, −g1; then each row (e, o) → e, e + o, e − o, −o.
            GradientRow(o, plane, e0, o0);
            GradientRow(o + 4 * plane, plane, e0 + e1, o0 + o1);
            GradientRow(o + 8 * plane, plane, e0 - e1, o0 - o1);
            GradientRow(o + 12 * plane, plane, -e1, -o1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientRow(float* v, nint plane, Vector512<float> e, Vector512<float> o)
    {
        Vector512.Store(e, v);
        Vector512.Store(e + o, v + plane);
        Vector512.Store(e - o, v + 2 * plane);
        Vector512.Store(-o, v + 3 * plane);
    }

    private static void GradientScalar(float* g0, float* g1, int w, int tiles, float* v, nint plane)
    {
        for (int j = 0; j < tiles; j++)
        {
            float e0 = At(g0, 2 * j, w), o0 = At(g0, 2 * j + 1, w), e1 = At(g1, 2 * j, w), o1 = At(g1, 2 * j + 1, w);
            Span<float> re = [e0, e0 + e1, e0 - e1, -e1];
            Span<float> ro = [o0, o0 + o1, o0 - o1, -o1];
            for (int p = 0; p < 4; p++)
            {
                v[(4 * p) * plane + j] = re[p];
                v[(4 * p + 1) * plane + j] = re[p] + ro[p];
                v[(4 * p + 2) * plane + j] = re[p] - ro[p];
                v[(4 * p + 3) * plane + j] = -ro[p];
            }
        }
    }
}
