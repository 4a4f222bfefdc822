using System.Buffers;
using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// CutMix (Yun et al.): draws λ ~ Beta(α, α) once per batch, a box of height ⌊H·√(1 − λ)⌉ and width
/// ⌊W·√(1 − λ)⌉ centred on a uniform pixel (clipped to the image), and a random partner π(i) for every sample;
/// the box of x[i] is replaced by the same box of x[π(i)] and the labels are mixed by the area actually kept:
/// <c>y'[i] = λ'·onehot(y[i]) + (1 − λ')·onehot(y[π(i)])</c> with λ' = 1 − box area / (H·W). One box per batch (as
/// timm's batch mode). Draw order: λ, box row, box column, then the shuffle.
/// </summary>
public sealed class CutMix : BatchTransform
{
    /// <summary>CutMix with box sizes from Beta(<paramref name="alpha"/>, <paramref name="alpha"/>).</summary>
    /// <param name="alpha">α &gt; 0; 1 (uniform λ) is the paper's choice.</param>
    /// <param name="classes">Number of classes of the soft labels.</param>
    /// <exception cref="ArgumentOutOfRangeException">α is not positive and finite, or classes is below 1.</exception>
    public CutMix(double alpha, int classes)
        : base(classes)
    {
        if (!(alpha > 0) || !double.IsFinite(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "CutMix needs a positive, finite alpha");
        Alpha = alpha;
    }

    /// <summary>The Beta distribution's parameter α.</summary>
    public double Alpha { get; }

    protected override void ApplyCore(Span<float> images, Shape imageShape, ReadOnlySpan<float> labels,
        int labelWidth, Span<float> mixedLabels, Rng rng)
    {
        int b = imageShape[0], c = imageShape[1], h = imageShape[2], w = imageShape[3], size = c * h * w;
        double lambda = rng.NextBeta(Alpha, Alpha), cut = Math.Sqrt(1 - lambda);
        int bh = (int)Math.Round(h * cut), bw = (int)Math.Round(w * cut);
        int cy = rng.NextInt(h), cx = rng.NextInt(w);
        var (r0, r1, c0, c1) = AugmentKernels.Clip(h, w, cy - bh / 2, cx - bw / 2, bh, bw);
        float kept = 1 - (float)((r1 - r0) * (c1 - c0)) / (h * w);
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
                AugmentKernels.CopyRectangle(copy.AsSpan(order[i] * size, size), images.Slice(i * size, size), c, h,
                    w, r0, c0, r1 - r0, c1 - c0);
            }
            AugmentKernels.MixLabels(labels, labelWidth, Classes, order, kept, mixedLabels);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(partner);
            ArrayPool<float>.Shared.Return(copy);
        }
    }

    public override string ToString() => $"CutMix(alpha {Alpha}, {Classes} classes)";
}
