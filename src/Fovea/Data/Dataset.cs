using Fovea.Tensors;

namespace Fovea.Data;

/// <summary>
/// An in-memory labelled dataset: <see cref="Features"/> [N, ...] (images [N, C, H, W]) and <see cref="Labels"/>,
/// either [N] class indices stored as floats, or [N, classes] one-hot rows or class probabilities.
/// </summary>
/// <remarks>
/// Both tensors are owned by the garbage collector (a dataset outlives every training step), so they must not come
/// from a <see cref="TensorScope"/>; every dataset this class makes allocates outside the pool, even when called
/// inside a scope. A dataset is treated as read-only: <see cref="Take"/> shares storage with its source.
/// </remarks>
public sealed partial class Dataset
{
    private readonly string[]? _classNames;

    /// <summary>
    /// A dataset over <paramref name="features"/> [N, ...] and <paramref name="labels"/> [N] or [N, K].
    /// </summary>
    /// <param name="features">Inputs, first dimension = samples.</param>
    /// <param name="labels">Class indices [N] (as floats) or per-class targets [N, K].</param>
    /// <param name="classNames">Optional names, indexed by class; with [N, K] labels there must be K of them.</param>
    /// <exception cref="ArgumentException">The sample counts differ, the ranks are wrong, or a tensor belongs to a
    /// <see cref="TensorScope"/>.</exception>
    public Dataset(Tensor features, Tensor labels, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Rank < 1)
            throw new ArgumentException($"features must be [N, ...], received a scalar {features.Shape}");
        if (labels.Rank is < 1 or > 2)
            throw new ArgumentException($"labels must be [N] class indices or [N, classes], received {labels.Shape}");
        if (features.Shape[0] != labels.Shape[0])
        {
            throw new ArgumentException(
                $"features {features.Shape} hold {features.Shape[0]} samples but labels {labels.Shape} hold "
                + $"{labels.Shape[0]}; their first dimensions must match");
        }
        if (features.Scope is not null || labels.Scope is not null)
        {
            throw new ArgumentException(
                "dataset tensors must outlive training steps, but these come from a TensorScope and would go back to "
                + "the pool when it ends; create them outside any scope or move them out with scope.Keep(...)");
        }
        if (classNames is not null && labels.Rank == 2 && classNames.Count != labels.Shape[1])
        {
            throw new ArgumentException(
                $"labels {labels.Shape} have {labels.Shape[1]} classes but {classNames.Count} class names were given");
        }
        Features = features;
        Labels = labels;
        _classNames = classNames is null ? null : [.. classNames];
    }

    /// <summary>The inputs, [N, ...]; for images [N, C, H, W].</summary>
    public Tensor Features { get; }

    /// <summary>The targets: [N] class indices (as floats) or [N, classes].</summary>
    public Tensor Labels { get; }

    /// <summary>Number of samples N.</summary>
    public int Count => Features.Shape[0];

    /// <summary>The shape of one sample, e.g. [1, 28, 28].</summary>
    public Shape SampleShape => Features.Shape.WithoutBatch();

    /// <summary>The shape of one sample's label: [] for class indices, [classes] otherwise.</summary>
    public Shape LabelShape => Labels.Shape.WithoutBatch();

    /// <summary>Class names indexed by class, or null when unknown.</summary>
    public IReadOnlyList<string>? ClassNames => _classNames;

    /// <summary>The first <paramref name="n"/> samples, sharing storage with this dataset (no copy).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative or more than
    /// <see cref="Count"/>.</exception>
    public Dataset Take(int n)
    {
        if (n < 0 || n > Count)
            throw new ArgumentOutOfRangeException(nameof(n), n, $"expected 0 to {Count} samples to take");
        return new Dataset(Features.SliceRows(0, n), Labels.SliceRows(0, n), _classNames);
    }

    /// <summary>A copy of the samples at <paramref name="indices"/>, in that order (repeats allowed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="Count"/>).</exception>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        for (int p = 0; p < indices.Length; p++)
        {
            if ((uint)indices[p] >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), $"index {indices[p]} at position {p} is outside [0, {Count})");
            }
        }
        var x = Tensor.Wrap(GC.AllocateUninitializedArray<float>(SampleShape.Length * indices.Length),
            Features.Shape.With(0, indices.Length));
        var y = Tensor.Wrap(GC.AllocateUninitializedArray<float>(LabelShape.Length * indices.Length),
            Labels.Shape.With(0, indices.Length));
        GatherRows(Features.AsReadOnlySpan(), indices, x.AsSpan());
        GatherRows(Labels.AsReadOnlySpan(), indices, y.AsSpan());
        return new Dataset(x, y, _classNames);
    }

    /// <summary>
    /// Builds a dataset from unsigned-byte images and labels (the layout of IDX and CIFAR files): pixels are scaled
    /// to [0, 1] (<c>b / 255</c>) and then, when <paramref name="normalization"/> is given, standardised per channel.
    /// </summary>
    /// <param name="pixels">N images of <paramref name="imageShape"/>, row-major (channel planes one after
    /// another within an image).</param>
    /// <param name="labels">N class indices.</param>
    /// <param name="imageShape">[C, H, W] of one image.</param>
    /// <param name="normalization">Optional per-channel mean/std applied after scaling.</param>
    /// <param name="classNames">Optional class names; when given every label must be below their count.</param>
    /// <returns>Features [N, C, H, W] and labels [N].</returns>
    public static Dataset FromBytes(ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> labels, Shape imageShape,
        Normalization? normalization = null, IReadOnlyList<string>? classNames = null)
    {
        if (imageShape.Rank != 3)
            throw new ArgumentException($"expected an image shape [C, H, W], received {imageShape}");
        int n = labels.Length, size = imageShape.Length, channels = imageShape[0];
        if ((long)n * size != pixels.Length)
        {
            throw new ArgumentException(
                $"{n} labels need {n} images of {imageShape} = {(long)n * size} bytes, received {pixels.Length}");
        }
        float[] y = new float[n];
        for (int i = 0; i < n; i++)
        {
            if (classNames is not null && labels[i] >= classNames.Count)
            {
                throw new ArgumentException(
                    $"label {labels[i]} of sample {i} is not below the {classNames.Count} class names");
            }
            y[i] = labels[i];
        }
        float[] table = Normalization.ByteTable(normalization, channels);
        float[] x = GC.AllocateUninitializedArray<float>(pixels.Length);
        int plane = channels == 0 ? 0 : size / channels;
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                int start = i * size + c * plane;
                ConvertPlane(pixels.Slice(start, plane), table.AsSpan(c * 256, 256), x.AsSpan(start, plane));
            }
        }
        return new Dataset(Tensor.Wrap(x, imageShape.WithBatch(n)), Tensor.Wrap(y, [n]), classNames);
    }

    private static void ConvertPlane(ReadOnlySpan<byte> source, ReadOnlySpan<float> table, Span<float> destination)
    {
        for (int i = 0; i < source.Length; i++)
            destination[i] = table[source[i]];
    }

    /// <summary>Copies row <c>indices[j]</c> of <paramref name="source"/> to row j of <paramref name="destination"/>
    /// (the row length is <c>destination.Length / indices.Length</c>).</summary>
    internal static void GatherRows(ReadOnlySpan<float> source, ReadOnlySpan<int> indices, Span<float> destination)
    {
        if (indices.Length == 0)
            return;
        int row = destination.Length / indices.Length;
        for (int j = 0; j < indices.Length; j++)
            source.Slice(indices[j] * row, row).CopyTo(destination.Slice(j * row, row));
    }

    public override string ToString() =>
        $"Dataset({Count} samples, features {Features.Shape}, labels {Labels.Shape}"
        + (_classNames is null ? ")" : $", {_classNames.Length} classes)");
}
