using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Fovea.Kernels.Reference;

namespace Fovea.Kernels;

/// <summary>
/// Max and average pooling over [N, C, H, W] (see <see cref="PoolGeometry"/>) and global average pooling
/// [N, C, S] → [N, C]. Planes (n, c) are split over the kernel threads. The 2×2 stride-2 unpadded max pool has
/// its own fast path, every other max pool forward a separable one (a vertical max over the window's rows, then a
/// horizontal max, both vectorised); the rest runs <see cref="ReferencePooling"/>, which is also the oracle the
/// tests compare with.
/// </summary>
internal static unsafe class Pooling
{
    private enum Op { MaxForward, MaxBackward, AvgForward, AvgBackward }

    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, in PoolGeometry g) =>
        Run(Op.MaxForward, x, default, y, g);

    /// <summary>dx = gradient of max pooling (overwrites dx); x is the forward input.</summary>
    public static void MaxBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, in PoolGeometry g) =>
        Run(Op.MaxBackward, x, dy, dx, g);

    public static void AvgForward(ReadOnlySpan<float> x, Span<float> y, in PoolGeometry g) =>
        Run(Op.AvgForward, x, default, y, g);

    public static void AvgBackward(ReadOnlySpan<float> dy, Span<float> dx, in PoolGeometry g) =>
        Run(Op.AvgBackward, default, dy, dx, g);

    /// <summary>y[p] = mean of x[p·s .. p·s + s) for each of the <paramref name="planes"/> planes.</summary>
    public static void GlobalAvgForward(ReadOnlySpan<float> x, Span<float> y, int planes, int s)
    {
        for (int p = 0; p < planes; p++)
            y[p] = (float)(Elementwise.Sum(x.Slice(p * s, s)) / s);
    }

    public static void GlobalAvgBackward(ReadOnlySpan<float> dy, Span<float> dx, int planes, int s)
    {
        for (int p = 0; p < planes; p++)
            dx.Slice(p * s, s).Fill(dy[p] / s);
    }

    private static void Run(Op op, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dst, in PoolGeometry g)
    {
        fixed (float* px = x, pdy = dy, pdst = dst)
        {
            var job = new Job { Op = op, X = px, DY = pdy, Dst = pdst, G = g };
            KernelThreads.For(g.N * g.C, job, minPerChunk: 16);
        }
    }

    private static bool Is2x2Stride2(in PoolGeometry g) =>
        g.KH == 2 && g.KW == 2 && g.StrideH == 2 && g.StrideW == 2 &&
        g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0;

    private struct Job : IParallelJob
    {
        public Op Op;
        public float* X, DY, Dst;
        public PoolGeometry G;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            long inLen = (long)g.N * g.C * g.H * g.W, outLen = (long)g.N * g.C * g.OH * g.OW;
            var x = new ReadOnlySpan<float>(X, X is null ? 0 : (int)inLen);
            var dy = new ReadOnlySpan<float>(DY, DY is null ? 0 : (int)outLen);
            switch (Op)
            {
                case Op.MaxForward when Is2x2Stride2(g):
                    Max2x2Forward(x, new Span<float>(Dst, (int)outLen), g, begin, end);
                    break;
                case Op.MaxForward when g.W + g.PadLeft + g.PadRight + g.KW <= MaxSeparableRow:
                    MaxForwardSeparable(x, new Span<float>(Dst, (int)outLen), g, begin, end);
                    break;
                case Op.MaxForward:
                    ReferencePooling.MaxForward(x, new Span<float>(Dst, (int)outLen), g, begin, end);
                    break;
                case Op.MaxBackward when Is2x2Stride2(g):
                    Max2x2Backward(x, dy, new Span<float>(Dst, (int)inLen), g, begin, end);
                    break;
                case Op.MaxBackward:
                    ReferencePooling.MaxBackward(x, dy, new Span<float>(Dst, (int)inLen), g, begin, end);
                    break;
                case Op.AvgForward:
                    ReferencePooling.AvgForward(x, new Span<float>(Dst, (int)outLen), g, begin, end);
                    break;
                case Op.AvgBackward:
                    ReferencePooling.AvgBackward(dy, new Span<float>(Dst, (int)inLen), g, begin, end);
                    break;
            }
        }
    }

    private static void Max2x2Forward(ReadOnlySpan<float> x, Span<float> y, in PoolGeometry g, int begin, int end)
    {
        int h = g.H, w = g.W, oh = g.OH, ow = g.OW;
        for (int p = begin; p < end; p++)
        {
            var xp = x.Slice(p * h * w, h * w);
            var yp = y.Slice(p * oh * ow, oh * ow);
            for (int i = 0; i < oh; i++)
            {
                var r0 = xp.Slice(2 * i * w, w);
                var r1 = xp.Slice((2 * i + 1) * w, w);
                var yr = yp.Slice(i * ow, ow);
                int j = Avx512F.IsSupported ? Max2x2ForwardRow512(r0, r1, yr) : 0;
                for (; j < ow; j++)
                {
                    // Same tie and NaN rule as the reference: first maximum in row-major order wins.
                    float m = r0[2 * j];
                    float v = r0[2 * j + 1];
                    if (v > m || float.IsNaN(v) && !float.IsNaN(m)) m = v;
                    v = r1[2 * j];
                    if (v > m || float.IsNaN(v) && !float.IsNaN(m)) m = v;
                    v = r1[2 * j + 1];
                    if (v > m || float.IsNaN(v) && !float.IsNaN(m)) m = v;
                    yr[j] = m;
                }
            }
        }
    }

    /// <summary>Widest padded input row (floats) the separable max pool keeps on the stack.</summary>
    private const int MaxSeparableRow = 8192;

    /// <summary>
    /// Any window, stride and padding: for each output row the maximum over the window's input rows (full width,
    /// vectorised) goes into a row padded with −∞ on both sides, a sliding maximum of width KW runs over that row,
    /// and every stride-th value is an output (stride 1 copies, stride 2 picks the even lanes). Padded cells never
    /// win, as in <see cref="ReferencePooling"/>; NaN propagates (Vector.Max, as the 2×2 path). Ties between +0 and
    /// −0 may differ in sign from the reference's first-maximum rule.
    /// </summary>
    private static void MaxForwardSeparable(ReadOnlySpan<float> x, Span<float> y, in PoolGeometry g, int begin, int end)
    {
        int h = g.H, w = g.W, oh = g.OH, ow = g.OW, kw = g.KW, sw = g.StrideW;
        int padded = g.PadLeft + w + g.PadRight;
        int slide = (ow - 1) * sw + 1;             // sliding-window maxima needed: starts 0, sw, ..., (ow − 1)·sw
        Span<float> row = stackalloc float[padded + kw];
        Span<float> win = stackalloc float[slide + 16];
        row.Fill(float.NegativeInfinity);
        var inner = row.Slice(g.PadLeft, w);
        for (int p = begin; p < end; p++)
        {
            var xp = x.Slice(p * h * w, h * w);
            var yp = y.Slice(p * oh * ow, oh * ow);
            for (int i = 0; i < oh; i++)
            {
                var (h0, h1, _, _) = g.Window(i, 0);
                xp.Slice(h0 * w, w).CopyTo(inner);
                for (int r = h0 + 1; r < h1; r++)
                    MaxInto(inner, xp.Slice(r * w, w));
                SlidingMax(row, kw, win.Slice(0, slide));
                var yr = yp.Slice(i * ow, ow);
                if (sw == 1)
                    win.Slice(0, ow).CopyTo(yr);
                else
                    PickStrided(win, sw, yr);
            }
        }
    }

    /// <summary>a[i] = max(a[i], b[i]).</summary>
    private static void MaxInto(Span<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        for (; i + Vector512<float>.Count <= a.Length; i += Vector512<float>.Count)
            Vector512.Max(Vector512.Create(a.Slice(i)), Vector512.Create(b.Slice(i))).CopyTo(a.Slice(i));
        for (; i < a.Length; i++)
            a[i] = MathF.Max(a[i], b[i]);
    }

    /// <summary>m[c] = max(row[c .. c + k)) for every c of m.</summary>
    private static void SlidingMax(ReadOnlySpan<float> row, int k, Span<float> m)
    {
        int c = 0;
        for (; c + Vector512<float>.Count <= m.Length && c + Vector512<float>.Count + k - 1 <= row.Length;
             c += Vector512<float>.Count)
        {
            var v = Vector512.Create(row.Slice(c));
            for (int d = 1; d < k; d++)
                v = Vector512.Max(v, Vector512.Create(row.Slice(c + d)));
            v.CopyTo(m.Slice(c));
        }
        for (; c < m.Length; c++)
        {
            float v = row[c];
            for (int d = 1; d < k; d++)
                v = MathF.Max(v, row[c + d]);
            m[c] = v;
        }
    }

    /// <summary>y[j] = m[j·stride]; stride 2 takes even lanes 16 at a time.</summary>
    private static void PickStrided(ReadOnlySpan<float> m, int stride, Span<float> y)
    {
        int j = 0;
        if (stride == 2 && Avx512F.IsSupported)
        {
            for (; j + 16 <= y.Length && 2 * j + 32 <= m.Length; j += 16)
            {
                Avx512F.PermuteVar16x32x2(Vector512.Create(m.Slice(2 * j)), s_even, Vector512.Create(m.Slice(2 * j + 16)))
                    .CopyTo(y.Slice(j));
            }
        }
        for (; j < y.Length; j++)
            y[j] = m[j * stride];
    }

    private static void Max2x2Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, in PoolGeometry g,
        int begin, int end)
    {
        int h = g.H, w = g.W, oh = g.OH, ow = g.OW;
        for (int p = begin; p < end; p++)
        {
            var xp = x.Slice(p * h * w, h * w);
            var dyp = dy.Slice(p * oh * ow, oh * ow);
            var dxp = dx.Slice(p * h * w, h * w);
            dxp.Clear();
            for (int i = 0; i < oh; i++)
            {
                int a0 = 2 * i * w, a1 = (2 * i + 1) * w;
                int j = Avx512F.IsSupported
                    ? Max2x2BackwardRow512(xp.Slice(a0, w), xp.Slice(a1, w), dyp.Slice(i * ow, ow), dxp.Slice(a0, w), dxp.Slice(a1, w))
                    : 0;
                for (; j < ow; j++)
                {
                    int best = a0 + 2 * j;
                    float m = xp[best];
                    int k = a0 + 2 * j + 1;
                    if (xp[k] > m || float.IsNaN(xp[k]) && !float.IsNaN(m)) { m = xp[k]; best = k; }
                    k = a1 + 2 * j;
                    if (xp[k] > m || float.IsNaN(xp[k]) && !float.IsNaN(m)) { m = xp[k]; best = k; }
                    k = a1 + 2 * j + 1;
                    if (xp[k] > m || float.IsNaN(xp[k]) && !float.IsNaN(m)) { best = k; }
                    dxp[best] += dyp[i * ow + j];
                }
            }
        }
    }

    // Even and odd lanes of a 32-float pair (a, b), and the inverse interleave, for vpermt2ps.
    private static readonly Vector512<int> s_even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> s_odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    private static readonly Vector512<int> s_zipLo = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    private static readonly Vector512<int> s_zipHi = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);

    /// <summary>16 outputs at a time of one output row; returns how many outputs it wrote (a multiple of 16).</summary>
    private static int Max2x2ForwardRow512(ReadOnlySpan<float> r0, ReadOnlySpan<float> r1, Span<float> y)
    {
        int j = 0;
        for (; j + 16 <= y.Length; j += 16)
        {
            var m0 = Vector512.Max(Vector512.Create(r0.Slice(2 * j, 16)), Vector512.Create(r1.Slice(2 * j, 16)));
            var m1 = Vector512.Max(Vector512.Create(r0.Slice(2 * j + 16, 16)), Vector512.Create(r1.Slice(2 * j + 16, 16)));
            Vector512.Max(Avx512F.PermuteVar16x32x2(m0, s_even, m1), Avx512F.PermuteVar16x32x2(m0, s_odd, m1)).CopyTo(y.Slice(j, 16));
        }
        if (j + 8 <= y.Length)
        {
            // 8 outputs from 16 inputs per row: the low half of the even/odd split.
            var m = Vector512.Max(Vector512.Create(r0.Slice(2 * j, 16)), Vector512.Create(r1.Slice(2 * j, 16)));
            var r = Vector512.Max(Avx512F.PermuteVar16x32x2(m, s_even, m), Avx512F.PermuteVar16x32x2(m, s_odd, m));
            r.GetLower().CopyTo(y.Slice(j, 8));
            j += 8;
        }
        return j;
    }

    /// <summary>
    /// Routes 16 outputs' gradients at a time to the first maximum of each window (order: top-left, top-right,
    /// bottom-left, bottom-right), writing both input rows completely; stops before a block holding a NaN maximum
    /// (the scalar loop routes those). Returns the number of outputs handled.
    /// </summary>
    private static int Max2x2BackwardRow512(ReadOnlySpan<float> r0, ReadOnlySpan<float> r1, ReadOnlySpan<float> dy,
        Span<float> d0, Span<float> d1)
    {
        int j = 0;
        while (j + 8 <= dy.Length)
        {
            // Blocks of 16 outputs (32 inputs per row); a last block of 8 outputs reads 16 inputs and uses the low lanes.
            bool full = j + 16 <= dy.Length;
            var a0 = Vector512.Create(r0.Slice(2 * j, 16));
            var a1 = full ? Vector512.Create(r0.Slice(2 * j + 16, 16)) : a0;
            var b0 = Vector512.Create(r1.Slice(2 * j, 16));
            var b1 = full ? Vector512.Create(r1.Slice(2 * j + 16, 16)) : b0;
            var tl = Avx512F.PermuteVar16x32x2(a0, s_even, a1);
            var tr = Avx512F.PermuteVar16x32x2(a0, s_odd, a1);
            var bl = Avx512F.PermuteVar16x32x2(b0, s_even, b1);
            var br = Avx512F.PermuteVar16x32x2(b0, s_odd, b1);
            var y = Vector512.Max(Vector512.Max(tl, tr), Vector512.Max(bl, br));
            if (!Vector512.EqualsAll(y, y))
                break;
            var g = full
                ? Vector512.Create(dy.Slice(j, 16))
                : Vector512.Create(Vector256.Create(dy.Slice(j, 8)), Vector256<float>.Zero);
            var mtl = Vector512.Equals(tl, y);
            var mtr = Vector512.AndNot(Vector512.Equals(tr, y), mtl);
            var taken = mtl | mtr;
            var mbl = Vector512.AndNot(Vector512.Equals(bl, y), taken);
            var mbr = ~(taken | mbl);
            var gtl = g & mtl.AsSingle();
            var gtr = g & mtr.AsSingle();
            var gbl = g & mbl.AsSingle();
            var gbr = g & mbr.AsSingle();
            Avx512F.PermuteVar16x32x2(gtl, s_zipLo, gtr).CopyTo(d0.Slice(2 * j, 16));
            Avx512F.PermuteVar16x32x2(gbl, s_zipLo, gbr).CopyTo(d1.Slice(2 * j, 16));
            if (!full)
            {
                j += 8;
                break;
            }
            Avx512F.PermuteVar16x32x2(gtl, s_zipHi, gtr).CopyTo(d0.Slice(2 * j + 16, 16));
            Avx512F.PermuteVar16x32x2(gbl, s_zipHi, gbr).CopyTo(d1.Slice(2 * j + 16, 16));
            j += 16;
        }
        return j;
    }
}
