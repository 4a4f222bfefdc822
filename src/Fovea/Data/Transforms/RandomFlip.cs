using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// Mirrors each image left-right and/or top-bottom at random (Keras' <c>RandomFlip</c>, torchvision's
/// <c>RandomHorizontalFlip</c>): each enabled axis is flipped with probability <see cref="Probability"/>,
/// independently. Draw order per image: horizontal, then vertical (one draw per enabled axis).
/// </summary>
public sealed class RandomFlip : ImageTransform
{
    /// <summary>A random flip; by default horizontal only, half of the time.</summary>
    /// <param name="horizontal">Flip left-right (mirror the columns).</param>
    /// <param name="vertical">Flip top-bottom (mirror the rows).</param>
    /// <param name="probability">Chance of each enabled flip, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is outside [0, 1].</exception>
    public RandomFlip(bool horizontal = true, bool vertical = false, double probability = 0.5)
    {
        if (!(probability is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "expected a probability in [0, 1]");
        Horizontal = horizontal;
        Vertical = vertical;
        Probability = probability;
    }

    /// <summary>Whether left-right flips happen.</summary>
    public bool Horizontal { get; }

    /// <summary>Whether top-bottom flips happen.</summary>
    public bool Vertical { get; }

    /// <summary>The chance of each enabled flip.</summary>
    public double Probability { get; }

    protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng)
    {
        bool h = Horizontal && rng.NextDouble() < Probability;
        bool v = Vertical && rng.NextDouble() < Probability;
        AugmentKernels.Flip(source, destination, shape[0], shape[1], shape[2], h, v);
    }

    public override string ToString() => $"RandomFlip(horizontal {Horizontal}, vertical {Vertical}, p {Probability})";
}
