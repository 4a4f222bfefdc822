using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// Scales each image about its centre by a random factor s (the same on both axes): s &gt; 1 zooms in (the content
/// grows and its border is cut off), s &lt; 1 zooms out (the border is filled by <see cref="FillMode"/>).
/// A <see cref="RandomAffine"/> with only a scale range.
/// </summary>
/// <example><code>
/// new RandomZoom(0.1)            // s uniform in [0.9, 1.1]
/// new RandomZoom((2, 2))         // always twice as large: the centre half of the image fills it
/// </code></example>
public sealed class RandomZoom : ImageTransform
{
    private readonly RandomAffine _affine;

    /// <summary>Factors uniform in [1 − <paramref name="range"/>, 1 + <paramref name="range"/>].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="range"/> is not in [0, 1).</exception>
    public RandomZoom(double range, FillMode fill = default, Interpolation interpolation = Interpolation.Bilinear)
        : this((1 - CheckZoom(range), 1 + range), fill, interpolation)
    {
    }

    /// <summary>Factors uniform in [<paramref name="scale"/>.Min, <paramref name="scale"/>.Max].</summary>
    public RandomZoom((double Min, double Max) scale, FillMode fill = default,
        Interpolation interpolation = Interpolation.Bilinear) =>
        _affine = new RandomAffine(scale: scale, fill: fill, interpolation: interpolation);

    /// <summary>The factor range.</summary>
    public (double Min, double Max) Scale => _affine.Scale;

    protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng) =>
        _affine.Apply(source, destination, shape, rng);

    private static double CheckZoom(double range) => range is >= 0 and < 1
        ? range
        : throw new ArgumentOutOfRangeException(nameof(range), range, "expected a zoom range in [0, 1)");

    public override string ToString() => $"RandomZoom({Scale}, fill {_affine.Fill}, {_affine.Interpolation})";
}
