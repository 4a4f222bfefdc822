namespace Fovea.Kernels;

/// <summary>
/// Resampling along one axis of [outer, in, inner] to [outer, out, inner] with T taps per output position:
/// y[a, o, b] = Σ_t w[o·T + t]·x[a, idx[o·T + t], b] (nearest: 1 tap, linear: 2, cubic: 4). Multilinear and
/// multicubic resizing apply this axis after axis. Backward is the transpose: dx[a, idx, b] += w·dy[a, o, b].
/// The loops are their own reference.
/// </summary>
internal static class ResampleKernels
{
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int outer, int inSize, int inner, int outSize,
        ReadOnlySpan<int> idx, ReadOnlySpan<float> w, int taps)
    {
        y.Clear();
        for (int a = 0; a < outer; a++)
        {
            for (int o = 0; o < outSize; o++)
            {
                var yr = y.Slice((a * outSize + o) * inner, inner);
                for (int t = 0; t < taps; t++)
                {
                    float wt = w[o * taps + t];
                    if (wt != 0)
                        Elementwise.AddScaled(yr, x.Slice((a * inSize + idx[o * taps + t]) * inner, inner), wt);
                }
            }
        }
    }

    public static void Backward(ReadOnlySpan<float> dy, Span<float> dx, int outer, int inSize, int inner, int outSize,
        ReadOnlySpan<int> idx, ReadOnlySpan<float> w, int taps)
    {
        dx.Clear();
        for (int a = 0; a < outer; a++)
        {
            for (int o = 0; o < outSize; o++)
            {
                var dyr = dy.Slice((a * outSize + o) * inner, inner);
                for (int t = 0; t < taps; t++)
                {
                    float wt = w[o * taps + t];
                    if (wt != 0)
                        Elementwise.AddScaled(dx.Slice((a * inSize + idx[o * taps + t]) * inner, inner), dyr, wt);
                }
            }
        }
    }
}
