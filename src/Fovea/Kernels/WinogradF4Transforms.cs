using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>
/// The tile transforms of Winograd F(4×4, 3×3) (Lavin and Gray, 2016; interpolation points 0, ±1, ±2, ∞) for
/// <see cref="Winograd"/>, with AVX-512. A tile covers 4×4 outputs and reads 6×6 inputs (rows and columns 4j .. 4j+5
/// of the padded input for tile column j). Transformed tiles are 36 planes, value ξ = 6p + q of lane l at
/// dst[ξ·plane + l], so the 36 per-point GEMMs see tiles as contiguous columns.
///   input    V = Bᵀ d B    Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0;
///                                0 4 0 −5 0 1]
///   output   y = Aᵀ m A    Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
///   weights  U = G w Gᵀ    G  = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1]
/// A vector holds 16 tiles as <c>groups</c> groups of 16/groups consecutive tiles, each group from its own row of
/// tiles (its own rows pointers), so images whose rows have fewer than 16 tiles still fill the vectors: one group of
/// 16 tiles per step along a long row, or 2, 4, 8, 16 rows of 8, 4, 2, 1 tiles. The four columns of each tile are
/// split out of the rows with two rounds of two-source permutes (64-bit, then 32-bit). Rows pointers may be null
/// (rows outside the image read as zero, outputs past it are not stored); columns outside [0, w) read as zero and
/// stores stop at the row's width. Stores into planes are whole vectors (the caller leaves room past the last tile).
/// Reference twin: <see cref="Reference.ReferenceConv2D"/> (through <see cref="Winograd"/>).
/// </summary>
internal static unsafe class WinogradF4Transforms
{
    /// <summary>Floats of scratch <see cref="Input"/> and <see cref="Output"/> need.</summary>
    public const int ScratchLength = 48 * 16;

    /// <summary>
    /// V = Bᵀ d B. rows[6g + u] is input row u of group g's tiles. With one group, <paramref name="tiles"/> tiles
    /// along the row in steps of 16; with more, one step of 16 lanes. Tile j of a group reads columns
    /// x0 + 4j .. x0 + 4j + 5.
    /// </summary>
    public static void Input(float** rows, int groups, int x0, int w, int tiles, float* v, nint plane, float* tmp)
    {
        switch (groups)
        {
            case 1:
                for (int j = 0; j < tiles; j += 16)
                    InputTiles<OneRow>(rows, x0 + 4 * j, w, v + j, plane, tmp);
                break;
            case 2:
                InputTiles<TwoRows>(rows, x0, w, v, plane, tmp);
                break;
            case 4:
                InputTiles<FourRows>(rows, x0, w, v, plane, tmp);
                break;
            case 8:
                InputTiles<EightRows>(rows, x0, w, v, plane, tmp);
                break;
            default:
                InputTiles<SixteenRows>(rows, x0, w, v, plane, tmp);
                break;
        }
    }

    /// <summary>
    /// y = Aᵀ m A + bias: rows[4g + a] is output row a of group g's tiles (null: not stored), each
    /// <paramref name="w"/> wide; with one group, <paramref name="tiles"/> tiles along the row in steps of 16.
    /// </summary>
    public static void Output(float* m, nint plane, int groups, int tiles, float bias, float** rows, int w, float* tmp)
    {
        switch (groups)
        {
            case 1:
                for (int j = 0; j < tiles; j += 16)
                    OutputTiles<OneRow>(m + j, plane, bias, rows, 4 * j, w, tmp);
                break;
            case 2:
                OutputTiles<TwoRows>(m, plane, bias, rows, 0, w, tmp);
                break;
            case 4:
                OutputTiles<FourRows>(m, plane, bias, rows, 0, w, tmp);
                break;
            case 8:
                OutputTiles<EightRows>(m, plane, bias, rows, 0, w, tmp);
                break;
            default:
                OutputTiles<SixteenRows>(m, plane, bias, rows, 0, w, tmp);
                break;
        }
    }

    /// <summary>16 tiles: along each input row u first (<see cref="InputRow"/>, to tmp[96q + 16u]), then Bᵀ down
    /// each column q.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InputTiles<T>(float** rows, int x, int w, float* v, nint plane, float* tmp)
        where T : struct, IGroups
    {
        for (int u = 0; u < 6; u++)
        {
            float** r = rows + u;
            InputRow(T.Load(r, 6, x, w, 0), T.Load(r, 6, x, w, 1), T.Load(r, 6, x, w, 2), T.Load(r, 6, x, w, 3),
                T.Load(r, 6, x + 4, w, 0), T.Load(r, 6, x + 4, w, 1), T.Load(r, 6, x + 4, w, 2),
                T.Load(r, 6, x + 4, w, 3), tmp + u * 16, 96);
        }
        for (int q = 0; q < 6; q++)
        {
            float* t = tmp + q * 96;
            TransformInput(Vector512.Load(t), Vector512.Load(t + 16), Vector512.Load(t + 32), Vector512.Load(t + 48),
                Vector512.Load(t + 64), Vector512.Load(t + 80), v + q * plane, 6 * plane);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OutputTiles<T>(float* m, nint plane, float bias, float** rows, int x, int w, float* tmp)
        where T : struct, IGroups
    {
        for (int q = 0; q < 6; q++)
            OutputColumn(m + q * plane, 6 * plane, tmp + q * 16);
        for (int a = 0; a < 4; a++)
        {
            OutputRow(tmp + a * 96, bias, out var r0, out var r1, out var r2, out var r3);
            T.Store(rows + a, 4, x, w, 0, r0);
            T.Store(rows + a, 4, x, w, 1, r1);
            T.Store(rows + a, 4, x, w, 2, r2);
            T.Store(rows + a, 4, x, w, 3, r3);
        }
    }

    /// <summary>
    /// Ŷ = A dy Aᵀ (the adjoint of the output transform): rows[4g + a] is output-gradient row a of group g's tiles
    /// (null past the image), <paramref name="w"/> wide; tile j of a group reads columns 4j .. 4j + 3.
    /// </summary>
    public static void Gradient(float** rows, int groups, int w, int tiles, float* v, nint plane, float* tmp)
    {
        switch (groups)
        {
            case 1:
                for (int j = 0; j < tiles; j += 16)
                    GradientTiles<OneRow>(rows, 4 * j, w, v + j, plane, tmp);
                break;
            case 2:
                GradientTiles<TwoRows>(rows, 0, w, v, plane, tmp);
                break;
            case 4:
                GradientTiles<FourRows>(rows, 0, w, v, plane, tmp);
                break;
            case 8:
                GradientTiles<EightRows>(rows, 0, w, v, plane, tmp);
                break;
            default:
                GradientTiles<SixteenRows>(rows, 0, w, v, plane, tmp);
                break;
        }
    }

    /// <summary>16 tiles: A down the columns on the rows as loaded (tmp[64p + 16i]), then along each row p.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void GradientTiles<T>(float** rows, int x, int w, float* v, nint plane, float* tmp)
        where T : struct, IGroups
    {
        for (int i = 0; i < 4; i++)
        {
            TransformGradient(T.Load(rows, 4, x, w, i), T.Load(rows + 1, 4, x, w, i), T.Load(rows + 2, 4, x, w, i),
                T.Load(rows + 3, 4, x, w, i), tmp + i * 16, 64);
        }
        var evenPairs = Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14);
        var oddPairs = Vector512.Create(1L, 3, 5, 7, 9, 11, 13, 15);
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        for (int p = 0; p < 6; p++)
        {
            float* src = tmp + p * 64;
            var p0 = Vector512.Load(src).AsDouble();
            var p1 = Vector512.Load(src + 16).AsDouble();
            var p2 = Vector512.Load(src + 32).AsDouble();
            var p3 = Vector512.Load(src + 48).AsDouble();
            var e01 = Avx512F.PermuteVar8x64x2(p0, evenPairs, p1).AsSingle();
            var o01 = Avx512F.PermuteVar8x64x2(p0, oddPairs, p1).AsSingle();
            var e23 = Avx512F.PermuteVar8x64x2(p2, evenPairs, p3).AsSingle();
            var o23 = Avx512F.PermuteVar8x64x2(p2, oddPairs, p3).AsSingle();
            TransformGradient(Avx512F.PermuteVar16x32x2(e01, even, e23), Avx512F.PermuteVar16x32x2(e01, odd, e23),
                Avx512F.PermuteVar16x32x2(o01, even, o23), Avx512F.PermuteVar16x32x2(o01, odd, o23),
                v + 6 * p * plane, plane);
        }
    }

    /// <summary>A·[g0..g3] (A = Aᵀ transposed, 6×4), stored at dst[i·stride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformGradient(Vector512<float> g0, Vector512<float> g1, Vector512<float> g2,
        Vector512<float> g3, float* dst, nint stride)
    {
        var s02 = g0 + g2;
        var s13 = g1 + g3;
        var t0 = Vector512.FusedMultiplyAdd(Vector512.Create(4f), g2, g0);
        var t1 = Vector512.FusedMultiplyAdd(Vector512.Create(8f), g3, g1 + g1);
        Vector512.Store(g0, dst);
        Vector512.Store(s02 + s13, dst + stride);
        Vector512.Store(s02 - s13, dst + 2 * stride);
        Vector512.Store(t0 + t1, dst + 3 * stride);
        Vector512.Store(t0 - t1, dst + 4 * stride);
        Vector512.Store(g3, dst + 5 * stride);
    }

    /// <summary>
    /// u[ξ·plane + i] = (G wᵢ Gᵀ)[ξ] for <paramref name="count"/> ≤ 16 kernels wᵢ = w + i·stride (3×3, row stride 3),
    /// each rotated by 180° when <paramref name="flip"/>; 16 kernels to a vector.
    /// </summary>
    public static void Weights(float* w, nint stride, int count, bool flip, float* u, nint plane)
    {
        float* t = stackalloc float[9 * 16];
        for (int i = 0; i < 16; i++)
        {
            for (int k = 0; k < 9; k++)
                t[k * 16 + i] = i < count ? w[i * stride + (flip ? 8 - k : k)] : 0f;
        }
        // G w (6×3, by columns), then (G w) Gᵀ (6×6, by rows).
        float* gw = stackalloc float[18 * 16];
        for (int c = 0; c < 3; c++)
            Interpolate(Vector512.Load(t + c * 16), Vector512.Load(t + (3 + c) * 16), Vector512.Load(t + (6 + c) * 16),
                gw + c * 16, 48);
        float* r = stackalloc float[6 * 16];
        for (int p = 0; p < 6; p++)
        {
            Interpolate(Vector512.Load(gw + p * 48), Vector512.Load(gw + p * 48 + 16), Vector512.Load(gw + p * 48 + 32),
                r, 16);
            for (int q = 0; q < 6; q++)
            {
                var value = Vector512.Load(r + q * 16);
                float* dst = u + (6 * p + q) * plane;
                if (count == 16)
                {
                    Vector512.Store(value, dst);
                }
                else
                {
                    var lanes = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
                    Avx512F.MaskStore(dst, lanes, value);
                }
            }
        }
    }

    /// <summary>dst[i·stride] = (G·[a, b, c])[i], i = 0..5, for 16 kernels at once.</summary>
    private static void Interpolate(Vector512<float> a, Vector512<float> b, Vector512<float> c, float* dst,
        nint stride)
    {
        var ac = a + c;
        var sixth = Vector512.Create(1f / 6);
        Vector512.Store(a * Vector512.Create(0.25f), dst);
        Vector512.Store(-(ac + b) * sixth, dst + stride);
        Vector512.Store((b - ac) * sixth, dst + 2 * stride);
        var even = a * Vector512.Create(1f / 24) + c * sixth;
        var odd = b * Vector512.Create(1f / 12);
        Vector512.Store(even + odd, dst + 3 * stride);
        Vector512.Store(even - odd, dst + 4 * stride);
        Vector512.Store(c, dst + 5 * stride);
    }

    /// <summary>
    /// dwᵢ = Gᵀ Mᵢ G (the adjoint of the weight transform) for <paramref name="count"/> ≤ 16 kernels, Mᵢ[ξ] =
    /// m[ξ·plane + i]; dwᵢ (3×3, row stride 3) at dw + i·stride.
    /// </summary>
    public static void WeightGradient(float* m, nint plane, int count, float* dw, nint stride)
    {
        // Gᵀ M (3×6, by columns), then (Gᵀ M) G (3×3, by rows).
        float* gm = stackalloc float[18 * 16];
        for (int q = 0; q < 6; q++)
        {
            Restrict(Vector512.Load(m + q * plane), Vector512.Load(m + (6 + q) * plane),
                Vector512.Load(m + (12 + q) * plane), Vector512.Load(m + (18 + q) * plane),
                Vector512.Load(m + (24 + q) * plane), Vector512.Load(m + (30 + q) * plane), gm + q * 16, 96);
        }
        float* t = stackalloc float[9 * 16];
        for (int i = 0; i < 3; i++)
        {
            float* row = gm + i * 96;
            Restrict(Vector512.Load(row), Vector512.Load(row + 16), Vector512.Load(row + 32), Vector512.Load(row + 48),
                Vector512.Load(row + 64), Vector512.Load(row + 80), t + i * 48, 16);
        }
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < 9; k++)
                dw[i * stride + k] = t[k * 16 + i];
        }
    }

    /// <summary>dst[i·stride] = (Gᵀ·[c0..c5])[i], i = 0..2, for 16 kernels at once.</summary>
    private static void Restrict(Vector512<float> c0, Vector512<float> c1, Vector512<float> c2, Vector512<float> c3,
        Vector512<float> c4, Vector512<float> c5, float* dst, nint stride)
    {
        var sixth = Vector512.Create(1f / 6);
        var s12 = c1 + c2;
        var s34 = c3 + c4;
        Vector512.Store(c0 * Vector512.Create(0.25f) - s12 * sixth + s34 * Vector512.Create(1f / 24), dst);
        Vector512.Store((c2 - c1) * sixth + (c3 - c4) * Vector512.Create(1f / 12), dst + stride);
        Vector512.Store((s34 - s12) * sixth + c5, dst + 2 * stride);
    }

    /// <summary>
    /// How 16 tiles sit in a vector: the 64 floats S (4 vectors, parts 0..3) are group 0's row from column x, then
    /// group 1's, ... (64/groups floats each); rows[g·stride] is group g's row. Loads read zero outside [0, w) and
    /// for null rows; stores stop at w and skip null rows.
    /// </summary>
    private interface IGroups
    {
        static abstract Vector512<float> Load(float** rows, int stride, int x, int w, int part);

        static abstract void Store(float** rows, int stride, int x, int w, int part, Vector512<float> value);
    }

    private struct OneRow : IGroups
    {
        public static Vector512<float> Load(float** rows, int stride, int x, int w, int part) =>
            Load16(rows[0], x + 16 * part, w);

        public static void Store(float** rows, int stride, int x, int w, int part, Vector512<float> value) =>
            Store16(rows[0], x + 16 * part, w, value);
    }

    private struct TwoRows : IGroups
    {
        public static Vector512<float> Load(float** rows, int stride, int x, int w, int part) =>
            Load16(rows[stride * (part >> 1)], x + 16 * (part & 1), w);

        public static void Store(float** rows, int stride, int x, int w, int part, Vector512<float> value) =>
            Store16(rows[stride * (part >> 1)], x + 16 * (part & 1), w, value);
    }

    private struct FourRows : IGroups
    {
        public static Vector512<float> Load(float** rows, int stride, int x, int w, int part) =>
            Load16(rows[stride * part], x, w);

        public static void Store(float** rows, int stride, int x, int w, int part, Vector512<float> value) =>
            Store16(rows[stride * part], x, w, value);
    }

    private struct EightRows : IGroups
    {
        public static Vector512<float> Load(float** rows, int stride, int x, int w, int part)
        {
            float** r = rows + 2 * stride * part;
            return Vector512.Create(Load8(r[0], x, w), Load8(r[stride], x, w));
        }

        public static void Store(float** rows, int stride, int x, int w, int part, Vector512<float> value)
        {
            float** r = rows + 2 * stride * part;
            Store8(r[0], x, w, value.GetLower());
            Store8(r[stride], x, w, value.GetUpper());
        }
    }

    private struct SixteenRows : IGroups
    {
        public static Vector512<float> Load(float** rows, int stride, int x, int w, int part)
        {
            float** r = rows + 4 * stride * part;
            return Vector512.Create(Vector256.Create(Load4(r[0], x, w), Load4(r[stride], x, w)),
                Vector256.Create(Load4(r[2 * stride], x, w), Load4(r[3 * stride], x, w)));
        }

        public static void Store(float** rows, int stride, int x, int w, int part, Vector512<float> value)
        {
            float** r = rows + 4 * stride * part;
            Store4(r[0], x, w, value.GetLower().GetLower());
            Store4(r[stride], x, w, value.GetLower().GetUpper());
            Store4(r[2 * stride], x, w, value.GetUpper().GetLower());
            Store4(r[3 * stride], x, w, value.GetUpper().GetUpper());
        }
    }

    /// <summary>Mask of the lanes l &lt; count whose column x + l lies in [0, w).</summary>
    private static Vector512<float> Inside(int x, int w, int count)
    {
        var index = Vector512<int>.Indices;
        var column = Vector512.Create(x) + index;
        return (Vector512.GreaterThanOrEqual(column, Vector512<int>.Zero) & Vector512.LessThan(column,
            Vector512.Create(w)) & Vector512.LessThan(index, Vector512.Create(count))).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load16(float* row, int x, int w)
    {
        if (row == null)
            return Vector512<float>.Zero;
        if (x >= 0 && x <= w - 16)
            return Vector512.Load(row + x);
        return Avx512F.MaskLoad(row + x, Inside(x, w, 16), Vector512<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load8(float* row, int x, int w)
    {
        if (row == null)
            return Vector256<float>.Zero;
        if (x >= 0 && x <= w - 8)
            return Vector256.Load(row + x);
        return Avx512F.MaskLoad(row + x, Inside(x, w, 8), Vector512<float>.Zero).GetLower();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Load4(float* row, int x, int w)
    {
        if (row == null)
            return Vector128<float>.Zero;
        if (x >= 0 && x <= w - 4)
            return Vector128.Load(row + x);
        return Avx512F.MaskLoad(row + x, Inside(x, w, 4), Vector512<float>.Zero).GetLower().GetLower();
    }


    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store16(float* row, int x, int w, Vector512<float> value)
    {
        if (row == null || x >= w)
            return;
        if (x + 16 <= w)
            Vector512.Store(value, row + x);
        else
            Avx512F.MaskStore(row + x, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(w - x)).AsSingle(),
                value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(float* row, int x, int w, Vector256<float> value)
    {
        if (row == null || x >= w)
            return;
        if (x + 8 <= w)
            Vector256.Store(value, row + x);
        else
            Avx512F.VL.MaskStore(row + x, Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(w - x))
                .AsSingle(), value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* row, int x, int w, Vector128<float> value)
    {
        if (row == null || x >= w)
            return;
        if (x + 4 <= w)
            Vector128.Store(value, row + x);
        else
            Avx512F.VL.MaskStore(row + x, Vector128.LessThan(Vector128<int>.Indices, Vector128.Create(w - x))
                .AsSingle(), value);
    }

    /// <summary>
    /// One row of 16 tiles: p0..p3 hold S, the tiles' columns as in <see cref="IGroups"/>, and s0..s3 S shifted by
    /// 4 columns. Splits out the columns k = 0..3 (ck[l] = S[4l + k]: a 64-bit then a 32-bit two-source permute) and
    /// k = 4, 5 (from the shifted S), applies Bᵀ along the row and stores point q at dst[q·stride].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputRow(Vector512<float> p0, Vector512<float> p1, Vector512<float> p2, Vector512<float> p3,
        Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, float* dst, nint stride)
    {
        var evenPairs = Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14);
        var oddPairs = Vector512.Create(1L, 3, 5, 7, 9, 11, 13, 15);
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        var e01 = Avx512F.PermuteVar8x64x2(p0.AsDouble(), evenPairs, p1.AsDouble()).AsSingle();
        var o01 = Avx512F.PermuteVar8x64x2(p0.AsDouble(), oddPairs, p1.AsDouble()).AsSingle();
        var e23 = Avx512F.PermuteVar8x64x2(p2.AsDouble(), evenPairs, p3.AsDouble()).AsSingle();
        var o23 = Avx512F.PermuteVar8x64x2(p2.AsDouble(), oddPairs, p3.AsDouble()).AsSingle();
        var d0 = Avx512F.PermuteVar16x32x2(e01, even, e23);
        var d1 = Avx512F.PermuteVar16x32x2(e01, odd, e23);
        var d2 = Avx512F.PermuteVar16x32x2(o01, even, o23);
        var d3 = Avx512F.PermuteVar16x32x2(o01, odd, o23);
        var f01 = Avx512F.PermuteVar8x64x2(s0.AsDouble(), evenPairs, s1.AsDouble()).AsSingle();
        var f23 = Avx512F.PermuteVar8x64x2(s2.AsDouble(), evenPairs, s3.AsDouble()).AsSingle();
        var d4 = Avx512F.PermuteVar16x32x2(f01, even, f23);
        var d5 = Avx512F.PermuteVar16x32x2(f01, odd, f23);
        TransformInput(d0, d1, d2, d3, d4, d5, dst, stride);
    }

    /// <summary>Bᵀ·[d0..d5], stored at dst[i·stride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformInput(Vector512<float> d0, Vector512<float> d1, Vector512<float> d2,
        Vector512<float> d3, Vector512<float> d4, Vector512<float> d5, float* dst, nint stride)
    {
        var four = Vector512.Create(4f);
        var minusFour = Vector512.Create(-4f);
        var minusFive = Vector512.Create(-5f);
        var two = Vector512.Create(2f);
        var t0 = Vector512.FusedMultiplyAdd(minusFour, d2, d4);
        var t1 = Vector512.FusedMultiplyAdd(minusFour, d1, d3);
        var t2 = d4 - d2;
        var t3 = d3 - d1;
        Vector512.Store(Vector512.FusedMultiplyAdd(four, d0, Vector512.FusedMultiplyAdd(minusFive, d2, d4)), dst);
        Vector512.Store(t0 + t1, dst + stride);
        Vector512.Store(t0 - t1, dst + 2 * stride);
        Vector512.Store(Vector512.FusedMultiplyAdd(two, t3, t2), dst + 3 * stride);
        Vector512.Store(Vector512.FusedMultiplyAdd(-two, t3, t2), dst + 4 * stride);
        Vector512.Store(Vector512.FusedMultiplyAdd(four, d1, Vector512.FusedMultiplyAdd(minusFive, d3, d5)),
            dst + 5 * stride);
    }

    /// <summary>Aᵀ down one column q of m (src[p·stride], p = 0..5): rows a = 0..3 stored at dst[a·96].</summary>
    private static void OutputColumn(float* src, nint stride, float* dst)
    {
        var m1 = Vector512.Load(src + stride);
        var m2 = Vector512.Load(src + 2 * stride);
        var m3 = Vector512.Load(src + 3 * stride);
        var m4 = Vector512.Load(src + 4 * stride);
        var s12 = m1 + m2;
        var d12 = m1 - m2;
        var s34 = m3 + m4;
        var d34 = m3 - m4;
        Vector512.Store(Vector512.Load(src) + s12 + s34, dst);
        Vector512.Store(Vector512.FusedMultiplyAdd(Vector512.Create(2f), d34, d12), dst + 96);
        Vector512.Store(Vector512.FusedMultiplyAdd(Vector512.Create(4f), s34, s12), dst + 192);
        Vector512.Store(Vector512.FusedMultiplyAdd(Vector512.Create(8f), d34, d12) + Vector512.Load(src + 5 * stride),
            dst + 288);
    }


    /// <summary>
    /// Aᵀ along one output row a (src[q·16], q = 0..5) plus the bias; the four columns of each tile are interleaved
    /// back into image order (the inverse of the split in <see cref="InputRow"/>): S[4l + b] = y[b] of tile l.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputRow(float* src, float bias, out Vector512<float> r0, out Vector512<float> r1,
        out Vector512<float> r2, out Vector512<float> r3)
    {
        var m1 = Vector512.Load(src + 16);
        var m2 = Vector512.Load(src + 32);
        var m3 = Vector512.Load(src + 48);
        var m4 = Vector512.Load(src + 64);
        var b = Vector512.Create(bias);
        var s12 = m1 + m2;
        var d12 = m1 - m2;
        var s34 = m3 + m4;
        var d34 = m3 - m4;
        var y0 = Vector512.Load(src) + s12 + s34 + b;
        var y1 = Vector512.FusedMultiplyAdd(Vector512.Create(2f), d34, d12) + b;
        var y2 = Vector512.FusedMultiplyAdd(Vector512.Create(4f), s34, s12) + b;
        var y3 = Vector512.FusedMultiplyAdd(Vector512.Create(8f), d34, d12) + Vector512.Load(src + 80) + b;
        var low = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        var high = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        var lowPairs = Vector512.Create(0L, 8, 1, 9, 2, 10, 3, 11);
        var highPairs = Vector512.Create(4L, 12, 5, 13, 6, 14, 7, 15);
        var e0 = Avx512F.PermuteVar16x32x2(y0, low, y1).AsDouble();
        var e1 = Avx512F.PermuteVar16x32x2(y0, high, y1).AsDouble();
        var f0 = Avx512F.PermuteVar16x32x2(y2, low, y3).AsDouble();
        var f1 = Avx512F.PermuteVar16x32x2(y2, high, y3).AsDouble();
        r0 = Avx512F.PermuteVar8x64x2(e0, lowPairs, f0).AsSingle();
        r1 = Avx512F.PermuteVar8x64x2(e0, highPairs, f0).AsSingle();
        r2 = Avx512F.PermuteVar8x64x2(e1, lowPairs, f1).AsSingle();
        r3 = Avx512F.PermuteVar8x64x2(e1, highPairs, f1).AsSingle();
    }
}
