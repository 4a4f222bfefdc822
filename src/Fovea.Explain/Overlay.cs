using Fovea.Tensors;
using SkiaSharp;

namespace Fovea.Explain;

/// <summary>
/// Heatmaps blended over images, as PNG (SkiaSharp): an attribution map of any resolution is upsampled bilinearly to
/// the image, normalised to [0, 1] (or scaled by a given maximum), coloured by a <see cref="ColorMap"/> and blended
/// with weight <c>alpha</c> over the image, itself scaled to 0 … 255 by its minimum and maximum. A grid lays out
/// images × methods.
/// </summary>
public static class Overlay
{
    private static readonly byte[,] s_viridis =
    {
        { 68, 1, 84 }, { 71, 44, 122 }, { 59, 81, 139 }, { 44, 113, 142 }, { 33, 144, 141 },
        { 39, 173, 129 }, { 92, 200, 99 }, { 170, 220, 50 }, { 253, 231, 37 },
    };

    private static readonly byte[,] s_inferno =
    {
        { 0, 0, 4 }, { 31, 12, 72 }, { 85, 15, 109 }, { 136, 34, 106 }, { 186, 54, 85 },
        { 227, 89, 51 }, { 249, 140, 10 }, { 249, 201, 50 }, { 252, 255, 164 },
    };

    /// <summary>The colour of <paramref name="t"/> ∈ [0, 1] (clamped).</summary>
    public static (byte R, byte G, byte B) Color(float t, ColorMap map = ColorMap.Viridis)
    {
        var table = map == ColorMap.Inferno ? s_inferno : s_viridis;
        float u = Math.Clamp(float.IsNaN(t) ? 0 : t, 0f, 1f) * 8f;
        int i = Math.Min((int)u, 7);
        float f = u - i;
        byte Mix(int c) => (byte)Math.Round(table[i, c] + (table[i + 1, c] - table[i, c]) * f);
        return (Mix(0), Mix(1), Mix(2));
    }

    /// <summary>
    /// RGB pixels [H·W·3] of one image [C, H, W] (C = 1 or 3) with <paramref name="map"/> [h, w] (any resolution)
    /// blended over it: (1 − α)·image + α·colour(map). Without a map, the image alone.
    /// </summary>
    public static byte[] Blend(Tensor image, Tensor? map, float alpha = 0.5f, ColorMap colorMap = ColorMap.Viridis)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Rank != 3 || (image.Shape[0] != 1 && image.Shape[0] != 3))
            throw new FoveaException($"Overlay: expected an image [1 or 3, H, W], received {image.Shape}");
        int c = image.Shape[0], h = image.Shape[1], w = image.Shape[2], plane = h * w;
        var img = image.AsReadOnlySpan();
        float lo = float.MaxValue, hi = float.MinValue;
        foreach (float v in img)
        {
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }
        float k = hi > lo ? 255f / (hi - lo) : 0f;
        float[]? heat = null;
        if (map is not null)
        {
            if (map.Rank < 2 || map.Length != map.Shape[map.Rank - 2] * map.Shape[map.Rank - 1])
                throw new FoveaException($"Overlay: expected one map [h, w], received {map.Shape}");
            var m4 = Tensor.Wrap(map.ToArray(), [1, 1, map.Shape[map.Rank - 2], map.Shape[map.Rank - 1]]);
            heat = Maps.Normalize(Maps.Upsample(m4, h, w)).ToArray();
        }
        var rgb = new byte[plane * 3];
        for (int p = 0; p < plane; p++)
        {
            for (int ch = 0; ch < 3; ch++)
            {
                float v = (img[(c == 3 ? ch : 0) * plane + p] - lo) * k;
                if (heat is not null)
                {
                    var col = Color(heat[p], colorMap);
                    float cv = ch == 0 ? col.R : ch == 1 ? col.G : col.B;
                    v = (1 - alpha) * v + alpha * cv;
                }
                rgb[p * 3 + ch] = (byte)Math.Clamp(v + 0.5f, 0f, 255f);
            }
        }
        return rgb;
    }

    /// <summary>PNG of one image with its heatmap (<see cref="Blend"/>), enlarged <paramref name="scale"/> times.
    /// </summary>
    public static byte[] ToPng(Tensor image, Tensor? map, float alpha = 0.5f, ColorMap colorMap = ColorMap.Viridis,
        int scale = 1) => Grid([[Blend(image, map, alpha, colorMap)]], image.Shape[1], image.Shape[2], scale);

    /// <summary>
    /// PNG of a grid of RGB tiles [H·W·3] (rows × columns, e.g. images × methods), each enlarged
    /// <paramref name="scale"/> times (nearest), separated by <paramref name="gap"/> white pixels.
    /// </summary>
    public static byte[] Grid(IReadOnlyList<IReadOnlyList<byte[]>> tiles, int height, int width, int scale = 1,
        int gap = 2)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        int rows = tiles.Count, cols = tiles.Max(r => r.Count);
        int cellH = height * scale, cellW = width * scale;
        using var bitmap = new SKBitmap(cols * cellW + (cols + 1) * gap, rows * cellH + (rows + 1) * gap,
            SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(255, 255, 255));
        for (int r = 0; r < rows; r++)
        for (int cIdx = 0; cIdx < tiles[r].Count; cIdx++)
        {
            var t = tiles[r][cIdx];
            if (t.Length != height * width * 3)
                throw new FoveaException($"Overlay.Grid: tile ({r}, {cIdx}) has {t.Length} bytes; expected " +
                    $"{height}·{width}·3");
            int x0 = gap + cIdx * (cellW + gap), y0 = gap + r * (cellH + gap);
            for (int y = 0; y < cellH; y++)
            for (int x = 0; x < cellW; x++)
            {
                int p = ((y / scale) * width + x / scale) * 3;
                bitmap.SetPixel(x0 + x, y0 + y, new SKColor(t[p], t[p + 1], t[p + 2]));
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var encoded = image.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }

    /// <summary>One map per sample [N, H, W] from attributions [N, C, H, W]: the sum over channels of |a| (a map
    /// [N, 1, h, w] is returned as it is, signs kept).</summary>
    public static Tensor PixelMaps(Tensor attributions)
    {
        ArgumentNullException.ThrowIfNull(attributions);
        if (attributions.Rank != 4)
            throw new FoveaException($"Overlay: expected attributions [N, C, H, W], received {attributions.Shape}");
        int n = attributions.Shape[0], c = attributions.Shape[1], plane = attributions.Shape[2] * attributions.Shape[3];
        if (c == 1)
            return Tensor.Wrap(attributions.ToArray(), [n, attributions.Shape[2], attributions.Shape[3]]);
        var a = attributions.AsReadOnlySpan();
        var r = new float[n * plane];
        for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
        for (int p = 0; p < plane; p++)
            r[i * plane + p] += Math.Abs(a[(i * c + ch) * plane + p]);
        return Tensor.Wrap(r, [n, attributions.Shape[2], attributions.Shape[3]]);
    }
}
