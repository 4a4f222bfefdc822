namespace Fovea.Explain;

/// <summary>
/// How <see cref="Lime"/> and <see cref="KernelShap"/> cut an image into features: SLIC superpixels
/// (<see cref="Slic"/>) unless <see cref="Segmentation"/> is given, and what a hidden superpixel becomes.
/// </summary>
public sealed class SuperpixelOptions
{
    /// <summary>Approximate number of SLIC superpixels (default 50).</summary>
    public int Segments { get; init; } = 50;

    /// <summary>SLIC compactness (default 10, scikit-image's default).</summary>
    public float Compactness { get; init; } = 10f;

    /// <summary>The value of hidden pixels; null (default) for each superpixel's mean colour (LIME's default).
    /// </summary>
    public float? HideValue { get; init; }

    /// <summary>
    /// A segmentation of one image (values [C·H·W], C, H, W) → labels [H·W] in 0 … K − 1; null for SLIC, with CIELAB
    /// conversion when the image has 3 channels in [0, 1].
    /// </summary>
    public Func<float[], int, int, int, int[]>? Segmentation { get; init; }

    internal Superpixels For(float[] image, int c, int h, int w)
    {
        int[] labels;
        if (Segmentation is not null)
            labels = Segmentation(image, c, h, w);
        else
        {
            bool unit = image.All(v => v >= 0f && v <= 1f);
            labels = Slic.Segment(image, c, h, w, Segments, Compactness, convertToLab: unit);
        }
        if (labels.Length != h * w || labels.Any(l => l < 0))
            throw new FoveaException($"segmentation returned {labels.Length} labels for a {h}x{w} image; expected " +
                $"{h * w} labels ≥ 0");
        return new Superpixels(image, c, h, w, labels, HideValue);
    }
}
