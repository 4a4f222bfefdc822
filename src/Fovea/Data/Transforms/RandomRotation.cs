using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// Rotates each image by a random angle about its centre (Keras' <c>rotation_range</c>, torchvision's
/// <c>RandomRotation</c>); positive angles turn the content counter-clockwise. A <see cref="RandomAffine"/> with
/// only a rotation range.
/// </summary>
/// <example><code>
/// new RandomRotation(15)                              // uniform in [−15°, 15°], reflected borders
/// new RandomRotation((90, 90), FillMode.Constant(0))  // always a quarter turn counter-clockwise
/// </code></example>
public sealed class RandomRotation : ImageTransform
{
    private readonly RandomAffine _affine;

    /// <summary>Angles uniform in [−<paramref name="degrees"/>, <paramref name="degrees"/>].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degrees"/> is negative or not finite.
    /// </exception>
    public RandomRotation(double degrees, FillMode fill = default, Interpolation interpolation = Interpolation.Bilinear)
        : this((-degrees, degrees), fill, interpolation)
    {
    }

    /// <summary>Angles uniform in [<paramref name="degrees"/>.Min, <paramref name="degrees"/>.Max].</summary>
    public RandomRotation((double Min, double Max) degrees, FillMode fill = default,
        Interpolation interpolation = Interpolation.Bilinear) =>
        _affine = new RandomAffine(degrees: degrees, fill: fill, interpolation: interpolation);

    /// <summary>The angle range in degrees (counter-clockwise).</summary>
    public (double Min, double Max) Degrees => _affine.Degrees;

    protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng) =>
        _affine.Apply(source, destination, shape, rng);

    public override string ToString() => $"RandomRotation({Degrees}, fill {_affine.Fill}, {_affine.Interpolation})";
}
