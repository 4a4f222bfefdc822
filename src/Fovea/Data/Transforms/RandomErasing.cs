using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// With probability <see cref="Probability"/>, sets a random rectangle of each image to <see cref="Value"/> in every
/// channel (Zhong et al., torchvision's <c>RandomErasing</c>). The rectangle covers a fraction of the area uniform in
/// <see cref="Scale"/>, with an aspect ratio (height / width) log-uniform in <see cref="Ratio"/>, and lies entirely
/// inside the image; when ten tries find no such rectangle the image is left as it is.
/// </summary>
public sealed class RandomErasing : ImageTransform
{
    private const int Attempts = 10;

    /// <summary>Random erasing with torchvision's defaults.</summary>
    /// <param name="probability">Chance that an image is erased, in [0, 1].</param>
    /// <param name="scale">Range of the erased fraction of the area; default (0.02, 0.33).</param>
    /// <param name="ratio">Range of the rectangle's height / width; default (0.3, 3.3).</param>
    /// <param name="value">The value written into the rectangle.</param>
    /// <exception cref="ArgumentOutOfRangeException">A probability or fraction is outside [0, 1], or a ratio is not
    /// positive.</exception>
    public RandomErasing(double probability = 0.5, (double Min, double Max)? scale = null,
        (double Min, double Max)? ratio = null, float value = 0)
    {
        if (!(probability is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(probability), probability, "expected a probability in [0, 1]");
        }
        Scale = CheckRange(scale ?? (0.02, 0.33), nameof(scale));
        Ratio = CheckRange(ratio ?? (0.3, 3.3), nameof(ratio));
        if (Scale.Min < 0 || Scale.Max > 1)
            throw new ArgumentOutOfRangeException(nameof(scale), $"expected area fractions in [0, 1], received {Scale}");
        if (!(Ratio.Min > 0))
            throw new ArgumentOutOfRangeException(nameof(ratio), $"expected positive aspect ratios, received {Ratio}");
        if (!float.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "the erasing value must be finite");
        Probability = probability;
        Value = value;
    }

    /// <summary>The chance that an image is erased.</summary>
    public double Probability { get; }

    /// <summary>Range of the erased fraction of the area.</summary>
    public (double Min, double Max) Scale { get; }

    /// <summary>Range of the rectangle's height / width.</summary>
    public (double Min, double Max) Ratio { get; }

    /// <summary>The value written into the rectangle.</summary>
    public float Value { get; }

    protected override void ApplyCore(ReadOnlySpan<float> source, Span<float> destination, Shape shape, Rng rng)
    {
        source.CopyTo(destination);
        if (rng.NextDouble() >= Probability)
            return;
        int c = shape[0], h = shape[1], w = shape[2];
        double logMin = Math.Log(Ratio.Min), logMax = Math.Log(Ratio.Max);
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            double area = Uniform(rng, Scale.Min, Scale.Max) * h * w;
            double ratio = Math.Exp(Uniform(rng, logMin, logMax));
            int eh = (int)Math.Round(Math.Sqrt(area * ratio)), ew = (int)Math.Round(Math.Sqrt(area / ratio));
            if (eh < 1 || ew < 1 || eh >= h || ew >= w)
                continue;
            int top = rng.NextInt(h - eh + 1), left = rng.NextInt(w - ew + 1);
            AugmentKernels.FillRectangle(destination, c, h, w, top, left, eh, ew, Value);
            return;
        }
    }

    public override string ToString() => $"RandomErasing(p {Probability}, scale {Scale}, ratio {Ratio}, value {Value})";
}
