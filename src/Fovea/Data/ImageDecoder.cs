using SkiaSharp;

namespace Fovea.Data;

/// <summary>
/// Decodes one image file (JPEG, PNG, BMP, GIF, WebP: whatever SkiaSharp reads) to floats [C, H, W] of a requested
/// size: resized with bilinear filtering over mipmaps (so large reductions do not alias), cropped or stretched, then
/// each byte mapped through a per-channel table (scaling to [0, 1] and normalisation). Pixels are decoded
/// premultiplied, so transparent areas come out composited over black. An image already of the requested size is
/// copied without resampling (its values stay exact).
/// </summary>
internal sealed class ImageDecoder(int height, int width, ColorMode color, ImageResize resize, int? shorterSide,
    float[] table)
{
    private static readonly SKSamplingOptions s_sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    public int Channels => color == ColorMode.Rgb ? 3 : 1;

    /// <summary>Decodes <paramref name="path"/> into <paramref name="destination"/> [C, H, W]; returns null on
    /// success, else why the file could not be read.</summary>
    public string? Decode(string path, Span<float> destination)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read ({e.Message})";
        }
        try
        {
            return DecodeBytes(bytes, destination);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"cannot be decoded ({e.GetType().Name}: {e.Message})";
        }
    }

    private string? DecodeBytes(byte[] bytes, Span<float> destination)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
            return "not a readable image (unknown format or corrupt header)";
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        if (info.Width <= 0 || info.Height <= 0)
            return $"has an empty size {info.Width}×{info.Height}";
        using var decoded = new SKBitmap(info);
        var result = codec.GetPixels(info, decoded.GetPixels());
        if (result == SKCodecResult.IncompleteInput)
            return "truncated (the image data ends early)";
        if (result != SKCodecResult.Success)
            return $"cannot be decoded ({result})";
        if (info.Width == width && info.Height == height)
        {
            Convert(decoded, destination);
            return null;
        }
        using var resized = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(resized))
        using (var image = SKImage.FromBitmap(decoded))
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawImage(image, SourceRect(info.Width, info.Height), SKRect.Create(width, height), s_sampling);
        }
        Convert(resized, destination);
        return null;
    }

    /// <summary>The part of a w×h image that fills the output: all of it when stretching, else the centred window
    /// of the output's aspect ratio at the chosen scale.</summary>
    private SKRect SourceRect(int w, int h)
    {
        if (resize == ImageResize.Stretch)
            return SKRect.Create(w, h);
        double cover = Math.Max((double)width / w, (double)height / h);
        double scale = shorterSide is int s ? Math.Max(cover, (double)s / Math.Min(w, h)) : cover;
        double cropW = width / scale, cropH = height / scale;
        return SKRect.Create((float)((w - cropW) / 2), (float)((h - cropH) / 2), (float)cropW, (float)cropH);
    }

    /// <summary>RGBA bytes → channel planes through the table (luma for grayscale).</summary>
    private void Convert(SKBitmap bitmap, Span<float> destination)
    {
        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        int plane = width * height;
        for (int i = 0; i < plane; i++)
        {
            int r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2];
            if (color == ColorMode.Rgb)
            {
                destination[i] = table[r];
                destination[plane + i] = table[256 + g];
                destination[2 * plane + i] = table[512 + b];
            }
            else
            {
                destination[i] = table[(299 * r + 587 * g + 114 * b + 500) / 1000];
            }
        }
    }
}
