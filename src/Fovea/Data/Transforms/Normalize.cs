using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// Per-channel standardisation as a transform (torchvision's <c>Normalize</c>): effectively computes
/// <c>out[c] = (x[c] − Mean[c]) / Std[c]</c>. Put it last in a <see cref="Compose"/> when the dataset holds
/// images in [0, 1], so brightness, contrast and constant fills act on the raw pixel values.
/// </summary>
public sealed class Normalize : ImageTransform
{
    /// <summary>Standardises with <paramref name="normalization"/>'s per-channel mean and std.</summary>
    public Normalize(Normalization normalization)
    {
        ArgumentNullException.ThrowIfNull(normalization);
        Normalization = normalization;
    }

    /// <summary>The per-channel statistics.</summary>
    public Normalization Normalization { get; }

    /// <exception cref="ArgumentException">The image's channel count differs from the normalisation's.</exception>
    public override Shape OutputShape(Shape input)
    {
        RequireImage(input, nameof(Normalize));
        if (input[0] != Normalization.Channels)
        {
            throw new ArgumentException(
                $"Normalize: expected images [{Normalization.Channels}, H, W], received {input}");
        }
        return input;
    }

    protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng)
    {
        int plane = shape[1] * shape[2];
        for (int c = 0; c < shape[0]; c++)
        {
            float scale = 1 / Normalization.Std[c];
            AugmentKernels.ScaleShift(source.Slice(c * plane, plane), destination.Slice(c * plane, plane), scale,
                -Normalization.Mean[c] * scale, float.NegativeInfinity, float.PositiveInfinity);
        }
    }

    public override string ToString() => $"Normalize({Normalization})";
}
