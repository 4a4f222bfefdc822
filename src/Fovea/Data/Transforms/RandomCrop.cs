using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// Pads each image by <see cref="Padding"/> pixels on every side, then cuts out a <see cref="Size"/> window at a
/// random position (torchvision's <c>RandomCrop(size, padding)</c>; the CIFAR recipe is
/// <c>new RandomCrop(32, padding: 4)</c>). Padded pixels follow <see cref="Fill"/>, zeros by default. The window's
/// top-left corner is uniform over the padded image: row in [0, H + 2p − height], then column in
/// [0, W + 2p − width] (two draws).
/// </summary>
public sealed class RandomCrop : ImageTransform
{
    /// <summary>A random crop.</summary>
    /// <param name="size">Output height × width (one int for a square).</param>
    /// <param name="padding">Pixels added on each side before cropping, ≥ 0.</param>
    /// <param name="fill">What the padding holds; default <c>FillMode.Constant(0)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive or the padding is negative.
    /// </exception>
    public RandomCrop(Size2 size, int padding = 0, FillMode? fill = null)
    {
        if (!size.IsPositive)
            throw new ArgumentOutOfRangeException(nameof(size), $"a crop size must be positive, received {size}");
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        Size = size;
        Padding = padding;
        Fill = fill ?? FillMode.Constant(0);
    }

    /// <summary>The output height × width.</summary>
    public Size2 Size { get; }

    /// <summary>Pixels of padding on each side.</summary>
    public int Padding { get; }

    /// <summary>What the padding holds.</summary>
    public FillMode Fill { get; }

    /// <exception cref="ArgumentException">The padded image is smaller than the crop.</exception>
    public override Shape OutputShape(Shape input)
    {
        RequireImage(input, nameof(RandomCrop));
        if (input[1] + 2 * Padding < Size.Height || input[2] + 2 * Padding < Size.Width)
        {
            throw new ArgumentException(
                $"RandomCrop: a {Size.Height}×{Size.Width} crop does not fit an image {input} padded by {Padding}");
        }
        return new Shape(input[0], Size.Height, Size.Width);
    }

    protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng)
    {
        int c = shape[0], h = shape[1], w = shape[2];
        int top = rng.NextInt(h + 2 * Padding - Size.Height + 1) - Padding;
        int left = rng.NextInt(w + 2 * Padding - Size.Width + 1) - Padding;
        AugmentKernels.Crop(source, destination, c, h, w, Size.Height, Size.Width, top, left, Fill.Border, Fill.Value);
    }

    public override string ToString() => $"RandomCrop({Size}, padding {Padding}, fill {Fill})";
}
