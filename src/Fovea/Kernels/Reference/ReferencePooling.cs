namespace Fovea.Kernels.Reference;

/// <summary>
/// Pooling by definition over [N, C, H, W] (see <see cref="PoolGeometry"/>), the oracle for <see cref="Pooling"/>
/// and its fallback for window shapes without a fast path. Max picks the first maximum in row-major window
/// order; its gradient goes to that element only (PyTorch does the same).
/// </summary>
internal static class ReferencePooling
{
    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, in PoolGeometry g, int planeBegin, int planeEnd)
    {
        for (int p = planeBegin; p < planeEnd; p++)
        {
            var xp = x.Slice(p * g.H * g.W, g.H * g.W);
            var yp = y.Slice(p * g.OH * g.OW, g.OH * g.OW);
            for (int oh = 0; oh < g.OH; oh++)
            for (int ow = 0; ow < g.OW; ow++)
                yp[oh * g.OW + ow] = xp[ArgMax(xp, g, oh, ow)];
        }
    }

    public static void MaxBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, in PoolGeometry g,
        int planeBegin, int planeEnd)
    {
        for (int p = planeBegin; p < planeEnd; p++)
        {
            var xp = x.Slice(p * g.H * g.W, g.H * g.W);
            var dyp = dy.Slice(p * g.OH * g.OW, g.OH * g.OW);
            var dxp = dx.Slice(p * g.H * g.W, g.H * g.W);
            dxp.Clear();
            for (int oh = 0; oh < g.OH; oh++)
            for (int ow = 0; ow < g.OW; ow++)
                dxp[ArgMax(xp, g, oh, ow)] += dyp[oh * g.OW + ow];
        }
    }

    public static void AvgForward(ReadOnlySpan<float> x, Span<float> y, in PoolGeometry g, int planeBegin, int planeEnd)
    {
        for (int p = planeBegin; p < planeEnd; p++)
        {
            var xp = x.Slice(p * g.H * g.W, g.H * g.W);
            var yp = y.Slice(p * g.OH * g.OW, g.OH * g.OW);
            for (int oh = 0; oh < g.OH; oh++)
            for (int ow = 0; ow < g.OW; ow++)
            {
                var (h0, h1, w0, w1) = g.Window(oh, ow);
                float sum = 0;
                for (int i = h0; i < h1; i++)
                for (int j = w0; j < w1; j++)
                    sum += xp[i * g.W + j];
                yp[oh * g.OW + ow] = sum / ((h1 - h0) * (w1 - w0));
            }
        }
    }

    public static void AvgBackward(ReadOnlySpan<float> dy, Span<float> dx, in PoolGeometry g, int planeBegin, int planeEnd)
    {
        for (int p = planeBegin; p < planeEnd; p++)
        {
            var dyp = dy.Slice(p * g.OH * g.OW, g.OH * g.OW);
            var dxp = dx.Slice(p * g.H * g.W, g.H * g.W);
            dxp.Clear();
            for (int oh = 0; oh < g.OH; oh++)
            for (int ow = 0; ow < g.OW; ow++)
            {
                var (h0, h1, w0, w1) = g.Window(oh, ow);
                float share = dyp[oh * g.OW + ow] / ((h1 - h0) * (w1 - w0));
                for (int i = h0; i < h1; i++)
                for (int j = w0; j < w1; j++)
                    dxp[i * g.W + j] += share;
            }
        }
    }

    private static int ArgMax(ReadOnlySpan<float> xp, in PoolGeometry g, int oh, int ow)
    {
        var (h0, h1, w0, w1) = g.Window(oh, ow);
        int best = h0 * g.W + w0;
        float max = xp[best];
        for (int i = h0; i < h1; i++)
        for (int j = w0; j < w1; j++)
        {
            float v = xp[i * g.W + j];
            if (v > max || float.IsNaN(v) && !float.IsNaN(max))
            {
                max = v;
                best = i * g.W + j;
            }
        }
        return best;
    }
}
