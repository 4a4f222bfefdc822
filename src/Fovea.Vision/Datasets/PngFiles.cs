using SkiaSharp;

namespace Fovea.Vision.Datasets;

/// <summary>PNG files through SkiaSharp: RGB images from [3, H, W] floats in [0, 1], and 8-bit grey masks.</summary>
internal static class PngFiles
{
    public static void WriteRgb(string path, ReadOnlySpan<float> chw, int height, int width)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        int plane = height * width;
        for (int p = 0; p < plane; p++)
        {
            pixels[4 * p] = ToByte(chw[p]);
            pixels[4 * p + 1] = ToByte(chw[plane + p]);
            pixels[4 * p + 2] = ToByte(chw[2 * plane + p]);
            pixels[4 * p + 3] = 255;
        }
        Save(bitmap, path);
    }

    public static void WriteGray(string path, ReadOnlySpan<byte> values, int height, int width)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        values.CopyTo(bitmap.GetPixelSpan());
        Save(bitmap, path);
    }

    /// <summary>Reads a PNG as [3, H, W] floats in [0, 1].</summary>
    public static (float[] Chw, int Height, int Width) ReadRgb(string path)
    {
        using var bitmap = Decode(path, SKColorType.Rgba8888);
        int h = bitmap.Height, w = bitmap.Width, plane = h * w;
        var pixels = bitmap.GetPixelSpan();
        var chw = new float[3 * plane];
        for (int p = 0; p < plane; p++)
        {
            for (int c = 0; c < 3; c++)
                chw[c * plane + p] = pixels[4 * p + c] / 255f;
        }
        return (chw, h, w);
    }

    /// <summary>Reads an 8-bit grey PNG (a mask) as bytes, row-major.</summary>
    public static (byte[] Values, int Height, int Width) ReadGray(string path)
    {
        using var bitmap = Decode(path, SKColorType.Gray8);
        return (bitmap.GetPixelSpan().ToArray(), bitmap.Height, bitmap.Width);
    }

    private static SKBitmap Decode(string path, SKColorType type)
    {
        if (!File.Exists(path))
            throw new FoveaException($"{path}: file not found");
        using var codec = SKCodec.Create(path) ?? throw new FoveaException($"{path}: not a readable image");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, type, SKAlphaType.Opaque);
        var bitmap = new SKBitmap(info);
        if (codec.GetPixels(info, bitmap.GetPixels()) != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new FoveaException($"{path}: cannot be decoded");
        }
        return bitmap;
    }

    private static void Save(SKBitmap bitmap, string path)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        using var stream = File.Create(path);
        data.SaveTo(stream);
    }

    private static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round(v * 255f), 0, 255);
}
