namespace Fovea.Vision.Segmentation;

/// <summary>
/// Joint image-and-mask augmentation for segmentation, seeded. The geometric part is one affine map about the image
/// centre: a horizontal flip (probability <see cref="FlipProbability"/>), a rotation by a multiple of 90° (when
/// <see cref="Rotate90"/>) plus a small angle in ±<see cref="MaxAngle"/> degrees, a scale in
/// [<see cref="MinScale"/>, <see cref="MaxScale"/>] and a random crop (or placement) of the output size. The image is
/// sampled bilinearly (outside: 0), the mask by nearest neighbour (outside: <see cref="MaskFill"/>), so mask pixels
/// keep their class values. Colour jitter (brightness ±<see cref="Brightness"/>,
/// contrast ×(1 ± <see cref="Contrast"/>)
/// about each channel's mean, clamped to [0, 1]) changes the image only.
/// </summary>
public sealed record SegmentationAugmentation
{
    /// <summary>Probability of a horizontal flip (default 0.5).</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Smallest scale (default 0.75).</summary>
    public double MinScale { get; init; } = 0.75;

    /// <summary>Largest scale (default 1.25).</summary>
    public double MaxScale { get; init; } = 1.25;

    /// <summary>Rotate by 0, 90, 180 or 270° at random (default false).</summary>
    public bool Rotate90 { get; init; }

    /// <summary>Largest extra rotation in degrees, drawn uniformly in ±MaxAngle (default 0).</summary>
    public double MaxAngle { get; init; }

    /// <summary>Largest brightness shift (default 0.1).</summary>
    public double Brightness { get; init; } = 0.1;

    /// <summary>Largest relative contrast change (default 0.1).</summary>
    public double Contrast { get; init; } = 0.1;

    /// <summary>Mask value of pixels mapped from outside the source (default 0, background; 255 to ignore them).
    /// </summary>
    public float MaskFill { get; init; }

    /// <summary>
    /// Augments one sample: <paramref name="image"/> [C, H, W] and <paramref name="mask"/> [H, W] into
    /// <paramref name="imageOut"/> and <paramref name="maskOut"/> of the same shapes, drawing from
    /// <paramref name="rng"/>.
    /// </summary>
    /// <exception cref="FoveaException">Spans whose lengths do not match the shape, or a bad setting.</exception>
    public void Apply(ReadOnlySpan<float> image, ReadOnlySpan<float> mask, Span<float> imageOut, Span<float> maskOut,
        int channels, int height, int width, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int plane = height * width;
        if (channels < 1 || height < 1 || width < 1 || image.Length != channels * plane || imageOut.Length
            != image.Length || mask.Length != plane || maskOut.Length != plane)
            throw new FoveaException($"SegmentationAugmentation: expected an image [{channels}, {height}, {width}] " +
                $"and a mask [{height}, {width}], received {image.Length} image and {mask.Length} mask values");
        if (!(MinScale > 0) || MaxScale < MinScale)
            throw new FoveaException($"SegmentationAugmentation: scale [{MinScale}, {MaxScale}]; expected " +
                "0 < min ≤ max");
        bool flip = rng.NextDouble() < FlipProbability;
        int quarter = Rotate90 ? rng.Next(4) : 0;
        double angle = MaxAngle > 0 ? (rng.NextDouble() * 2 - 1) * MaxAngle * Math.PI / 180 : 0;
        double scale = MinScale + rng.NextDouble() * (MaxScale - MinScale);
        double slackX = Math.Abs(scale - 1) * width / 2, slackY = Math.Abs(scale - 1) * height / 2;
        double dx = (rng.NextDouble() * 2 - 1) * slackX, dy = (rng.NextDouble() * 2 - 1) * slackY;
        double brightness = (rng.NextDouble() * 2 - 1) * Brightness;
        double contrast = 1 + (rng.NextDouble() * 2 - 1) * Contrast;

        // Output offset (u, v) from the centre → source offset: undo the crop shift and the scale, rotate back by the
        // angle and the quarter turns (exact integer matrices), undo the flip.
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        var (qc, qs) = quarter switch { 0 => (1, 0), 1 => (0, 1), 2 => (-1, 0), _ => (0, -1) };
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double u = (x - cx + dx) / scale, v = (y - cy + dy) / scale;
                if (angle != 0)
                    (u, v) = (cos * u + sin * v, -sin * u + cos * v);
                (u, v) = (qc * u + qs * v, -qs * u + qc * v);
                if (flip)
                    u = -u;
                double sx = cx + u, sy = cy + v;
                int o = y * width + x;
                int nx = (int)Math.Floor(sx + 0.5), ny = (int)Math.Floor(sy + 0.5);
                maskOut[o] = nx >= 0 && nx < width && ny >= 0 && ny < height ? mask[ny * width + nx] : MaskFill;
                Bilinear(image, imageOut, channels, height, width, sx, sy, o);
            }
        }
        for (int c = 0; c < channels; c++)
        {
            var channel = imageOut.Slice(c * plane, plane);
            double mean = 0;
            foreach (float value in channel)
                mean += value;
            mean /= plane;
            for (int i = 0; i < plane; i++)
                channel[i] = (float)Math.Clamp((channel[i] - mean) * contrast + mean + brightness, 0, 1);
        }
    }

    private static void Bilinear(ReadOnlySpan<float> image, Span<float> output, int channels, int height, int width,
        double sx, double sy, int o)
    {
        int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
        double fx = sx - x0, fy = sy - y0;
        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int j = 0; j < 2; j++)
            {
                int yy = y0 + j;
                double wy = j == 0 ? 1 - fy : fy;
                if (yy < 0 || yy >= height || wy == 0)
                    continue;
                for (int i = 0; i < 2; i++)
                {
                    int xx = x0 + i;
                    double wx = i == 0 ? 1 - fx : fx;
                    if (xx >= 0 && xx < width && wx != 0)
                        sum += wx * wy * image[c * plane + yy * width + xx];
                }
            }
            output[c * plane + o] = (float)sum;
        }
    }
}
