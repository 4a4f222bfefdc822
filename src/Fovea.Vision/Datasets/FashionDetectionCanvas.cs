using Fovea.Vision.Detection;

namespace Fovea.Vision.Datasets;

/// <summary>The drawing steps of <see cref="FashionDetection"/>: background texture, clutter, object glyphs and
/// tints. Everything is computed in floats from the generator passed in (no text or GPU rendering), so it is
/// reproducible.</summary>
internal static class FashionDetectionCanvas
{
    /// <summary>Base colour + three low-frequency colour waves + stripes/checkerboard/dots + per-pixel noise.</summary>
    public static void Background(float[] image, int h, int w, Random rng)
    {
        var baseColour = new float[3];
        for (int c = 0; c < 3; c++)
            baseColour[c] = 0.2f + 0.4f * (float)rng.NextDouble();
        var waves = new (float Fx, float Fy, float Phase, float[] Amp)[3];
        for (int i = 0; i < 3; i++)
        {
            waves[i] = ((float)(0.005 + 0.035 * rng.NextDouble()) * 2 * MathF.PI,
                (float)(0.005 + 0.035 * rng.NextDouble()) * 2 * MathF.PI, (float)(2 * Math.PI * rng.NextDouble()),
                [.. Enumerable.Range(0, 3).Select(_ => (float)(0.05 + 0.07 * rng.NextDouble()))]);
        }
        int pattern = rng.Next(3);
        int period = rng.Next(6, 25);
        float patternAmp = 0.04f + 0.06f * (float)rng.NextDouble();
        float angle = (float)(Math.PI * rng.NextDouble());
        (float ca, float sa) = (MathF.Cos(angle), MathF.Sin(angle));
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                float p = pattern switch
                {
                    0 => (int)MathF.Floor((x * ca + y * sa) / period * 2) % 2 == 0 ? 1 : -1,
                    1 => ((x / period) + (y / period)) % 2 == 0 ? 1 : -1,
                    _ => Square(x % period - period / 2f) + Square(y % period - period / 2f)
                        < period * period / 9f ? 1 : -1,
                };
                for (int c = 0; c < 3; c++)
                {
                    float v = baseColour[c] + patternAmp * p + 0.04f * (2 * (float)rng.NextDouble() - 1);
                    foreach (var (fx, fy, phase, amp) in waves)
                        v += amp[c] * MathF.Sin(fx * x + fy * y + phase);
                    image[(c * h + y) * w + x] = Math.Clamp(v, 0, 1);
                }
            }
        }
    }

    /// <summary>Ellipses, bars and rings of random colours and opacities.</summary>
    public static void Clutter(float[] image, int h, int w, Random rng, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int kind = rng.Next(3);
            float cx = (float)(w * rng.NextDouble()), cy = (float)(h * rng.NextDouble());
            float rx = 3 + 37 * (float)rng.NextDouble(), ry = 3 + 37 * (float)rng.NextDouble();
            float angle = (float)(Math.PI * rng.NextDouble());
            float alpha = 0.4f + 0.5f * (float)rng.NextDouble();
            var colour = new float[3];
            for (int c = 0; c < 3; c++)
                colour[c] = (float)rng.NextDouble();
            (float ca, float sa) = (MathF.Cos(angle), MathF.Sin(angle));
            int r = (int)MathF.Ceiling(Math.Max(rx, ry));
            for (int y = Math.Max(0, (int)cy - r); y < Math.Min(h, (int)cy + r + 1); y++)
            {
                for (int x = Math.Max(0, (int)cx - r); x < Math.Min(w, (int)cx + r + 1); x++)
                {
                    float u = ((x - cx) * ca + (y - cy) * sa) / rx, v = (-(x - cx) * sa + (y - cy) * ca) / ry;
                    bool inside = kind switch
                    {
                        0 => u * u + v * v <= 1,                                  // ellipse
                        1 => MathF.Abs(u) <= 1 && MathF.Abs(v * ry) <= 1.5f,      // bar, 3 px thick
                        _ => u * u + v * v is <= 1 and >= 0.6f,                   // ring
                    };
                    if (!inside)
                        continue;
                    for (int c = 0; c < 3; c++)
                    {
                        int p = (c * h + y) * w + x;
                        image[p] = alpha * colour[c] + (1 - alpha) * image[p];
                    }
                }
            }
        }
    }

    /// <summary>A 28×28 glyph cropped to its ink (values &gt; 0.3), scaled so its longer side is log-uniform in
    /// [minSize, maxSize], mirrored half the time; intensities in [0, 1]. Null for a glyph without ink.</summary>
    public static (float[] Values, int Height, int Width)? ScaledGlyph(ReadOnlySpan<byte> glyph, Random rng,
        int minSize, int maxSize)
    {
        int x0 = 28, y0 = 28, x1 = -1, y1 = -1;
        for (int y = 0; y < 28; y++)
        {
            for (int x = 0; x < 28; x++)
            {
                if (glyph[y * 28 + x] <= 76)
                    continue;
                (x0, x1, y0, y1) = (Math.Min(x0, x), Math.Max(x1, x), Math.Min(y0, y), Math.Max(y1, y));
            }
        }
        double size = Math.Exp(Math.Log(minSize) + (Math.Log(maxSize) - Math.Log(minSize)) * rng.NextDouble());
        bool mirror = rng.Next(2) == 0;
        if (x1 < 0)
            return null;
        int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
        double scale = size / Math.Max(cw, ch);
        int ow = Math.Max(1, (int)Math.Round(cw * scale)), oh = Math.Max(1, (int)Math.Round(ch * scale));
        var crop = new float[ch * cw];
        for (int y = 0; y < ch; y++)
        {
            for (int x = 0; x < cw; x++)
                crop[y * cw + (mirror ? cw - 1 - x : x)] = glyph[(y0 + y) * 28 + x0 + x] / 255f;
        }
        return (ImageResampling.Resize(crop, 1, ch, cw, oh, ow), oh, ow);
    }

    /// <summary>A saturated random colour: one channel strong, the others random.</summary>
    public static float[] Tint(Random rng)
    {
        var tint = new float[3];
        for (int c = 0; c < 3; c++)
            tint[c] = 0.15f + 0.6f * (float)rng.NextDouble();
        tint[rng.Next(3)] = 0.85f + 0.15f * (float)rng.NextDouble();
        return tint;
    }

    private static float Square(float v) => v * v;
}
