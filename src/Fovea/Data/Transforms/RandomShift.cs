using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// Moves each image by a random offset (Keras' <c>width_shift_range</c> and <c>height_shift_range</c>), given as
/// fractions of the width and height: positive moves the content right and down. Offsets are continuous; with
/// <see cref="Interpolation.Nearest"/> they act as whole pixels. A <see cref="RandomAffine"/> with only shifts.
/// </summary>
/// <example><code>
/// new RandomShift(0.1, 0.1)                               // up to ±10% each way
/// new RandomShift((0.25, 0.25), (0, 0), FillMode.Nearest) // always a quarter of the width to the right
/// </code></example>
public sealed class RandomShift : ImageTransform
{
    private readonly RandomAffine _affine;

    /// <summary>Shifts uniform in [−f·W, f·W] and [−g·H, g·H] pixels for f = <paramref name="widthFraction"/>,
    /// g = <paramref name="heightFraction"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A fraction is negative or not finite.</exception>
    public RandomShift(double widthFraction, double heightFraction, FillMode fill = default,
        Interpolation interpolation = Interpolation.Bilinear)
        : this((-widthFraction, widthFraction), (-heightFraction, heightFraction), fill, interpolation)
    {
    }

    /// <summary>Shifts uniform in the given fraction ranges.</summary>
    public RandomShift((double Min, double Max) width, (double Min, double Max) height, FillMode fill = default,
        Interpolation interpolation = Interpolation.Bilinear) =>
        _affine = new RandomAffine(widthShift: width, heightShift: height, fill: fill, interpolation: interpolation);

    /// <summary>The horizontal range, fractions of the width.</summary>
    public (double Min, double Max) Width => _affine.WidthShift;

    /// <summary>The vertical range, fractions of the height.</summary>
    public (double Min, double Max) Height => _affine.HeightShift;

    protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng) =>
        _affine.Apply(source, destination, shape, rng);

    public override string ToString() =>
        $"RandomShift({Width}, {Height}, fill {_affine.Fill}, {_affine.Interpolation})";
}
