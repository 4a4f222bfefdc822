using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>Post-processing of attribution maps: bilinear upsampling to the input's size and normalisation.</summary>
public static class Maps
{
    /// <summary>
    /// Bilinear resize of maps [N, C, h, w] to [N, C, height, width] with half-pixel centres (PyTorch
    /// <c>interpolate(mode="bilinear", align_corners=False)</c>).
    /// </summary>
    public static Tensor Upsample(Tensor maps, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Rank != 4)
            throw new FoveaException($"Maps.Upsample: expected maps [N, C, h, w], received {maps.Shape}");
        int planes = maps.Shape[0] * maps.Shape[1], h = maps.Shape[2], w = maps.Shape[3];
        var src = maps.AsReadOnlySpan();
        var dst = new float[planes * height * width];
        for (int p = 0; p < planes; p++)
        {
            var s = src.Slice(p * h * w, h * w);
            for (int y = 0; y < height; y++)
            {
                (int y0, int y1, float fy) = Source(y, h, height);
                for (int x = 0; x < width; x++)
                {
                    (int x0, int x1, float fx) = Source(x, w, width);
                    float top = s[y0 * w + x0] * (1 - fx) + s[y0 * w + x1] * fx;
                    float bottom = s[y1 * w + x0] * (1 - fx) + s[y1 * w + x1] * fx;
                    dst[(p * height + y) * width + x] = top * (1 - fy) + bottom * fy;
                }
            }
        }
        return Tensor.Wrap(dst, [maps.Shape[0], maps.Shape[1], height, width]);
    }

    private static (int Lo, int Hi, float Frac) Source(int o, int inSize, int outSize)
    {
        float c = Math.Max((o + 0.5f) * inSize / outSize - 0.5f, 0f);
        int lo = Math.Min((int)c, inSize - 1);
        int hi = Math.Min(lo + 1, inSize - 1);
        return (lo, hi, c - lo);
    }

    /// <summary>Each map [i, c] scaled to [0, 1] by its minimum and maximum (all zeros when constant).</summary>
    public static Tensor Normalize(Tensor maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Rank < 3)
            throw new FoveaException($"Maps.Normalize: expected maps [N, C, h, w], received {maps.Shape}");
        int plane = maps.Shape[maps.Rank - 2] * maps.Shape[maps.Rank - 1];
        var v = maps.ToArray();
        for (int p = 0; p < v.Length; p += plane)
        {
            var s = v.AsSpan(p, plane);
            float lo = float.MaxValue, hi = float.MinValue;
            foreach (float f in s)
            {
                lo = Math.Min(lo, f);
                hi = Math.Max(hi, f);
            }
            float k = hi > lo ? 1f / (hi - lo) : 0f;
            for (int i = 0; i < s.Length; i++)
                s[i] = (s[i] - lo) * k;
        }
        return Tensor.Wrap(v, maps.Shape);
    }
}
