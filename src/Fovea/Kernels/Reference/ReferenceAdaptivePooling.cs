namespace Fovea.Kernels.Reference;

/// <summary>
/// Adaptive average pooling by definition, the oracle for <see cref="AdaptivePooling"/>: output (i, j) is the mean
/// of the input cells (r, c) with ⌊i·H/OH⌋ ≤ r &lt; ⌈(i+1)·H/OH⌉ and ⌊j·W/OW⌋ ≤ c &lt; ⌈(j+1)·W/OW⌉, found by testing
/// every cell; the gradient of input cell (r, c) sums dy/|window| over the windows that contain it.
/// </summary>
internal static class ReferenceAdaptivePooling
{
    // x: [planes, H, W], y: [planes, OH, OW]
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int planes, int h, int w, int oh, int ow)
    {
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double sum = 0;
            int count = 0;
            for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                if (Inside(r, i, h, oh) && Inside(c, j, w, ow))
                {
                    sum += x[(p * h + r) * w + c];
                    count++;
                }
            }
            y[(p * oh + i) * ow + j] = (float)(sum / count);
        }
    }

    public static void Backward(ReadOnlySpan<float> dy, Span<float> dx, int planes, int h, int w, int oh, int ow)
    {
        for (int p = 0; p < planes; p++)
        for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++)
        {
            double sum = 0;
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                if (Inside(r, i, h, oh) && Inside(c, j, w, ow))
                    sum += dy[(p * oh + i) * ow + j] / (double)(Length(i, h, oh) * Length(j, w, ow));
            }
            dx[(p * h + r) * w + c] = (float)sum;
        }
    }

    // r is in window i when i·in ≤ r·out + (out − 1) (r ≥ ⌊i·in/out⌋) and r·out < (i+1)·in (r < ⌈(i+1)·in/out⌉).
    private static bool Inside(int r, int i, int inSize, int outSize) =>
        (long)r * outSize + outSize - 1 >= (long)i * inSize && (long)r * outSize < (long)(i + 1) * inSize;

    private static int Length(int i, int inSize, int outSize)
    {
        int n = 0;
        for (int r = 0; r < inSize; r++)
            n += Inside(r, i, inSize, outSize) ? 1 : 0;
        return n;
    }
}
