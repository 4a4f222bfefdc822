using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// Adds a random offset δ, uniform in [−<see cref="MaxDelta"/>, <see cref="MaxDelta"/>], to every pixel of an
/// image (all channels alike, as <c>tf.image.random_brightness</c>): effectively computes
/// <c>out = clamp(x + δ, low, high)</c> with the bounds of <see cref="ValueRange"/> (no clamp when null).
/// </summary>
/// <example><code>new RandomBrightness(0.2, valueRange: (0, 1))   // images in [0, 1], up to ±0.2</code></example>
public sealed class RandomBrightness : ImageTransform
{
    /// <summary>A random brightness offset.</summary>
    /// <param name="maxDelta">Largest offset, ≥ 0, in the units of the pixels.</param>
    /// <param name="valueRange">Optional bounds the result is clamped to, e.g. (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDelta"/> is negative or not finite, or the
    /// range is empty.</exception>
    public RandomBrightness(double maxDelta, (float Low, float High)? valueRange = null)
    {
        if (!(maxDelta >= 0) || !double.IsFinite(maxDelta))
            throw new ArgumentOutOfRangeException(nameof(maxDelta), maxDelta, "expected a finite offset >= 0");
        MaxDelta = maxDelta;
        ValueRange = CheckValueRange(valueRange);
    }

    /// <summary>The largest offset.</summary>
    public double MaxDelta { get; }

    /// <summary>The bounds of the result, or null for none.</summary>
    public (float Low, float High)? ValueRange { get; }

    protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng)
    {
        float delta = (float)Uniform(rng, -MaxDelta, MaxDelta);
        var (low, high) = ValueRange ?? (float.NegativeInfinity, float.PositiveInfinity);
        AugmentKernels.ScaleShift(source, destination, 1, delta, low, high);
    }

    internal static (float Low, float High)? CheckValueRange((float Low, float High)? range)
    {
        if (range is { } r && !(r.Low <= r.High))
        {
            throw new ArgumentOutOfRangeException(
                nameof(range), $"expected a value range with low <= high, received ({r.Low}, {r.High})");
        }
        return range;
    }

    public override string ToString() => $"RandomBrightness({MaxDelta}, range {ValueRange})";
}
