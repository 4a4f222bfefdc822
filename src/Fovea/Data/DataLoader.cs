using System.Collections;
using Fovea.Data.Transforms;
using Fovea.Tensors;

namespace Fovea.Data;

/// <summary>
/// Iterates over a <see cref="Dataset"/> in mini-batches, in a new seeded random order every epoch (like
/// PyTorch's <c>DataLoader(shuffle=True)</c>). Each <c>foreach</c> over the loader is one epoch and yields every
/// sample exactly once; the last batch is smaller when the batch size does not divide the sample count, unless
/// <see cref="DropLast"/> is set. Optionally every sample goes through an augmentation (<see cref="Transform"/>),
/// every batch through a mixing step (<see cref="BatchTransform"/>), and batches are prepared ahead on a
/// background thread (<see cref="Prefetch"/>).
/// </summary>
/// <remarks>
/// <para>Batches are made with <see cref="Tensor.Empty"/>: inside a <see cref="TensorScope"/> (the training loop
/// opens one per step) their storage comes from the pool and returns when the scope ends, so after the first epoch a
/// loop allocates almost nothing. Outside a scope each batch is a fresh garbage-collected tensor. The order
/// depends only on the seed and the epoch number: the loader owns its <see cref="Rng"/>, and a checkpoint can save
/// and restore it with <see cref="Rng.GetState"/> / <see cref="Rng.SetState"/>. Only one enumeration may run at a
/// time; starting a new epoch invalidates the previous enumerator (and stops its background thread). Not
/// thread-safe.</para>
/// <para>Augmentation is deterministic whatever the threading: when an epoch starts, one 64-bit key is drawn from
/// <see cref="Rng"/> (after the shuffle), and the sample at position p of the epoch gets its own generator seeded
/// from (key, p), the batch transform of batch b one seeded from (key, −1 − b). So the same seed gives the same
/// augmented epochs, with or without prefetching.</para>
/// <para>A dataset with several inputs or targets (<see cref="Dataset.Inputs"/>, <see cref="Dataset.Targets"/>)
/// is batched tensor by tensor with the same order: <see cref="Enumerator.Inputs"/> and
/// <see cref="Enumerator.Targets"/> hold the batch, and <see cref="Enumerator.Current"/> the first of each. The
/// per-sample <see cref="Transform"/> applies to the first input only (e.g. the image beside tabular features); a
/// <see cref="BatchTransform"/> needs one input and one target.</para>
/// <para>Prefetching (<c>prefetch: k</c>): a background thread prepares up to k batches ahead into k reusable
/// garbage-collected buffers (allocated once per loader); <c>MoveNext</c> waits for the next one and copies it into
/// the batch tensors, which belong to the caller's scope as above. The worker never creates tensors, so it never
/// touches a scope or the tensor pool (both are per thread). An exception on the worker is rethrown by the
/// <c>MoveNext</c> of the batch that failed, with its type and message. Disposing the enumerator (as
/// <c>foreach</c> and the training loop do) stops the thread; so does starting another epoch.</para>
/// </remarks>
/// <example>
/// A plain loop (each batch is allocated in whatever scope is current, here none: the GC owns it):
/// <code>
/// var loader = new DataLoader(train, batchSize: 128, shuffle: true, seed: 0);
/// foreach (var (x, y) in loader)               // x [B, 1, 28, 28], y [B]
///     ...
/// </code>
/// Augmented on the fly, two batches prepared ahead, trained with <c>Fit</c>:
/// <code>
/// var augment = new Compose(new RandomRotation(10), new RandomShift(0.1, 0.1), new RandomFlip());
/// var loader = new DataLoader(train, batchSize: 128, seed: 0, transform: augment, prefetch: 2);
/// model.Fit(loader, epochs: 30, validationData: test);
/// </code>
/// A training loop whose per-step scope also owns the batch, so steady-state epochs allocate almost nothing:
/// <code>
/// using var batches = loader.GetEnumerator();  // starts the epoch
/// while (true)
/// {
///     using var scope = TensorScope.Begin();
///     if (!batches.MoveNext())
///         break;
///     var (x, y) = batches.Current;            // pooled; returned when the scope ends
///     ...
/// }
/// </code>
/// </example>
public sealed partial class DataLoader : IEnumerable<(Tensor X, Tensor Y)>
{
    /// <summary>Most batches a loader may prepare ahead.</summary>
    public const int MaxPrefetch = 64;

    private readonly int[] _order;
    private readonly Shape _fullX, _fullY, _lastX, _lastY;
    private int _epochToken;

    /// <summary>A loader over <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch (B), at least 1.</param>
    /// <param name="shuffle">Draw a new random order every epoch; when false, batches follow the dataset order.</param>
    /// <param name="seed">Seed of the loader's own <see cref="Rng"/>; the same seed gives the same orders (and the
    /// same augmentations).</param>
    /// <param name="dropLast">Skip the last batch when it would be smaller than <paramref name="batchSize"/>.</param>
    /// <param name="transform">Optional per-sample augmentation of images [C, H, W] (e.g. a
    /// <see cref="Compose"/>); it may change the image size (<see cref="SampleShape"/>).</param>
    /// <param name="batchTransform">Optional batch mixing (<see cref="MixUp"/>, <see cref="CutMix"/>) after the
    /// per-sample transform; labels become soft labels [B, classes].</param>
    /// <param name="prefetch">Batches prepared ahead on a background thread, 0 (the default: prepared in
    /// <c>MoveNext</c>) to <see cref="MaxPrefetch"/>; 2 keeps a training step from waiting for data when
    /// preparing a batch takes less time than a step.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is zero or negative, or
    /// <paramref name="prefetch"/> is outside [0, <see cref="MaxPrefetch"/>].</exception>
    /// <exception cref="ArgumentException">A transform does not fit the dataset's samples or labels (the message
    /// names both shapes).</exception>
    public DataLoader(Dataset dataset, int batchSize, bool shuffle = true, int seed = 0, bool dropLast = false,
        ImageTransform? transform = null, BatchTransform? batchTransform = null, int prefetch = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(batchSize), batchSize, "the batch size must be at least 1 sample");
        }
        if (prefetch is < 0 or > MaxPrefetch)
        {
            throw new ArgumentOutOfRangeException(
                nameof(prefetch), prefetch, $"expected 0 to {MaxPrefetch} batches to prepare ahead");
        }
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Transform = transform;
        BatchTransform = batchTransform;
        Prefetch = prefetch;
        Rng = new Rng(seed);
        _order = new int[dataset.Count];
        _rawSampleShape = dataset.SampleShape;
        SampleShape = transform is null ? _rawSampleShape : transform.OutputShape(_rawSampleShape);
        LabelShape = batchTransform is null ? dataset.LabelShape : CheckBatchTransform(batchTransform);
        int last = dataset.Count % batchSize;
        _fullX = SampleShape.WithBatch(batchSize);
        _fullY = LabelShape.WithBatch(batchSize);
        _lastX = SampleShape.WithBatch(last);
        _lastY = LabelShape.WithBatch(last);
        _rawFullY = dataset.Labels.Shape.With(0, batchSize);
        _rawLastY = dataset.Labels.Shape.With(0, last);
        _extraSources = [.. dataset.Inputs.Skip(1), .. dataset.Targets.Skip(1)];
        _extraFull = _extraSources.Select(t => t.Shape.With(0, batchSize)).ToArray();
        _extraLast = _extraSources.Select(t => t.Shape.With(0, last)).ToArray();
        _batchExtras = new Tensor[_extraSources.Length];
        _batchInputs = new Tensor[dataset.Inputs.Count];
        _batchTargets = new Tensor[dataset.Targets.Count];
    }

    /// <summary>The samples this loader iterates over.</summary>
    public Dataset Dataset { get; }

    /// <summary>Samples per batch (B); the last batch may be smaller unless <see cref="DropLast"/>.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch draws a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a last, incomplete batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The per-sample augmentation, or null.</summary>
    public ImageTransform? Transform { get; }

    /// <summary>The batch mixing step, or null.</summary>
    public BatchTransform? BatchTransform { get; }

    /// <summary>Batches prepared ahead on a background thread (0: none, no thread).</summary>
    public int Prefetch { get; }

    /// <summary>The shape of one sample of a batch, after <see cref="Transform"/> (e.g. [1, 28, 28]).</summary>
    public Shape SampleShape { get; }

    /// <summary>The shape of one label of a batch: [] for class indices, [classes] for rows or mixed labels.</summary>
    public Shape LabelShape { get; }

    /// <summary>The loader's random generator: save its state in a checkpoint to resume the same orders.</summary>
    public Rng Rng { get; }

    /// <summary>Number of batches per epoch: <c>ceil(N / B)</c>, or <c>floor(N / B)</c> with
    /// <see cref="DropLast"/>.</summary>
    public int BatchCount => DropLast || Dataset.Count % BatchSize == 0
        ? Dataset.Count / BatchSize
        : Dataset.Count / BatchSize + 1;

    /// <summary>Starts an epoch: stops the previous epoch's background thread, draws the order (when shuffling)
    /// and the augmentation key, and returns an enumerator over the batches (starting the prefetch thread).</summary>
    public Enumerator GetEnumerator()
    {
        StopPrefetching();
        for (int i = 0; i < _order.Length; i++)
            _order[i] = i;
        if (Shuffle)
            Rng.Shuffle(_order.AsSpan());
        if (Transform is not null || BatchTransform is not null)
            _augmentKey = Rng.NextUInt64();
        ResetTimes();
        ++_epochToken;
        StartPrefetching();
        return new Enumerator(this, _epochToken);
    }

    IEnumerator<(Tensor X, Tensor Y)> IEnumerable<(Tensor X, Tensor Y)>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Shape CheckBatchTransform(BatchTransform batchTransform)
    {
        if (Dataset.Inputs.Count > 1 || Dataset.Targets.Count > 1)
        {
            throw new ArgumentException(
                $"{batchTransform.GetType().Name} mixes one image input with its labels, but the dataset has "
                + $"{Dataset.Inputs.Count} inputs and {Dataset.Targets.Count} targets");
        }
        if (SampleShape.Rank != 3)
        {
            throw new ArgumentException(
                $"{batchTransform.GetType().Name} mixes images [C, H, W], but the samples are {SampleShape}");
        }
        var labels = Dataset.Labels.Shape;
        if (labels.Rank == 2 && labels[1] != batchTransform.Classes)
        {
            throw new ArgumentException(
                $"{batchTransform.GetType().Name} makes labels of {batchTransform.Classes} classes, but the dataset's "
                + $"labels are {labels}");
        }
        return new Shape(batchTransform.Classes);
    }

    /// <summary>
    /// One epoch's batches. Each batch is created when <see cref="MoveNext"/> runs, with <see cref="Tensor.Empty"/>,
    /// so it belongs to the <see cref="TensorScope"/> active at that moment: open the per-step scope around the
    /// <c>MoveNext</c> (as the training loop does) for the batch to return to the pool with the step.
    /// </summary>
    public sealed class Enumerator : IEnumerator<(Tensor X, Tensor Y)>
    {
        private readonly DataLoader _loader;
        private readonly int _token;
        private int _batch;

        internal Enumerator(DataLoader loader, int token)
        {
            _loader = loader;
            _token = token;
            _batch = -1;
        }

        /// <summary>The current batch: X [B, ...] and Y [B] or [B, classes] (the first input and the first target
        /// when the dataset has several).</summary>
        public (Tensor X, Tensor Y) Current { get; private set; }

        /// <summary>Every input tensor of the current batch, [B, ...] each, in the dataset's order (the list is
        /// reused: read it before the next <see cref="MoveNext"/>).</summary>
        public IReadOnlyList<Tensor> Inputs => _loader._batchInputs;

        /// <summary>Every target tensor of the current batch, in the dataset's order (the list is reused).</summary>
        public IReadOnlyList<Tensor> Targets => _loader._batchTargets;

        object IEnumerator.Current => Current;

        /// <summary>Gathers (or, when prefetching, waits for) the next batch; false after the last one.</summary>
        /// <exception cref="InvalidOperationException">The loader started another epoch.</exception>
        public bool MoveNext()
        {
            if (_batch + 1 >= _loader.BatchCount)
            {
                _batch = _loader.BatchCount;
                Current = default;
                return false;
            }
            _batch++;
            Current = _loader.MakeBatch(_batch, _token);
            return true;
        }

        /// <summary>Not supported: start a new epoch with <see cref="DataLoader.GetEnumerator"/>.</summary>
        public void Reset() =>
            throw new NotSupportedException("start a new epoch with DataLoader.GetEnumerator() instead");

        /// <summary>Ends the epoch: stops its background thread, if any.</summary>
        public void Dispose() => _loader.EndEpoch(_token);
    }
}
