using Fovea.Kernels.Reference;

namespace Fovea.Kernels;

/// <summary>
/// Max and average pooling over [N, C, H, W] (see <see cref="PoolGeometry"/>) and global average pooling
/// [N, C, S] → [N, C]. Planes (n, c) are split over the kernel threads. The 2×2 stride-2 unpadded max pool has
/// a fast path; other windows run <see cref="ReferencePooling"/>, which is also the oracle the tests compare with.
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
                for (int j = 0; j < ow; j++)
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
                for (int j = 0; j < ow; j++)
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
}
