using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>
/// The tile transforms of Winograd F(2×2, 3×3) (Lavin and Gray, 2016) for the weight gradient in
/// <see cref="Winograd"/>, with AVX-512. One call handles one row of tiles of one channel: tile j covers output
/// columns 2j, 2j+1 and input columns 2j .. 2j+3. Transformed tiles are stored as 16 planes, value ξ = 4p + q of
/// tile j at dst[ξ·plane + j], so the 16 per-point GEMMs see the tiles as contiguous columns.
///   input            V = Bᵀ d B    (d a 4×4 input tile)          Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
///   output gradient  Ŷ = A dy Aᵀ   (dy a 2×2 output gradient)    Aᵀ = [1 1 1 0; 0 1 −1 −1]
///   weight gradient  dw = Gᵀ M G   (M the 4×4 sum over tiles)    G  = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
/// (the adjoints of the forward transforms y = Aᵀ[(G w Gᵀ) ⊙ (Bᵀ d B)]A). A call works on 16 tiles per step: the even
/// and odd columns of the rows are split with two-source permutes, so every value of a step is one vector. Stores
/// into planes round up to a multiple of 16 tiles (the caller leaves room; a following row overwrites the excess).
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

    /// <summary>Ŷ = A dy Aᵀ of the tiles in rows g0, g1 (width <paramref name="w"/>; g1 null past the last row).
    /// </summary>
    public static void Gradient(float* g0, float* g1, int w, int tiles, float* v, nint plane)
    {
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        for (int j = 0; j < tiles; j += 16)
        {
            int x = 2 * j;
            var lo = Load(g0, x, w);
            var hi = Load(g0, x + 16, w);
            var e0 = Avx512F.PermuteVar16x32x2(lo, even, hi);
            var o0 = Avx512F.PermuteVar16x32x2(lo, odd, hi);
            lo = Load(g1, x, w);
            hi = Load(g1, x + 16, w);
            var e1 = Avx512F.PermuteVar16x32x2(lo, even, hi);
            var o1 = Avx512F.PermuteVar16x32x2(lo, odd, hi);
            float* o = v + j;
            // A dy: rows g0, g0 + g1, g0 − g1, −g1; then each row (e, o) → e, e + o, e − o, −o.
            GradientRow(o, plane, e0, o0);
            GradientRow(o + 4 * plane, plane, e0 + e1, o0 + o1);
            GradientRow(o + 8 * plane, plane, e0 - e1, o0 - o1);
            GradientRow(o + 12 * plane, plane, -e1, -o1);
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
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        c0 = Avx512F.PermuteVar16x32x2(lo, even, hi);
        c1 = Avx512F.PermuteVar16x32x2(lo, odd, hi);
        c2 = Avx512F.PermuteVar16x32x2(lo2, even, hi2);
        c3 = Avx512F.PermuteVar16x32x2(lo2, odd, hi2);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientRow(float* v, nint plane, Vector512<float> e, Vector512<float> o)
    {
        Vector512.Store(e, v);
        Vector512.Store(e + o, v + plane);
        Vector512.Store(e - o, v + 2 * plane);
        Vector512.Store(-o, v + 3 * plane);
    }
}
