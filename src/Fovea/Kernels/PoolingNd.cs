namespace Fovea.Kernels;

/// <summary>
/// Max and average pooling in 1, 2 or 3 dimensions with dilations, asymmetric padding, ceil mode and
/// count-include-pad (see <see cref="PoolNdGeometry"/>), for the windows the 2-D kernels of <see cref="Pooling"/>
/// do not serve. Planes are split over the kernel threads. Max backward sends each output's gradient to the first
/// input cell holding the maximum. The loops are their own reference (the definition, written once).
/// </summary>
internal static unsafe class PoolingNd
{
    private enum Op { MaxForward, MaxBackward, AvgForward, AvgBackward }

    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, in PoolNdGeometry g) => Run(Op.MaxForward, x,
        default, y, g);

    /// <summary>dx = gradient of max pooling (overwrites dx); x is the forward input.</summary>
    public static void MaxBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx,
        in PoolNdGeometry g) =>
        Run(Op.MaxBackward, x, dy, dx, g);

    public static void AvgForward(ReadOnlySpan<float> x, Span<float> y, in PoolNdGeometry g) => Run(Op.AvgForward, x,
        default, y, g);

    /// <summary>dx = gradient of average pooling (overwrites dx).</summary>
    public static void AvgBackward(ReadOnlySpan<float> dy, Span<float> dx, in PoolNdGeometry g) => Run(Op.AvgBackward,
        default, dy, dx, g);

    private static void Run(Op op, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dst, in PoolNdGeometry g)
    {
        fixed (float* px = x, pdy = dy, pdst = dst)
        {
            var job = new Job { Op = op, X = px, DY = pdy, Dst = pdst, G = g };
            KernelThreads.For(g.Planes, job, minPerChunk: 4);
        }
    }

    private struct Job : IParallelJob
    {
        public Op Op;
        public float* X, DY, Dst;
        public PoolNdGeometry G;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            int inPlane = g.InputPlane, outPlane = g.OutputPlane;
            Span<int> window = stackalloc int[Math.Max(1, g.Kernel[0] * g.Kernel[1] * g.Kernel[2])];
            for (int p = begin; p < end; p++)
            {
                float* x = X + (long)p * inPlane;
                float* dy = DY + (long)p * outPlane;
                float* dst = Dst + (long)p * (Op is Op.MaxForward or Op.AvgForward ? outPlane : inPlane);
                if (Op is Op.MaxBackward or Op.AvgBackward)
                    new Span<float>(dst, inPlane).Clear();
                int o = 0;
                for (int od = 0; od < g.Output[0]; od++)
                for (int oh = 0; oh < g.Output[1]; oh++)
                for (int ow = 0; ow < g.Output[2]; ow++, o++)
                {
                    int count = Cells(g, od, oh, ow, window, out int divisor);
                    var cells = window[..count];
                    switch (Op)
                    {
                        case Op.MaxForward:
                        {
                            float m = float.NegativeInfinity;
                            foreach (int c in cells)
                                m = Math.Max(m, x[c]);
                            dst[o] = m;
                            break;
                        }
                        case Op.MaxBackward:
                        {
                            int best = -1;
                            float m = float.NegativeInfinity;
                            foreach (int c in cells)
                            {
                                if (best < 0 || x[c] > m)
                                    (best, m) = (c, x[c]);
                            }
                            if (best >= 0)
                                dst[best] += dy[o];
                            break;
                        }
                        case Op.AvgForward:
                        {
                            double s = 0;
                            foreach (int c in cells)
                                s += x[c];
                            dst[o] = divisor == 0 ? 0f : (float)(s / divisor);
                            break;
                        }
                        default:
                        {
                            if (divisor == 0)
                                break;
                            float gv = dy[o] / divisor;
                            foreach (int c in cells)
                                dst[c] += gv;
                            break;
                        }
                    }
                }
            }
        }
    }

    /// <summary>The input cells (plane offsets) of the window of output (od, oh, ow), and the average's
    /// divisor.</summary>
    private static int Cells(in PoolNdGeometry g, int od, int oh, int ow, Span<int> cells, out int divisor)
    {
        int n = 0, padded = 1;
        Span<int> o = [od, oh, ow];
        Span<int> lo = stackalloc int[3];
        for (int a = 0; a < 3; a++)
        {
            int start = o[a] * g.Strides[a] - g.PadBefore[a];
            int inPadded = 0;
            for (int k = 0; k < g.Kernel[a]; k++)
            {
                int i = start + k * g.Dilations[a];
                if (i >= -g.PadBefore[a] && i < g.Input[a] + g.PadAfter[a])
                    inPadded++;
            }
            padded *= inPadded;
            lo[a] = start;
        }
        for (int kd = 0; kd < g.Kernel[0]; kd++)
        {
            int id = lo[0] + kd * g.Dilations[0];
            if ((uint)id >= (uint)g.Input[0])
                continue;
            for (int kh = 0; kh < g.Kernel[1]; kh++)
            {
                int ih = lo[1] + kh * g.Dilations[1];
                if ((uint)ih >= (uint)g.Input[1])
                    continue;
                for (int kw = 0; kw < g.Kernel[2]; kw++)
                {
                    int iw = lo[2] + kw * g.Dilations[2];
                    if ((uint)iw < (uint)g.Input[2])
                        cells[n++] = (id * g.Input[1] + ih) * g.Input[2] + iw;
                }
            }
        }
        divisor = g.CountIncludePad ? padded : n;
        return n;
    }
}
