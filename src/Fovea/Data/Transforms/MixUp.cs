using System.Buffers;
using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// MixUp (Zhang et al.): draws λ ~ Beta(α, α) once per batch and a random partner j = π(i) for every sample (a
/// shuffle of the batch), then effectively computes <c>x'[i] = λ·x[i] + (1 − λ)·x[π(i)]</c> and
/// <c>y'[i] = λ·onehot(y[i]) + (1 − λ)·onehot(y[π(i)])</c>. Draw order: λ, then the shuffle.
/// </summary>
/// <example><code>
/// var loader = new DataLoader(train, batchSize: 128, batchTransform: new MixUp(alpha: 0.2, classes: 10));
/// model.Compile(new AdamW(1e-3), Losses.CategoricalCrossentropy(), [Metrics.Accuracy]);  // soft targets
/// </code></example>
public sealed class MixUp : BatchTransform
{
    /// <summary>MixUp with mixing weights from Beta(<paramref name="alpha"/>, <paramref name="alpha"/>).</summary>
    /// <param name="alpha">α &gt; 0; small values (0.1 to 0.4) keep most samples close to the original.</param>
    /// <param name="classes">Number of classes of the soft labels.</param>
    /// <exception cref="ArgumentOutOfRangeException">α is not positive and finite, or classes is below 1.</exception>
    public MixUp(double alpha, int classes)
        : base(classes)
    {
        if (!(alpha > 0) || !double.IsFinite(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "MixUp needs a positive, finite alpha");
        Alpha = alpha;
    }

    /// <summary>The Beta distribution's parameter α.</summary>
    public double Alpha { get; }

    protected override void ApplyCore(Span<float> images, Shape imageShape, ReadOnlySpan<float> labels,
        int labelWidth, Span<float> mixedLabels, Rng rng)
    {
        int b = imageShape[0], size = b == 0 ? 0 : images.Length / b;
        float lambda = (float)rng.NextBeta(Alpha, Alpha);
        int[] partner = ArrayPool<int>.Shared.Rent(b);
        float[] copy = ArrayPool<float>.Shared.Rent(images.Length);
        try
        {
            var order = partner.AsSpan(0, b);
            for (int i = 0; i < b; i++)
                order[i] = i;
            rng.Shuffle(order);
            images.CopyTo(copy);
            for (int i = 0; i < b; i++)
            {
                var own = images.Slice(i * size, size);
                AugmentKernels.Blend(own, copy.AsSpan(order[i] * size, size), own, lambda);
            }
            AugmentKernels.MixLabels(labels, labelWidth, Classes, order, lambda, mixedLabels);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(partner);
            ArrayPool<float>.Shared.Return(copy);
        }
    }

    public override string ToString() => $"MixUp(alpha {Alpha}, {Classes} classes)";
}
