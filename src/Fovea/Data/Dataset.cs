using System.Globalization;
using Fovea.Tensors;

namespace Fovea.Data;

/// <summary>
/// An in-memory labelled dataset: <see cref="Features"/> [N, ...] (images [N, C, H, W]) and <see cref="Labels"/>,
/// either [N] class indices stored as floats, [N, classes] one-hot rows or class probabilities, or class maps
/// [N, H, W] (per-pixel class indices, as segmentation trains on). For a model with
/// several inputs or outputs a dataset holds several input tensors (<see cref="Inputs"/>) and several target
/// tensors (<see cref="Targets"/>), by position or by name (the model's input names and output names).
/// </summary>
/// <remarks>
/// Every tensor is owned by the garbage collector (a dataset outlives every training step), so none may come from a
/// <see cref="TensorScope"/>; every dataset this class makes allocates outside the pool, even when called inside a
/// scope. A dataset is treated as read-only: <see cref="Take"/> shares storage with its source.
/// </remarks>
/// <example>
/// Two inputs and two targets, by name (<c>model.Fit</c> matches them to the model's inputs and outputs):
/// <code>
/// var data = new Dataset(
///     new Dictionary&lt;string, Tensor&gt; { ["image"] = images, ["features"] = tabular },
///     new Dictionary&lt;string, Tensor&gt; { ["class"] = labels, ["size"] = sizes });
/// </code>
/// </example>
public sealed partial class Dataset
{
    private readonly string[]? _classNames;
    private readonly Tensor[] _inputs, _targets;
    private readonly string[]? _inputNames, _targetNames;

    /// <summary>
    /// A dataset over <paramref name="features"/> [N, ...] and <paramref name="labels"/> [N], [N, K] or a class map
    /// [N, H, W].
    /// </summary>
    /// <param name="features">Inputs, first dimension = samples.</param>
    /// <param name="labels">Class indices [N] (as floats), per-class targets [N, K], or per-pixel class indices
    /// [N, H, W] (as floats).</param>
    /// <param name="classNames">Optional names, indexed by class; with [N, K] labels there must be K of them.</param>
    /// <exception cref="ArgumentException">The sample counts differ, the ranks are wrong, or a tensor belongs to a
    /// <see cref="TensorScope"/>.</exception>
    public Dataset(Tensor features, Tensor labels, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Rank < 1)
            throw new ArgumentException($"features must be [N, ...], received a scalar {features.Shape}");
        if (labels.Rank is < 1 or > 3)
        {
            throw new ArgumentException(
                $"labels must be [N] class indices, [N, classes] or class maps [N, H, W], received {labels.Shape}");
        }
        if (features.Shape[0] != labels.Shape[0])
        {
            throw new ArgumentException(
                $"features {features.Shape} hold {features.Shape[0]} samples but labels {labels.Shape} hold "
                + $"{labels.Shape[0]}; their first dimensions must match");
        }
        CheckOwned([features, labels]);
        if (classNames is not null && labels.Rank == 2 && classNames.Count != labels.Shape[1])
        {
            throw new ArgumentException(
                $"labels {labels.Shape} have {labels.Shape[1]} classes but {classNames.Count} class names were given");
        }
        _inputs = [features];
        _targets = [labels];
        _classNames = classNames is null ? null : [.. classNames];
    }

    /// <summary>
    /// A dataset over several inputs and several targets, by position: the model's first input gets
    /// <c>inputs[0]</c>, its first output is compared with <c>targets[0]</c>, and so on.
    /// </summary>
    /// <param name="inputs">At least one tensor [N, ...], all with the same N.</param>
    /// <param name="targets">At least one tensor [N, ...] (class indices [N], rows [N, K], values [N, ...]).</param>
    /// <exception cref="ArgumentException">A list is empty, the sample counts differ, a tensor is a scalar or belongs
    /// to a <see cref="TensorScope"/>.</exception>
    public Dataset(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        _inputs = [.. inputs];
        _targets = [.. targets];
        CheckTensors(Describe(_inputs, null, "input"), Describe(_targets, null, "target"));
    }

    /// <summary>
    /// A dataset over named inputs and targets: keys are the model's input names and output names
    /// (<c>Model.InputNames</c>, <c>Model.OutputNames</c>), so the order does not matter.
    /// </summary>
    /// <exception cref="ArgumentException">A dictionary is empty, the sample counts differ, a tensor is a scalar or
    /// belongs to a <see cref="TensorScope"/>.</exception>
    public Dataset(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyDictionary<string, Tensor> targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        _inputNames = [.. inputs.Keys];
        _inputs = [.. inputs.Values];
        _targetNames = [.. targets.Keys];
        _targets = [.. targets.Values];
        CheckTensors(Describe(_inputs, _inputNames, "input"), Describe(_targets, _targetNames, "target"));
    }

    /// <summary>
    /// A (features, labels) pair as a dataset, so that <c>model.Fit(x, y, validationData: (xTest, yTest))</c> reads as
    /// Keras's <c>validation_data=(x_test, y_test)</c>.
    /// </summary>
    public static implicit operator Dataset((Tensor Features, Tensor Labels) pair) => FromPair(pair);

    /// <summary>The dataset over a (features, labels) pair: <c>new Dataset(pair.Features, pair.Labels)</c>.</summary>
    public static Dataset FromPair((Tensor Features, Tensor Labels) pair) => new(pair.Features, pair.Labels);

    private Dataset(Tensor[] inputs, Tensor[] targets, string[]? inputNames, string[]? targetNames,
        string[]? classNames)
    {
        _inputs = inputs;
        _targets = targets;
        _inputNames = inputNames;
        _targetNames = targetNames;
        _classNames = classNames;
    }

    /// <summary>The inputs, [N, ...]; for images [N, C, H, W] (the first input when there are several).</summary>
    public Tensor Features => _inputs[0];

    /// <summary>The targets: [N] class indices (as floats), [N, classes] or class maps [N, H, W] (the first target
    /// when there are several).</summary>
    public Tensor Labels => _targets[0];

    /// <summary>Every input tensor, [N, ...] each (one for a plain dataset: <see cref="Features"/>).</summary>
    public IReadOnlyList<Tensor> Inputs => _inputs;

    /// <summary>Every target tensor, [N, ...] each (one for a plain dataset: <see cref="Labels"/>).</summary>
    public IReadOnlyList<Tensor> Targets => _targets;

    /// <summary>The name of each input (the model input it feeds), or null when the inputs are positional.</summary>
    public IReadOnlyList<string>? InputNames => _inputNames;

    /// <summary>The name of each target (the model output it scores), or null when the targets are positional.
    /// </summary>
    public IReadOnlyList<string>? TargetNames => _targetNames;

    /// <summary>Number of samples N.</summary>
    public int Count => _inputs[0].Shape[0];

    /// <summary>The shape of one sample, e.g. [1, 28, 28] (of the first input when there are several).</summary>
    public Shape SampleShape => Features.Shape.WithoutBatch();

    /// <summary>The shape of one sample's label: [] for class indices, [classes] otherwise (of the first target).
    /// </summary>
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
        return new Dataset(_inputs.Select(t => t.SliceRows(0, n)).ToArray(),
            _targets.Select(t => t.SliceRows(0, n)).ToArray(), _inputNames, _targetNames, _classNames);
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
        var inputs = new Tensor[_inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = Gather(_inputs[i], indices);
        var targets = new Tensor[_targets.Length];
        for (int i = 0; i < targets.Length; i++)
            targets[i] = Gather(_targets[i], indices);
        return new Dataset(inputs, targets, _inputNames, _targetNames, _classNames);
    }

    /// <summary>Whether the dataset holds exactly one input and one target, without names.</summary>
    internal bool IsPlain => _inputs.Length == 1 && _targets.Length == 1 && _inputNames is null
        && _targetNames is null;

    private static Tensor Gather(Tensor source, ReadOnlySpan<int> indices)
    {
        var shape = source.Shape.With(0, indices.Length);
        var result = Tensor.Wrap(GC.AllocateUninitializedArray<float>(shape.Length), shape);
        GatherRows(source.AsReadOnlySpan(), indices, result.AsSpan());
        return result;
    }

    /// <summary>Each tensor with a label for messages: "input 'image' [8, 3, 32, 32]" or "target 1 [8]".</summary>
    private static (Tensor Tensor, string Label)[] Describe(Tensor[] tensors, string[]? names, string kind) =>
        tensors.Select((t, i) => (t, $"{kind} {(names is null ? i.ToString(CultureInfo.InvariantCulture)
            : $"'{names[i]}'")}{(t is null ? "" : " " + t.Shape)}")).ToArray();

    private static void CheckTensors((Tensor Tensor, string Label)[] inputs, (Tensor Tensor, string Label)[] targets)
    {
        if (inputs.Length == 0)
            throw new ArgumentException("a dataset needs at least one input tensor, received none");
        if (targets.Length == 0)
            throw new ArgumentException("a dataset needs at least one target tensor, received none");
        var all = inputs.Concat(targets).ToArray();
        foreach (var (t, label) in all)
        {
            if (t is null)
                throw new ArgumentException($"{label} is null");
            if (t.Rank < 1)
                throw new ArgumentException($"{label} must be [N, ...], received a scalar");
        }
        var (first, firstLabel) = all[0];
        foreach (var (t, label) in all)
        {
            if (t.Shape[0] != first.Shape[0])
            {
                throw new ArgumentException(
                    $"{firstLabel} holds {first.Shape[0]} samples but {label} holds {t.Shape[0]}; the first "
                    + "dimensions must match");
            }
        }
        CheckOwned(all.Select(a => a.Tensor));
    }

    private static void CheckOwned(IEnumerable<Tensor> tensors)
    {
        if (tensors.Any(t => t.Scope is not null))
        {
            throw new ArgumentException(
                "dataset tensors must outlive training steps, but these come from a TensorScope and would go back to "
                + "the pool when it ends; create them outside any scope or move them out with scope.Keep(...)");
        }
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

    public override string ToString()
    {
        if (IsPlain)
        {
            return $"Dataset({Count} samples, features {Features.Shape}, labels {Labels.Shape}"
                + (_classNames is null ? ")" : $", {_classNames.Length} classes)");
        }
        var inputs = Describe(_inputs, _inputNames, "input").Select(d => d.Label);
        var targets = Describe(_targets, _targetNames, "target").Select(d => d.Label);
        return $"Dataset({Count} samples, {string.Join(", ", inputs)}; {string.Join(", ", targets)})";
    }
}
