using Fovea.Tensors;
using SkiaSharp;

namespace Fovea.IO;

/// <summary>
/// Tiles images [N, C, H, W] (C = 1 or 3) into one picture and encodes it as PNG (SkiaSharp). Each image is scaled to
/// 0..255 by its own minimum and maximum unless a fixed range is given; <c>scale</c> enlarges small images.
/// </summary>
public static class ImageGrid
{
    public static (byte[] Png, int Height, int Width) ToPng(Tensor images, int columns = 8, int scale = 1, int gap = 2,
        (float Min, float Max)? range = null)
    {
        if (images.Rank != 4 || (images.Shape[1] != 1 && images.Shape[1] != 3))
            throw new ArgumentException($"ImageGrid: expected images [N, 1 or 3, H, W], received {images.Shape}");
        int n = images.Shape[0], c = images.Shape[1], h = images.Shape[2], w = images.Shape[3];
        columns = Math.Max(1, Math.Min(columns, n));
        int rows = (n + columns - 1) / columns;
        int cellH = h * scale, cellW = w * scale;
        int width = columns * cellW + (columns + 1) * gap, height = rows * cellH + (rows + 1) * gap;
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(255, 255, 255));
        var data = images.AsReadOnlySpan();
        int plane = h * w;
        for (int i = 0; i < n; i++)
        {
            var img = data.Slice(i * c * plane, c * plane);
            float lo = range?.Min ?? Min(img), hi = range?.Max ?? Max(img);
            float k = hi > lo ? 255f / (hi - lo) : 0f;
            int x0 = gap + (i % columns) * (cellW + gap), y0 = gap + (i / columns) * (cellH + gap);
            for (int y = 0; y < cellH; y++)
            for (int x = 0; x < cellW; x++)
            {
                int p = (y / scale) * w + x / scale;
                byte r = Byte(img[p], lo, k);
                byte g = c == 3 ? Byte(img[plane + p], lo, k) : r;
                byte b = c == 3 ? Byte(img[2 * plane + p], lo, k) : r;
                bitmap.SetPixel(x0 + x, y0 + y, new SKColor(r, g, b));
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var encoded = image.Encode(SKEncodedImageFormat.Png, 100);
        return (encoded.ToArray(), height, width);
    }

    private static byte Byte(float v, float lo, float k) => (byte)Math.Clamp((v - lo) * k + 0.5f, 0f, 255f);

    private static float Min(ReadOnlySpan<float> v) => v.IsEmpty ? 0 : System.Numerics.Tensors.TensorPrimitives.Min(v);

    private static float Max(ReadOnlySpan<float> v) => v.IsEmpty ? 0 : System.Numerics.Tensors.TensorPrimitives.Max(v);
}
