using System.Runtime.CompilerServices;

namespace Fovea.Kernels;

/// <summary>
/// Affine image resampling (rotation, shift, zoom) of x [C, H, W] into y [C, OH, OW], as defined by
/// <see cref="ResampleGeometry"/>: for each output pixel, y[c, oy, ox] = interpolation of plane c at
/// (ix, iy) = (A·ox + B·oy + TX, D·ox + E·oy + TY). Bilinear weights (1 − fx)(1 − fy), fx(1 − fy), (1 − fx)fy, fx·fy
/// over the four neighbours ⌊ix⌋, ⌊ix⌋ + 1, ⌊iy⌋, ⌊iy⌋ + 1; nearest reads ⌊ix + ½⌋, ⌊iy + ½⌋. A neighbour outside
/// the image reads <see cref="ResampleGeometry.Border"/>'s value (see <see cref="BorderMode"/>).
/// Fast path: the coordinates and weights of a pixel are computed once for all C planes, and pixels whose
/// neighbours all lie inside the image skip the border logic. Reference twin: ReferenceAffineResampler (the
/// formula per channel and pixel, borders by repeated reflection), which the tests compare with.
/// </summary>
internal static class AffineResampler
{
    /// <summary>Coordinates are clamped to ±2²⁴ before the integer conversion (far outside any image).</summary>
    private const double Far = 1 << 24;

    public static void Resample(ReadOnlySpan<float> x, Span<float> y, in ResampleGeometry g)
    {
        if (g.Bilinear)
            Bilinear(x, y, g);
        else
            Nearest(x, y, g);
    }

    private static void Bilinear(ReadOnlySpan<float> x, Span<float> y, in ResampleGeometry g)
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        for (int oy = 0; oy < g.OH; oy++)
        {
            double rowX = g.B * oy + g.TX, rowY = g.E * oy + g.TY;
            for (int ox = 0; ox < g.OW; ox++)
            {
                double ix = Math.Clamp(rowX + g.A * ox, -Far, Far), iy = Math.Clamp(rowY + g.D * ox, -Far, Far);
                double floorX = Math.Floor(ix), floorY = Math.Floor(iy);
                int x0 = (int)floorX, y0 = (int)floorY;
                float fx = (float)(ix - floorX), fy = (float)(iy - floorY);
                float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
                int o = oy * g.OW + ox;
                if ((uint)x0 < (uint)(g.W - 1) && (uint)y0 < (uint)(g.H - 1))
                {
                    int i = y0 * g.W + x0;
                    for (int c = 0; c < g.C; c++, i += hw)
                        y[c * ohw + o] = w00 * x[i] + w01 * x[i + 1] + w10 * x[i + g.W] + w11 * x[i + g.W + 1];
                    continue;
                }
                int c0 = MapIndex(x0, g.W, g.Border), c1 = MapIndex(x0 + 1, g.W, g.Border);
                int r0 = MapIndex(y0, g.H, g.Border), r1 = MapIndex(y0 + 1, g.H, g.Border);
                for (int c = 0; c < g.C; c++)
                {
                    var plane = x.Slice(c * hw, hw);
                    y[c * ohw + o] = w00 * Read(plane, r0, c0, g) + w01 * Read(plane, r0, c1, g)
                        + w10 * Read(plane, r1, c0, g) + w11 * Read(plane, r1, c1, g);
                }
            }
        }
    }

    private static void Nearest(ReadOnlySpan<float> x, Span<float> y, in ResampleGeometry g)
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        for (int oy = 0; oy < g.OH; oy++)
        {
            double rowX = g.B * oy + g.TX, rowY = g.E * oy + g.TY;
            for (int ox = 0; ox < g.OW; ox++)
            {
                double ix = Math.Clamp(rowX + g.A * ox, -Far, Far), iy = Math.Clamp(rowY + g.D * ox, -Far, Far);
                int col = MapIndex((int)Math.Floor(ix + 0.5), g.W, g.Border);
                int row = MapIndex((int)Math.Floor(iy + 0.5), g.H, g.Border);
                int o = oy * g.OW + ox;
                for (int c = 0; c < g.C; c++)
                    y[c * ohw + o] = Read(x.Slice(c * hw, hw), row, col, g);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Read(ReadOnlySpan<float> plane, int row, int col, in ResampleGeometry g) =>
        row < 0 || col < 0 ? g.Fill : plane[row * g.W + col];

    /// <summary>Index i of an axis of n pixels through <paramref name="border"/>; −1 means "the constant".</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MapIndex(int i, int n, BorderMode border)
    {
        if ((uint)i < (uint)n)
            return i;
        switch (border)
        {
            case BorderMode.Nearest:
                return i < 0 ? 0 : n - 1;
            case BorderMode.Reflect:
                int period = 2 * n, m = i % period;
                if (m < 0)
                    m += period;
                return m < n ? m : period - 1 - m;
            case BorderMode.Wrap:
                int r = i % n;
                return r < 0 ? r + n : r;
            default:
                return -1;
        }
    }
}
