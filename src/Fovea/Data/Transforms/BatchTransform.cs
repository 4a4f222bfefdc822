using Fovea.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>
/// An augmentation over a whole batch that mixes samples and their labels (<see cref="MixUp"/>,
/// <see cref="CutMix"/>): images [B, C, H, W] are changed in place and the labels, class indices [B] or rows
/// [B, K], become soft labels [B, <see cref="Classes"/>], which the cross-entropy losses accept as probability
/// targets. Give one to a <see cref="DataLoader"/> (<c>batchTransform:</c>); it runs after the per-sample
/// transform.
/// </summary>
/// <remarks>
/// Like <see cref="ImageTransform"/>, a batch transform holds only configuration and draws its randomness from the
/// generator it is given; scratch memory is rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>.
/// </remarks>
public abstract class BatchTransform
{
    /// <summary>A batch transform producing soft labels over <paramref name="classes"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is below 1.</exception>
    protected BatchTransform(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        Classes = classes;
    }

    /// <summary>Number of classes K of the soft labels.</summary>
    public int Classes { get; }

    /// <summary>
    /// Mixes the batch: <paramref name="images"/> [B, C, H, W] in place, and writes soft labels
    /// [B, <see cref="Classes"/>] for <paramref name="labels"/> ([B] class indices or [B, K] rows, shape
    /// <paramref name="labelShape"/>) to <paramref name="mixedLabels"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A shape or span length does not match, a class index is not an integer
    /// in [0, K), or label rows do not have K columns.</exception>
    public void Apply(Span<float> images, Shape imageShape, ReadOnlySpan<float> labels, Shape labelShape,
        Span<float> mixedLabels, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        string name = GetType().Name;
        if (imageShape.Rank != 4 || images.Length != imageShape.Length)
        {
            throw new ArgumentException(
                $"{name}: expected images [B, C, H, W] filling {images.Length} floats, received {imageShape}");
        }
        int b = imageShape[0];
        bool rows = labelShape.Rank == 2;
        if (labelShape.Rank is not (1 or 2) || labelShape[0] != b || (rows && labelShape[1] != Classes)
            || labels.Length != labelShape.Length)
        {
            throw new ArgumentException(
                $"{name}: expected labels [{b}] or [{b}, {Classes}] for images {imageShape}, received {labelShape}");
        }
        if (mixedLabels.Length != b * Classes)
        {
            throw new ArgumentException(
                $"{name}: expected room for soft labels [{b}, {Classes}] ({b * Classes} floats), received "
                + $"{mixedLabels.Length}");
        }
        for (int i = 0; !rows && i < b; i++)
        {
            float v = labels[i];
            if (!(v >= 0 && v < Classes && v == MathF.Floor(v)))
            {
                throw new ArgumentException(
                    $"{name}: sample {i} is labelled {v}; expected a class index 0 to {Classes - 1}");
            }
        }
        ApplyCore(images, imageShape, labels, rows ? Classes : 0, mixedLabels, rng);
    }

    /// <summary>
    /// Mixes <paramref name="images"/> [B, C, H, W] and <paramref name="labels"/> ([B] or [B, K]) into new tensors
    /// (pooled inside a <see cref="TensorScope"/>): X [B, C, H, W] and soft labels Y [B, K].
    /// </summary>
    public (Tensor X, Tensor Y) Apply(Tensor images, Tensor labels, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        var x = images.Clone();
        var y = Tensor.Empty(new Shape(images.Rank == 0 ? 0 : images.Shape[0], Classes));
        Apply(x.AsSpan(), x.Shape, labels.AsReadOnlySpan(), labels.Shape, y.AsSpan(), rng);
        return (x, y);
    }

    /// <summary>The mixing itself, arguments checked; <paramref name="labelWidth"/> is 0 for class indices [B],
    /// else K for rows [B, K].</summary>
    protected abstract void ApplyCore(Span<float> images, Shape imageShape, ReadOnlySpan<float> labels,
        int labelWidth, Span<float> mixedLabels, Rng rng);
}
