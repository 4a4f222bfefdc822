using System.Buffers;

namespace Fovea.Kernels;

/// <summary>
/// RoIAlign (He et al., Mask R-CNN; <c>torchvision.ops.roi_align</c>) forward and backward.
/// Shapes: x [N, C, H, W], rois [K, 5] (batch index, x1, y1, x2, y2), y [K, C, PH, PW]; see
/// <see cref="RoiAlignGeometry"/>. Output bin (ph, pw) of RoI k averages GridH·GridW bilinear samples of its image's
/// channel plane; a sample more than one cell outside the plane counts as 0, one within a cell of the border is
/// clamped to the border. The sample positions and their four bilinear weights depend only on the RoI, so they are
/// computed once per RoI into a table and reused for every channel; channels are split over the kernel threads (each
/// thread owns whole channel planes of dx in backward, so the scatter needs no atomics and is deterministic).
/// Twin: <see cref="Reference.ReferenceRoiAlign"/>, which recomputes every sample for every output element.
/// </summary>
internal static unsafe class RoiAlignKernels
{
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> rois, Span<float> y, in RoiAlignGeometry g)
    {
        fixed (float* px = x, pr = rois, py = y)
        {
            var job = new Job { X = px, Rois = pr, Y = py, G = g, Backward = false };
            KernelThreads.For(g.C, job);
        }
    }

    /// <summary>dx = gradient of <see cref="Forward"/> for upstream dy (overwrites dx).</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> rois, Span<float> dx,
        in RoiAlignGeometry g)
    {
        fixed (float* pdx = dx, pr = rois, pdy = dy)
        {
            var job = new Job { X = pdx, Rois = pr, Y = pdy, G = g, Backward = true };
            KernelThreads.For(g.C, job);
        }
    }

    private struct Job : IParallelJob
    {
        public float* X, Rois, Y; // forward: x, y; backward: dx, dy
        public RoiAlignGeometry G;
        public bool Backward;

        public readonly void Execute(int begin, int end)
        {
            var g = G;
            var rois = new ReadOnlySpan<float>(Rois, 5 * g.K);
            int plane = g.H * g.W, bins = g.PH * g.PW;
            if (Backward)
            {
                for (int n = 0; n < g.N; n++)
                    new Span<float>(X + ((long)n * g.C + begin) * plane, (end - begin) * plane).Clear();
            }
            for (int k = 0; k < g.K; k++)
            {
                var box = g.Box(rois, k);
                int samples = box.GridH * box.GridW;
                int entries = bins * samples * 4;
                int[] pos = ArrayPool<int>.Shared.Rent(Math.Max(entries, 1));
                float[] wts = ArrayPool<float>.Shared.Rent(Math.Max(entries, 1));
                try
                {
                    Table(box, g, pos, wts);
                    float inv = box.Count;
                    for (int c = begin; c < end; c++)
                    {
                        long planeOffset = ((long)box.Batch * g.C + c) * plane;
                        long outOffset = ((long)k * g.C + c) * bins;
                        if (Backward)
                            Scatter(X + planeOffset, Y + outOffset, bins, samples, pos, wts, inv);
                        else
                            Gather(X + planeOffset, Y + outOffset, bins, samples, pos, wts, inv);
                    }
                }
                finally
                {
                    ArrayPool<int>.Shared.Return(pos);
                    ArrayPool<float>.Shared.Return(wts);
                }
            }
        }
    }

    private static void Gather(float* x, float* y, int bins, int samples, int[] pos, float[] wts, float count)
    {
        int e = 0;
        for (int b = 0; b < bins; b++)
        {
            float sum = 0f;
            for (int s = 0; s < samples; s++, e += 4)
                sum += wts[e] * x[pos[e]] + wts[e + 1] * x[pos[e + 1]] + wts[e + 2] * x[pos[e + 2]] +
                    wts[e + 3] * x[pos[e + 3]];
            y[b] = sum / count;
        }
    }

    private static void Scatter(float* dx, float* dy, int bins, int samples, int[] pos, float[] wts, float count)
    {
        int e = 0;
        for (int b = 0; b < bins; b++)
        {
            float g = dy[b];
            for (int s = 0; s < samples; s++, e += 4)
            {
                for (int q = 0; q < 4; q++)
                    dx[pos[e + q]] += g * wts[e + q] / count;
            }
        }
    }

    /// <summary>For every bin and sample of <paramref name="box"/>: the four corner offsets in the plane and their
    /// bilinear weights (all 0 for a sample outside the plane).</summary>
    private static void Table(in RoiBox box, in RoiAlignGeometry g, int[] pos, float[] wts)
    {
        int e = 0;
        for (int ph = 0; ph < g.PH; ph++)
        for (int pw = 0; pw < g.PW; pw++)
        for (int iy = 0; iy < box.GridH; iy++)
        {
            float sy = box.SampleY(ph, iy);
            for (int ix = 0; ix < box.GridW; ix++, e += 4)
            {
                var s = Bilinear.At(sy, box.SampleX(pw, ix), g.H, g.W);
                pos[e] = s.Low.Y * g.W + s.Low.X;
                pos[e + 1] = s.Low.Y * g.W + s.High.X;
                pos[e + 2] = s.High.Y * g.W + s.Low.X;
                pos[e + 3] = s.High.Y * g.W + s.High.X;
                wts[e] = s.W1;
                wts[e + 1] = s.W2;
                wts[e + 2] = s.W3;
                wts[e + 3] = s.W4;
            }
        }
    }
}
