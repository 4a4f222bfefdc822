using Fovea.Tensors;

namespace Fovea.Vision.Detection;

/// <summary>Augmentations that move the boxes with the pixels: horizontal flip, random scale and crop (boxes clipped
/// to the image, boxes left too small dropped), colour jitter (boxes unchanged), and a 2×2 mosaic of four images.
/// </summary>
/// <remarks>Every random choice comes from the <see cref="Random"/> passed in, so a seeded generator reproduces the
/// result (the <see cref="DetectionLoader"/> seeds one per sample and epoch). Images are [C, H, W] float; boxes are
/// (x1, y1, x2, y2) in pixels, with pixel i covering [i, i + 1). Inputs are never modified.</remarks>
public static class BoxAugmentations
{
    /// <summary>Mirrors the image left-right: pixel column x goes to W − 1 − x and a box (x1, x2) to
    /// (W − x2, W − x1).</summary>
    public static DetectionSample HorizontalFlip(DetectionSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        int c = sample.Image.Shape[0], h = sample.Height, w = sample.Width;
        var src = sample.Image.AsReadOnlySpan();
        var data = new float[src.Length];
        for (int row = 0; row < c * h; row++)
        {
            for (int x = 0; x < w; x++)
                data[row * w + x] = src[row * w + w - 1 - x];
        }
        var boxes = new (float, float, float, float)[sample.Count];
        for (int i = 0; i < sample.Count; i++)
        {
            var (x1, y1, x2, y2) = sample.Box(i);
            boxes[i] = (w - x2, y1, w - x1, y2);
        }
        return DetectionSample.Create(ImageResampling.ToTensor(data, c, h, w), boxes, sample.Labels);
    }

    /// <summary>Flips with probability <paramref name="probability"/> (default 0.5), else returns the sample.</summary>
    public static DetectionSample RandomHorizontalFlip(DetectionSample sample, Random random, double probability = 0.5)
    {
        ArgumentNullException.ThrowIfNull(random);
        return random.NextDouble() < probability ? HorizontalFlip(sample) : sample;
    }

    /// <summary>Scales the image by a random factor in [<paramref name="minScale"/>, <paramref name="maxScale"/>]
    /// (bilinear), then takes a random <paramref name="outputWidth"/>×<paramref name="outputHeight"/> window of it
    /// (padding with <paramref name="fill"/> where the scaled image is smaller). Boxes are scaled, shifted, clipped to
    /// the window, and dropped when their clipped width or height falls below <paramref name="minBoxSize"/> pixels.
    /// </summary>
    public static DetectionSample RandomScaleCrop(DetectionSample sample, Random random, int outputWidth,
        int outputHeight, double minScale = 0.5, double maxScale = 1.5, float minBoxSize = 2, float fill = 0)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        if (outputWidth <= 0 || outputHeight <= 0 || minScale <= 0 || maxScale < minScale)
            throw new FoveaException($"RandomScaleCrop: output {outputWidth}x{outputHeight}, scale [{minScale}, " +
                $"{maxScale}]; expected a positive size and 0 < minScale ≤ maxScale");
        double s = minScale + (maxScale - minScale) * random.NextDouble();
        int c = sample.Image.Shape[0], h = sample.Height, w = sample.Width;
        int sh = Math.Max(1, (int)Math.Round(h * s)), sw = Math.Max(1, (int)Math.Round(w * s));
        var scaled = ImageResampling.Resize(sample.Image.AsReadOnlySpan(), c, h, w, sh, sw);
        // The window's top-left corner in the scaled image: inside it when it is larger, a negative offset (padding)
        // when smaller.
        int top = sh >= outputHeight ? random.Next(sh - outputHeight + 1) : -random.Next(outputHeight - sh + 1);
        int left = sw >= outputWidth ? random.Next(sw - outputWidth + 1) : -random.Next(outputWidth - sw + 1);
        var image = ImageResampling.Window(scaled, c, sh, sw, top, left, outputHeight, outputWidth, fill);
        float kx = (float)sw / w, ky = (float)sh / h;
        var boxes = new List<(float, float, float, float)>();
        var labels = new List<int>();
        for (int i = 0; i < sample.Count; i++)
        {
            var (x1, y1, x2, y2) = sample.Box(i);
            float nx1 = Math.Clamp(x1 * kx - left, 0, outputWidth), nx2 = Math.Clamp(x2 * kx - left, 0, outputWidth);
            float ny1 = Math.Clamp(y1 * ky - top, 0, outputHeight), ny2 = Math.Clamp(y2 * ky - top, 0, outputHeight);
            if (nx2 - nx1 < minBoxSize || ny2 - ny1 < minBoxSize)
                continue;
            boxes.Add((nx1, ny1, nx2, ny2));
            labels.Add(sample.Labels[i]);
        }
        return DetectionSample.Create(ImageResampling.ToTensor(image, c, outputHeight, outputWidth), boxes, labels);
    }

    /// <summary>Random brightness, contrast and saturation (torchvision's <c>ColorJitter</c> factors, applied in that
    /// order): each factor is drawn from [1 − amount, 1 + amount]; brightness multiplies, contrast blends with the
    /// mean grey level, saturation blends with the per-pixel grey (ITU-R 601 luma; skipped for one channel). Values
    /// are clamped to [0, 1]. Boxes are unchanged.</summary>
    public static DetectionSample ColorJitter(DetectionSample sample, Random random, float brightness = 0.2f,
        float contrast = 0.2f, float saturation = 0.2f)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        int c = sample.Image.Shape[0], plane = sample.Height * sample.Width;
        var data = sample.Image.ToArray();
        float Factor(float amount) => 1 + amount * (2 * (float)random.NextDouble() - 1);
        float b = Factor(brightness), k = Factor(contrast), s = Factor(saturation);
        for (int i = 0; i < data.Length; i++)
            data[i] = Math.Clamp(data[i] * b, 0, 1);
        var grey = new float[plane];
        for (int p = 0; p < plane; p++)
            grey[p] = c == 3 ? 0.299f * data[p] + 0.587f * data[plane + p] + 0.114f * data[2 * plane + p] : data[p];
        float mean = grey.Average();
        for (int i = 0; i < data.Length; i++)
            data[i] = Math.Clamp(k * data[i] + (1 - k) * mean, 0, 1);
        if (c == 3)
        {
            for (int p = 0; p < plane; p++)
            {
                float g = 0.299f * data[p] + 0.587f * data[plane + p] + 0.114f * data[2 * plane + p];
                for (int ch = 0; ch < 3; ch++)
                    data[ch * plane + p] = Math.Clamp(s * data[ch * plane + p] + (1 - s) * g, 0, 1);
            }
        }
        return new DetectionSample(Tensor.FromArray(data, sample.Image.Shape), sample.Boxes, sample.Labels);
    }

    /// <summary>A 2×2 mosaic: four images resized into the quadrants of an <paramref name="outputWidth"/>×
    /// <paramref name="outputHeight"/> canvas split at a random centre (between 25% and 75% of each side): sample 0
    /// top-left, 1 top-right, 2 bottom-left, 3 bottom-right. Boxes are scaled and shifted with their image; boxes
    /// smaller than <paramref name="minBoxSize"/> after resizing are dropped.</summary>
    /// <exception cref="FoveaException">Not four samples, or their channel counts differ.</exception>
    public static DetectionSample Mosaic(IReadOnlyList<DetectionSample> samples, Random random, int outputWidth,
        int outputHeight, float minBoxSize = 2)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(random);
        if (samples.Count != 4)
            throw new FoveaException($"Mosaic: {samples.Count} samples; expected 4");
        int c = samples[0].Image.Shape[0];
        if (samples.Any(s => s.Image.Shape[0] != c))
            throw new FoveaException($"Mosaic: images have {string.Join(", ", samples.Select(s => s.Image.Shape))}; " +
                "expected one channel count");
        if (outputWidth < 4 || outputHeight < 4)
            throw new FoveaException($"Mosaic: output {outputWidth}x{outputHeight}; expected at least 4x4");
        int cx = (int)Math.Round(outputWidth * (0.25 + 0.5 * random.NextDouble()));
        int cy = (int)Math.Round(outputHeight * (0.25 + 0.5 * random.NextDouble()));
        cx = Math.Clamp(cx, 1, outputWidth - 1);
        cy = Math.Clamp(cy, 1, outputHeight - 1);
        var canvas = new float[c * outputHeight * outputWidth];
        var boxes = new List<(float, float, float, float)>();
        var labels = new List<int>();
        (int X, int Y, int W, int H)[] quadrants =
            [(0, 0, cx, cy), (cx, 0, outputWidth - cx, cy), (0, cy, cx, outputHeight - cy),
             (cx, cy, outputWidth - cx, outputHeight - cy)];
        for (int q = 0; q < 4; q++)
        {
            var s = samples[q];
            var (qx, qy, qw, qh) = quadrants[q];
            var resized = ImageResampling.Resize(s.Image.AsReadOnlySpan(), c, s.Height, s.Width, qh, qw);
            for (int ch = 0; ch < c; ch++)
            {
                for (int y = 0; y < qh; y++)
                {
                    resized.AsSpan((ch * qh + y) * qw, qw)
                        .CopyTo(canvas.AsSpan((ch * outputHeight + qy + y) * outputWidth + qx, qw));
                }
            }
            float kx = (float)qw / s.Width, ky = (float)qh / s.Height;
            for (int i = 0; i < s.Count; i++)
            {
                var (x1, y1, x2, y2) = s.Box(i);
                float nx1 = qx + Math.Clamp(x1 * kx, 0, qw), nx2 = qx + Math.Clamp(x2 * kx, 0, qw);
                float ny1 = qy + Math.Clamp(y1 * ky, 0, qh), ny2 = qy + Math.Clamp(y2 * ky, 0, qh);
                if (nx2 - nx1 < minBoxSize || ny2 - ny1 < minBoxSize)
                    continue;
                boxes.Add((nx1, ny1, nx2, ny2));
                labels.Add(s.Labels[i]);
            }
        }
        return DetectionSample.Create(ImageResampling.ToTensor(canvas, c, outputHeight, outputWidth), boxes, labels);
    }
}
