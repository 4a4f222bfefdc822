using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// A per-image augmentation or preprocessing step on images [C, H, W] (channel planes one after another), with
/// its randomness drawn from the <see cref="Rng"/> it is given, so the same generator state always gives the
/// same result. Give one to a <see cref="DataLoader"/> (<c>transform:</c>) to augment every training sample on
/// the fly; chain several with <see cref="Compose"/>.
/// </summary>
/// <remarks>
/// Transforms hold only their configuration: they are immutable and may be used by several threads at once (a
/// prefetching loader runs them on its background thread). Scratch memory comes from
/// <see cref="System.Buffers.ArrayPool{T}.Shared"/> and goes back before <c>Apply</c> returns.
/// A subclass implements <see cref="ApplyCore"/> and, when it changes the size, <see cref="OutputShape"/>.
/// </remarks>
public abstract class ImageTransform
{
    /// <summary>The last input shape seen and its output shape (swapped as one object, so it is thread-safe).
    /// </summary>
    private ShapePair? _lastShapes;
    /// <summary>The shape of the result for an image of <paramref name="input"/> [C, H, W]; the same by default.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> is not [C, H, W] with positive sizes, or the
    /// transform cannot apply to it (the message says why).</exception>
    public virtual Shape OutputShape(Shape input)
    {
        RequireImage(input, GetType().Name);
        return input;
    }

    /// <summary>
    /// Writes the transformed <paramref name="source"/> (one image of <paramref name="shape"/> [C, H, W]) to
    /// <paramref name="destination"/>, which holds <c>OutputShape(shape).Length</c> floats and must not overlap
    /// the source.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length does not match the shapes, or they overlap.</exception>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var output = CachedOutputShape(shape);
        if (source.Length != shape.Length || destination.Length != output.Length)
        {
            throw new ArgumentException(
                $"{GetType().Name}: expected a source of {shape.Length} floats ({shape}) and a destination of "
                + $"{output.Length} ({output}), received {source.Length} and {destination.Length}");
        }
        if (source.Overlaps(destination))
            throw new ArgumentException($"{GetType().Name}: the source and destination spans overlap");
        ApplyCore(source, destination, shape, rng);
    }

    /// <summary>
    /// Transforms <paramref name="images"/>, one image [C, H, W] or a batch [N, C, H, W] (each image drawing its
    /// own parameters from <paramref name="rng"/>, in order), into a new tensor (pooled inside a
    /// <see cref="TensorScope"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="images"/> is not of rank 3 or 4.</exception>
    public Tensor Apply(Tensor images, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(rng);
        if (images.Rank is not (3 or 4))
        {
            throw new ArgumentException(
                $"{GetType().Name}: expected an image [C, H, W] or a batch [N, C, H, W], received {images.Shape}");
        }
        bool batch = images.Rank == 4;
        var shape = batch ? images.Shape.WithoutBatch() : images.Shape;
        var output = OutputShape(shape);
        int n = batch ? images.Shape[0] : 1;
        var result = Tensor.Empty(batch ? output.WithBatch(n) : output);
        var x = images.AsReadOnlySpan();
        var y = result.AsSpan();
        for (int i = 0; i < n; i++)
            ApplyCore(x.Slice(i * shape.Length, shape.Length), y.Slice(i * output.Length, output.Length), shape, rng);
        return result;
    }

    /// <summary>The transform itself; the arguments are already checked (see <see cref="Apply(ReadOnlySpan{float},
    /// Span{float}, Shape, Rng)"/>).</summary>
    protected abstract void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng);

    /// <summary><see cref="OutputShape"/>, remembered for the last input shape (a loader asks for every sample).
    /// </summary>
    internal Shape CachedOutputShape(Shape input)
    {
        var last = _lastShapes;
        if (last is not null && last.Input == input)
            return last.Output;
        var output = OutputShape(input);
        _lastShapes = new ShapePair(input, output);
        return output;
    }

    private sealed record ShapePair(Shape Input, Shape Output);

    /// <summary>Throws unless <paramref name="shape"/> is [C, H, W] with positive sizes.</summary>
    protected static void RequireImage(Shape shape, string transform)
    {
        if (shape.Rank != 3 || shape[0] <= 0 || shape[1] <= 0 || shape[2] <= 0)
        {
            throw new ArgumentException(
                $"{transform}: expected an image [C, H, W] with positive sizes, received {shape}");
        }
    }

    /// <summary>A uniform sample in [<paramref name="min"/>, <paramref name="max"/>] (one draw even when equal).
    /// </summary>
    protected static double Uniform(Rng rng, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return min + (max - min) * rng.NextDouble();
    }

    /// <summary>Throws unless min ≤ max and both are finite.</summary>
    protected static (double Min, double Max) CheckRange((double Min, double Max) range, string name)
    {
        if (!double.IsFinite(range.Min) || !double.IsFinite(range.Max) || range.Min > range.Max)
        {
            throw new ArgumentOutOfRangeException(
                name, $"expected a finite range with min <= max, received ({range.Min}, {range.Max})");
        }
        return range;
    }
}
