namespace Fovea.Kernels;

/// <summary>
/// Adaptive average pooling [N, C, H, W] → [N, C, OH, OW] (PyTorch <c>adaptive_avg_pool2d</c>): output row i
/// averages input rows [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉), columns likewise, so windows may overlap (OH ∤ H) or repeat a row
/// (OH &gt; H). Separable: each output's window is a product of a row range and a column range. Planes are split over
/// the kernel threads. <see cref="Reference.ReferenceAdaptivePooling"/> is the oracle the tests compare with.
/// </summary>
internal static unsafe class AdaptivePooling
{
    /// <summary>First input index of output index <paramref name="i"/> of <paramref name="outSize"/> over
    /// <paramref name="inSize"/>: ⌊i·in/out⌋.</summary>
    public static int Start(int i, int inSize, int outSize) => (int)((long)i * inSize / outSize);

    /// <summary>One past the last input index: ⌈(i+1)·in/out⌉.</summary>
    public static int End(int i, int inSize, int outSize) => (int)(((long)(i + 1) * inSize + outSize - 1) / outSize);

    // x: [planes, H, W], y: [planes, OH, OW]
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int planes, int h, int w, int oh, int ow)
    {
        fixed (float* px = x, py = y)
        {
            var job = new Job { X = px, Y = py, H = h, W = w, OH = oh, OW = ow, Backward = false };
            KernelThreads.For(planes, job, minPerChunk: 16);
        }
    }

    /// <summary>dx = gradient of <see cref="Forward"/> for upstream dy (overwrites dx): each output's gradient is
    /// spread evenly over its window.</summary>
    public static void Backward(ReadOnlySpan<float> dy, Span<float> dx, int planes, int h, int w, int oh, int ow)
    {
        fixed (float* pdy = dy, pdx = dx)
        {
            var job = new Job { X = pdx, Y = pdy, H = h, W = w, OH = oh, OW = ow, Backward = true };
            KernelThreads.For(planes, job, minPerChunk: 16);
        }
    }

    private struct Job : IParallelJob
    {
        public float* X, Y; // forward: input, output; backward: dx, dy
        public int H, W, OH, OW;
        public bool Backward;

        public readonly void Execute(int begin, int end)
        {
            for (int p = begin; p < end; p++)
            {
                var x = new Span<float>(X + (long)p * H * W, H * W);
                var y = new Span<float>(Y + (long)p * OH * OW, OH * OW);
                if (Backward)
                    x.Clear();
                for (int i = 0; i < OH; i++)
                {
                    int r0 = Start(i, H, OH), r1 = End(i, H, OH);
                    for (int j = 0; j < OW; j++)
                    {
                        int c0 = Start(j, W, OW), c1 = End(j, W, OW);
                        int count = (r1 - r0) * (c1 - c0);
                        if (Backward)
                        {
                            float g = y[i * OW + j] / count;
                            for (int r = r0; r < r1; r++)
                            {
                                var row = x.Slice(r * W + c0, c1 - c0);
                                for (int c = 0; c < row.Length; c++)
                                    row[c] += g;
                            }
                        }
                        else
                        {
                            double sum = 0;
                            for (int r = r0; r < r1; r++)
                                sum += Elementwise.Sum(x.Slice(r * W + c0, c1 - c0));
                            y[i * OW + j] = (float)(sum / count);
                        }
                    }
                }
            }
        }
    }
}
