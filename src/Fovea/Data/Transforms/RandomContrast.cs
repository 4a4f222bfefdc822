using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// Scales each channel's deviation from its mean by a random factor f, uniform in
/// [1 − <see cref="Factor"/>, 1 + <see cref="Factor"/>] (Keras' <c>RandomContrast</c>,
/// <c>tf.image.adjust_contrast</c>): effectively computes <c>out[c] = clamp((x[c] − mean(x[c]))·f + mean(x[c]))</c>
/// with the bounds of <see cref="ValueRange"/> (no clamp when null). One factor per image.
/// </summary>
public sealed class RandomContrast : ImageTransform
{
    /// <summary>A random contrast change.</summary>
    /// <param name="factor">How far the factor may move from 1, in [0, 1].</param>
    /// <param name="valueRange">Optional bounds the result is clamped to, e.g. (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is outside [0, 1] or the range is
    /// empty.</exception>
    public RandomContrast(double factor, (float Low, float High)? valueRange = null)
    {
        if (!(factor is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "expected a contrast factor in [0, 1]");
        Factor = factor;
        ValueRange = RandomBrightness.CheckValueRange(valueRange);
    }

    /// <summary>The largest change of the factor from 1.</summary>
    public double Factor { get; }

    /// <summary>The bounds of the result, or null for none.</summary>
    public (float Low, float High)? ValueRange { get; }

    protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng)
    {
        float f = (float)Uniform(rng, 1 - Factor, 1 + Factor);
        var (low, high) = ValueRange ?? (float.NegativeInfinity, float.PositiveInfinity);
        int plane = shape[1] * shape[2];
        for (int c = 0; c < shape[0]; c++)
        {
            var x = source.Slice(c * plane, plane);
            float mean = (float)AugmentKernels.Mean(x);
            AugmentKernels.ScaleShift(x, destination.Slice(c * plane, plane), f, mean * (1 - f), low, high);
        }
    }

    public override string ToString() => $"RandomContrast({Factor}, range {ValueRange})";
}
