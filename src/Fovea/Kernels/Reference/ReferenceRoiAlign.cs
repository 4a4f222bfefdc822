namespace Fovea.Kernels.Reference;

/// <summary>
/// RoIAlign by definition, the oracle for <see cref="RoiAlignKernels"/>: every output element recomputes its RoI box,
/// its samples and their bilinear weights and sums them in double; backward adds each output gradient's share to the
/// four corners of every sample, element by element.
/// </summary>
internal static class ReferenceRoiAlign
{
    // x: [N, C, H, W], rois: [K, 5], y: [K, C, PH, PW]
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> rois, Span<float> y, in RoiAlignGeometry g)
    {
        for (int k = 0; k < g.K; k++)
        for (int c = 0; c < g.C; c++)
        for (int ph = 0; ph < g.PH; ph++)
        for (int pw = 0; pw < g.PW; pw++)
        {
            var box = g.Box(rois, k);
            var p = x.Slice(((box.Batch * g.C) + c) * g.H * g.W, g.H * g.W);
            double sum = 0;
            for (int iy = 0; iy < box.GridH; iy++)
            for (int ix = 0; ix < box.GridW; ix++)
            {
                var s = Bilinear.At(box.SampleY(ph, iy), box.SampleX(pw, ix), g.H, g.W);
                sum += (double)s.W1 * p[s.Low.Y * g.W + s.Low.X] + (double)s.W2 * p[s.Low.Y * g.W + s.High.X] +
                    (double)s.W3 * p[s.High.Y * g.W + s.Low.X] + (double)s.W4 * p[s.High.Y * g.W + s.High.X];
            }
            y[((k * g.C + c) * g.PH + ph) * g.PW + pw] = (float)(sum / box.Count);
        }
    }

    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> rois, Span<float> dx,
        in RoiAlignGeometry g)
    {
        var acc = new double[dx.Length];
        for (int k = 0; k < g.K; k++)
        for (int c = 0; c < g.C; c++)
        for (int ph = 0; ph < g.PH; ph++)
        for (int pw = 0; pw < g.PW; pw++)
        {
            var box = g.Box(rois, k);
            int p = ((box.Batch * g.C) + c) * g.H * g.W;
            double share = dy[((k * g.C + c) * g.PH + ph) * g.PW + pw] / (double)box.Count;
            for (int iy = 0; iy < box.GridH; iy++)
            for (int ix = 0; ix < box.GridW; ix++)
            {
                var s = Bilinear.At(box.SampleY(ph, iy), box.SampleX(pw, ix), g.H, g.W);
                acc[p + s.Low.Y * g.W + s.Low.X] += share * s.W1;
                acc[p + s.Low.Y * g.W + s.High.X] += share * s.W2;
                acc[p + s.High.Y * g.W + s.Low.X] += share * s.W3;
                acc[p + s.High.Y * g.W + s.High.X] += share * s.W4;
            }
        }
        for (int i = 0; i < dx.Length; i++)
            dx[i] = (float)acc[i];
    }
}
