using Fovea.Tensors;
using Fovea.Vision.Datasets;
using Fovea.Vision.Detection;
using SkiaSharp;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// Images around a segmentation model: reading and resizing inputs, the arg-max class map of logits, a colour per
/// class (the Pascal VOC palette: bits of the class index spread over the high bits of R, G and B) and mask overlays,
/// written as PNG.
/// </summary>
public static class SegmentationImages
{
    /// <summary>Reads a PNG or JPEG image as [3, H, W] floats in [0, 1].</summary>
    /// <exception cref="FoveaException">The file is missing or cannot be decoded.</exception>
    public static (float[] Chw, int Height, int Width) ReadImage(string path) => PngFiles.ReadRgb(path);

    /// <summary>Bilinear resize of a [C, H, W] image (half-pixel centres).</summary>
    public static float[] ResizeImage(ReadOnlySpan<float> chw, int channels, int height, int width, int outHeight,
        int outWidth) => ImageResampling.Resize(chw, channels, height, width, outHeight, outWidth);

    /// <summary>Nearest-neighbour resize of a [H, W] class map.</summary>
    public static float[] ResizeMask(ReadOnlySpan<float> mask, int height, int width, int outHeight, int outWidth) =>
        SegmentationFolder.ResizeNearest(mask, height, width, outHeight, outWidth);

    /// <summary>The class map [N, H, W] of logits or scores [N, C, H, W]: arg-max over C (the first on ties).
    /// </summary>
    /// <exception cref="FoveaException">The tensor is not rank 4.</exception>
    public static float[] ArgMax(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Rank != 4)
            throw new FoveaException($"SegmentationImages.ArgMax: expected logits [N, C, H, W], received " +
                $"{logits.Shape}");
        int n = logits.Shape[0], classes = logits.Shape[1], plane = logits.Shape[2] * logits.Shape[3];
        var s = logits.AsReadOnlySpan();
        var result = new float[n * plane];
        for (int b = 0; b < n; b++)
        {
            for (int i = 0; i < plane; i++)
            {
                int best = 0;
                float top = s[b * classes * plane + i];
                for (int c = 1; c < classes; c++)
                {
                    float v = s[(b * classes + c) * plane + i];
                    if (v > top)
                        (best, top) = (c, v);
                }
                result[b * plane + i] = best;
            }
        }
        return result;
    }

    /// <summary>The colour of class <paramref name="k"/> in the Pascal VOC palette (0 black, 1 dark red, 2 dark green,
    /// ...); 255 (ignore) is VOC's light beige border colour.</summary>
    public static (byte R, byte G, byte B) Color(int k)
    {
        if (k == 255)
            return (224, 224, 192);
        int r = 0, g = 0, b = 0;
        for (int bit = 7, c = k; c > 0 && bit >= 0; bit--, c >>= 3)
        {
            r |= (c & 1) << bit;
            g |= ((c >> 1) & 1) << bit;
            b |= ((c >> 2) & 1) << bit;
        }
        return ((byte)r, (byte)g, (byte)b);
    }

    /// <summary>The image [3, H, W] with each non-background pixel blended towards its class colour by
    /// <paramref name="alpha"/>; background (class 0) stays as it is.</summary>
    public static float[] Overlay(ReadOnlySpan<float> chw, ReadOnlySpan<float> mask, int height, int width,
        float alpha = 0.55f)
    {
        int plane = height * width;
        if (chw.Length != 3 * plane || mask.Length != plane)
            throw new FoveaException($"SegmentationImages.Overlay: expected an image [3, {height}, {width}] and a " +
                $"mask [{height}, {width}], received {chw.Length} and {mask.Length} values");
        var result = chw.ToArray();
        for (int p = 0; p < plane; p++)
        {
            int k = (int)mask[p];
            if (k == 0)
                continue;
            var (r, g, b) = Color(k);
            result[p] = (1 - alpha) * chw[p] + alpha * r / 255f;
            result[plane + p] = (1 - alpha) * chw[plane + p] + alpha * g / 255f;
            result[2 * plane + p] = (1 - alpha) * chw[2 * plane + p] + alpha * b / 255f;
        }
        return result;
    }

    /// <summary>The class map as colours [3, H, W] in [0, 1] (the palette of <see cref="Color"/>).</summary>
    public static float[] Colorize(ReadOnlySpan<float> mask, int height, int width)
    {
        int plane = height * width;
        var result = new float[3 * plane];
        for (int p = 0; p < plane; p++)
        {
            var (r, g, b) = Color((int)mask[p]);
            (result[p], result[plane + p], result[2 * plane + p]) = (r / 255f, g / 255f, b / 255f);
        }
        return result;
    }

    /// <summary>Writes a [3, H, W] image in [0, 1] as an RGB PNG.</summary>
    public static void WriteImage(string path, ReadOnlySpan<float> chw, int height, int width) =>
        PngFiles.WriteRgb(path, chw, height, width);

    /// <summary>Writes a class map as an 8-bit grey PNG of class indices (readable by
    /// <see cref="SegmentationFolder"/>).</summary>
    /// <exception cref="FoveaException">A value outside [0, 255].</exception>
    public static void WriteMask(string path, ReadOnlySpan<float> mask, int height, int width)
    {
        var bytes = new byte[mask.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            if (mask[i] is < 0 or > 255)
                throw new FoveaException($"SegmentationImages.WriteMask: '{path}' pixel {i} is class {mask[i]}; " +
                    "expected [0, 255]");
            bytes[i] = (byte)mask[i];
        }
        PngFiles.WriteGray(path, bytes, height, width);
    }

    /// <summary>PNG bytes of a [3, H, W] image in [0, 1] (for embedding in HTML).</summary>
    internal static byte[] EncodePng(ReadOnlySpan<float> chw, int height, int width)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        int plane = height * width;
        for (int p = 0; p < plane; p++)
        {
            for (int c = 0; c < 3; c++)
                pixels[4 * p + c] = (byte)Math.Clamp(MathF.Round(chw[c * plane + p] * 255f), 0, 255);
            pixels[4 * p + 3] = 255;
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
