using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// Sets a <see cref="Size"/> square (or rectangle) of each image to <see cref="Value"/> in every channel (DeVries and
/// Taylor's Cutout): its centre is a pixel chosen uniformly (row, then column), and the part that falls outside the
/// image is dropped, so edge patches are smaller. The patch covers rows [cy − ⌊h/2⌋, cy − ⌊h/2⌋ + h).
/// </summary>
public sealed class Cutout : ImageTransform
{
    /// <summary>A cutout of <paramref name="size"/> (one int for a square) filled with <paramref name="value"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive or the value not finite.</exception>
    public Cutout(Size2 size, float value = 0)
    {
        if (!size.IsPositive)
            throw new ArgumentOutOfRangeException(nameof(size), $"a cutout size must be positive, received {size}");
        if (!float.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "the cutout value must be finite");
        Size = size;
        Value = value;
    }

    /// <summary>Height × width of the patch before clipping.</summary>
    public Size2 Size { get; }

    /// <summary>The value written into the patch.</summary>
    public float Value { get; }

    protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng)
    {
        int c = shape[0], h = shape[1], w = shape[2];
        source.CopyTo(destination);
        int cy = rng.NextInt(h), cx = rng.NextInt(w);
        AugmentKernels.FillRectangle(destination, c, h, w, cy - Size.Height / 2, cx - Size.Width / 2, Size.Height,
            Size.Width, Value);
    }

    public override string ToString() => $"Cutout({Size}, value {Value})";
}
