using SkiaSharp;

namespace Fovea.Vision.Detectors.Yolo;

/// <summary>Draws boxes on an RGB image with SkiaSharp and encodes the result as PNG: true boxes in green,
/// predictions in red with their class name and score.</summary>
public static class BoxDrawing
{
    /// <summary>PNG bytes of image [3, H, W] (values in [0, 1]) with boxes (x1, y1, x2, y2 in its pixels).</summary>
    /// <param name="chw">The image.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="truth">True boxes, flattened [M, 4] (may be empty).</param>
    /// <param name="predicted">Predicted boxes, flattened [K, 4].</param>
    /// <param name="labels">K predicted labels.</param>
    /// <param name="scores">K predicted scores.</param>
    /// <param name="classNames">Names by label.</param>
    /// <param name="scale">Output scale factor (the image is enlarged for legibility when small).</param>
    public static byte[] Png(ReadOnlySpan<float> chw, int height, int width, ReadOnlySpan<float> truth,
        ReadOnlySpan<float> predicted, ReadOnlySpan<int> labels, ReadOnlySpan<float> scores,
        IReadOnlyList<string> classNames, float scale = 1)
    {
        using var src = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = src.GetPixelSpan();
        int plane = height * width;
        for (int p = 0; p < plane; p++)
        {
            for (int c = 0; c < 3; c++)
                pixels[4 * p + c] = (byte)Math.Clamp(MathF.Round(chw[c * plane + p] * 255), 0, 255);
            pixels[4 * p + 3] = 255;
        }
        int ow = Math.Max(1, (int)(width * scale)), oh = Math.Max(1, (int)(height * scale));
        using var surface = SKSurface.Create(new SKImageInfo(ow, oh, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        using (var image = SKImage.FromBitmap(src))
            canvas.DrawImage(image, new SKRect(0, 0, ow, oh));
        using var green = new SKPaint
        {
            Color = new SKColor(0, 200, 0), Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f,
        };
        using var red = new SKPaint
        {
            Color = new SKColor(230, 20, 20), Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f,
        };
        using var fill = new SKPaint { Color = new SKColor(230, 20, 20), Style = SKPaintStyle.Fill };
        using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
        using var font = new SKFont { Size = 10 };
        for (int i = 0; i + 3 < truth.Length; i += 4)
            canvas.DrawRect(Rect(truth.Slice(i, 4), scale), green);
        for (int k = 0; k < labels.Length; k++)
        {
            var r = Rect(predicted.Slice(4 * k, 4), scale);
            canvas.DrawRect(r, red);
            string name = labels[k] < classNames.Count ? classNames[labels[k]] : labels[k].ToString();
            string caption = $"{name} {scores[k]:F2}";
            float tw = font.MeasureText(caption);
            canvas.DrawRect(new SKRect(r.Left, r.Top - 11, r.Left + tw + 2, r.Top), fill);
            canvas.DrawText(caption, r.Left + 1, r.Top - 2, font, text);
        }
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static SKRect Rect(ReadOnlySpan<float> b, float scale) =>
        new(b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale);
}
