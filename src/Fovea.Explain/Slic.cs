namespace Fovea.Explain;

/// <summary>
/// SLIC superpixels (Achanta et al. 2012, "SLIC superpixels compared to state-of-the-art superpixel methods"), the
/// segmentation LIME and KernelSHAP use for images, with scikit-image's conventions: RGB in [0, 1] converted to CIELAB
/// (D65), centres on a regular grid of step S ≈ √(HW / segments), k-means over (colour / compactness, position / S)
/// searched within ±2S of each centre for <c>iterations</c> rounds (the first by position only: the grid's cells
/// give the centres their first colours; a centre left without pixels is dropped), then connectivity enforced (a
/// connected piece smaller than <c>minSizeFactor</c>·HW/segments joins the neighbouring segment met before it in
/// raster order).
/// </summary>
public static class Slic
{
    /// <summary>
    /// Segments one image [C, H, W] (C = 3: RGB in [0, 1], converted to CIELAB unless <paramref name="convertToLab"/>
    /// is false; any other C is clustered as is). Returns labels [H·W], 0 … count − 1, in raster order of first
    /// appearance.
    /// </summary>
    public static int[] Segment(ReadOnlySpan<float> image, int channels, int height, int width, int segments = 100,
        float compactness = 10f, int iterations = 10, bool convertToLab = true, float minSizeFactor = 0.5f)
    {
        if (channels <= 0 || height <= 0 || width <= 0 || image.Length != channels * height * width)
            throw new FoveaException($"Slic: image of {image.Length} values is not [{channels}, {height}, {width}]");
        if (segments <= 0)
            throw new ArgumentOutOfRangeException(nameof(segments),
                $"Slic: segments must be positive, received {segments}");
        int hw = height * width;
        var feat = Features(image, channels, hw, convertToLab && channels == 3, 1f / compactness);
        int c = feat.Length / hw;
        // The grid of scikit-image's regular_grid: start ⌊S/2⌋, step round(S), S = √(HW / segments).
        double exact = Math.Sqrt((double)hw / segments);
        int gridStep = Math.Max(1, (int)Math.Round(exact));
        int gridStart = (int)(exact / 2);
        var centres = InitialCentres(feat, c, height, width, gridStart, gridStep);
        double step = gridStep;
        var labels = new int[hw];
        var dist = new double[hw];
        double spatial = 1.0 / (step * step);
        int window = (int)Math.Ceiling(2 * step);
        int k = centres.Count;
        for (int iter = 0; iter < iterations; iter++)
        {
            Array.Fill(dist, double.MaxValue);
            Array.Fill(labels, -1);
            for (int s = 0; s < k; s++)
            {
                var ct = centres[s];
                int y0 = Math.Max(0, (int)(ct[0] - window)), y1 = Math.Min(height, (int)(ct[0] + window) + 1);
                int x0 = Math.Max(0, (int)(ct[1] - window)), x1 = Math.Min(width, (int)(ct[1] + window) + 1);
                for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++)
                {
                    int p = y * width + x;
                    double dy = y - ct[0], dx = x - ct[1];
                    double d = (dy * dy + dx * dx) * spatial;
                    for (int ch = 0; ch < c && iter > 0; ch++)
                    {
                        double dc = feat[ch * hw + p] - ct[2 + ch];
                        d += dc * dc;
                    }
                    if (d < dist[p])
                    {
                        dist[p] = d;
                        labels[p] = s;
                    }
                }
            }
            // New centres: the means of their pixels. A centre that lost every pixel is dropped, as in
            // scikit-image (whose emptied centre falls to the origin with colour 0 and never wins a pixel again).
            var sums = new double[k, 2 + c];
            var counts = new int[k];
            for (int p = 0; p < hw; p++)
            {
                int s = labels[p];
                if (s < 0)
                    continue;
                counts[s]++;
                sums[s, 0] += p / width;
                sums[s, 1] += p % width;
                for (int ch = 0; ch < c; ch++)
                    sums[s, 2 + ch] += feat[ch * hw + p];
            }
            var kept = new List<double[]>(k);
            for (int s = 0; s < k; s++)
            {
                if (counts[s] == 0)
                    continue;
                for (int j = 0; j < 2 + c; j++)
                    centres[s][j] = sums[s, j] / counts[s];
                kept.Add(centres[s]);
            }
            if (iter < iterations - 1)
            {
                centres = kept;
                k = centres.Count;
            }
        }
        for (int p = 0; p < hw; p++)
            labels[p] = Math.Max(labels[p], 0);
        return EnforceConnectivity(labels, height, width, (int)(minSizeFactor * hw / segments));
    }

    /// <summary>Number of segments of a labelling made by <see cref="Segment"/>.</summary>
    public static int Count(ReadOnlySpan<int> labels)
    {
        int max = -1;
        foreach (int l in labels)
            max = Math.Max(max, l);
        return max + 1;
    }

    private static float[] Features(ReadOnlySpan<float> image, int channels, int hw, bool lab, float scale)
    {
        var f = new float[channels * hw];
        if (!lab)
        {
            for (int i = 0; i < f.Length; i++)
                f[i] = image[i] * scale;
            return f;
        }
        for (int p = 0; p < hw; p++)
        {
            var (l, a, b) = RgbToLab(image[p], image[hw + p], image[2 * hw + p]);
            f[p] = (float)l * scale;
            f[hw + p] = (float)a * scale;
            f[2 * hw + p] = (float)b * scale;
        }
        return f;
    }

    /// <summary>sRGB in [0, 1] → CIELAB (D65 white, the standard sRGB matrix; scikit-image's rgb2lab).</summary>
    public static (double L, double A, double B) RgbToLab(double r, double g, double b)
    {
        static double Linear(double c) => c > 0.04045 ? Math.Pow((c + 0.055) / 1.055, 2.4) : c / 12.92;
        static double F(double t) => t > 0.008856 ? Math.Cbrt(t) : 7.787 * t + 16.0 / 116;
        r = Linear(r);
        g = Linear(g);
        b = Linear(b);
        double x = (0.412453 * r + 0.357580 * g + 0.180423 * b) / 0.95047;
        double y = 0.212671 * r + 0.715160 * g + 0.072169 * b;
        double z = (0.019334 * r + 0.119193 * g + 0.950227 * b) / 1.08883;
        double fx = F(x), fy = F(y), fz = F(z);
        double l = y > 0.008856 ? 116 * fy - 16 : 903.3 * y;
        return (l, 500 * (fx - fy), 200 * (fy - fz));
    }

    private static List<double[]> InitialCentres(float[] feat, int c, int height, int width, int start, int step)
    {
        int hw = height * width;
        var centres = new List<double[]>();
        for (int y = Math.Min(start, height - 1); y < height; y += step)
        for (int x = Math.Min(start, width - 1); x < width; x += step)
        {
            var ct = new double[2 + c];
            ct[0] = y;
            ct[1] = x;
            for (int ch = 0; ch < c; ch++)
                ct[2 + ch] = feat[ch * hw + y * width + x];
            centres.Add(ct);
        }
        return centres;
    }

    /// <summary>Relabels 4-connected pieces in raster order; a piece smaller than <paramref name="minSize"/> takes the
    /// label of the neighbouring piece found before it (left or above its first pixel).</summary>
    private static int[] EnforceConnectivity(int[] labels, int height, int width, int minSize)
    {
        int hw = height * width;
        var result = new int[hw];
        Array.Fill(result, -1);
        var queue = new int[hw];
        int next = 0;
        for (int start = 0; start < hw; start++)
        {
            if (result[start] >= 0)
                continue;
            int adjacent = -1;
            int sy = start / width, sx = start % width;
            if (sx > 0 && result[start - 1] >= 0)
                adjacent = result[start - 1];
            else if (sy > 0 && result[start - width] >= 0)
                adjacent = result[start - width];
            int head = 0, tail = 0;
            queue[tail++] = start;
            result[start] = next;
            while (head < tail)
            {
                int p = queue[head++];
                int y = p / width, x = p % width;
                Visit(p, x > 0, p - 1);
                Visit(p, x < width - 1, p + 1);
                Visit(p, y > 0, p - width);
                Visit(p, y < height - 1, p + width);
            }
            if (tail < minSize && adjacent >= 0)
            {
                for (int i = 0; i < tail; i++)
                    result[queue[i]] = adjacent;
            }
            else
                next++;

            void Visit(int from, bool inside, int q)
            {
                if (inside && result[q] < 0 && labels[q] == labels[from])
                {
                    result[q] = next;
                    queue[tail++] = q;
                }
            }
        }
        return result;
    }
}
