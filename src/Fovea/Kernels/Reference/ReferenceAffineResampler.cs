namespace Fovea.Kernels.Reference;

/// <summary>
/// Affine resampling by definition, the oracle for <see cref="AffineResampler"/>: for every channel c and output
/// pixel (ox, oy), the input point (A·ox + B·oy + TX, D·ox + E·oy + TY) is interpolated (bilinear over its four
/// neighbours, or the nearest pixel) and every neighbour outside the image is read through the border mode, found
/// here by walking: reflection repeats i → −1 − i (left) or 2n − 1 − i (right) until i is inside.
/// </summary>
internal static class ReferenceAffineResampler
{
    public static void Resample(ReadOnlySpan<float> x, Span<float> y, in ResampleGeometry g)
    {
        for (int c = 0; c < g.C; c++)
        {
            var plane = x.Slice(c * g.H * g.W, g.H * g.W);
            for (int oy = 0; oy < g.OH; oy++)
            for (int ox = 0; ox < g.OW; ox++)
            {
                double ix = g.A * ox + g.B * oy + g.TX, iy = g.D * ox + g.E * oy + g.TY;
                float v = g.Bilinear ? BilinearAt(plane, ix, iy, g) : NearestAt(plane, ix, iy, g);
                y[(c * g.OH + oy) * g.OW + ox] = v;
            }
        }
    }

    private static float BilinearAt(ReadOnlySpan<float> plane, double ix, double iy, in ResampleGeometry g)
    {
        int x0 = (int)Math.Floor(ix), y0 = (int)Math.Floor(iy);
        double fx = ix - x0, fy = iy - y0;
        double sum = 0;
        for (int dy = 0; dy <= 1; dy++)
        for (int dx = 0; dx <= 1; dx++)
        {
            double weight = (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy);
            sum += weight * Pixel(plane, y0 + dy, x0 + dx, g);
        }
        return (float)sum;
    }

    private static float NearestAt(ReadOnlySpan<float> plane, double ix, double iy, in ResampleGeometry g) =>
        Pixel(plane, (int)Math.Floor(iy + 0.5), (int)Math.Floor(ix + 0.5), g);

    private static float Pixel(ReadOnlySpan<float> plane, int row, int col, in ResampleGeometry g)
    {
        if ((uint)row >= (uint)g.H || (uint)col >= (uint)g.W)
        {
            if (g.Border == BorderMode.Constant)
                return g.Fill;
            row = Fold(row, g.H, g.Border);
            col = Fold(col, g.W, g.Border);
        }
        return plane[row * g.W + col];
    }

    private static int Fold(int i, int n, BorderMode border)
    {
        while (i < 0 || i >= n)
        {
            i = border switch
            {
                BorderMode.Nearest => Math.Clamp(i, 0, n - 1),
                BorderMode.Wrap => i < 0 ? i + n : i - n,
                _ => i < 0 ? -1 - i : 2 * n - 1 - i,
            };
        }
        return i;
    }
}
