using System.Collections;
using Fovea.Tensors;

namespace Fovea.Data;

/// <summary>
/// Iterates over a <see cref="Dataset"/> in mini-batches, in a new seeded random order every epoch (like
/// PyTorch's <c>DataLoader(shuffle=True)</c>). Each <c>foreach</c> over the loader is one epoch and yields every
/// sample exactly once; the last batch is smaller when the batch size does not divide the sample count, unless
/// <see cref="DropLast"/> is set.
/// </summary>
/// <remarks>
/// Batches are made with <see cref="Tensor.Empty"/>: inside a <see cref="TensorScope"/> (the training loop opens
/// one per step) their storage comes from the pool and returns when the scope ends, so after the first epoch a
/// loop allocates almost nothing. Outside a scope each batch is a fresh garbage-collected tensor. The order
/// depends only on the seed and the epoch number: the loader owns its <see cref="Rng"/>, and a checkpoint can save
/// and restore it with <see cref="Rng.GetState"/> / <see cref="Rng.SetState"/>. Only one enumeration may run at a
/// time; starting a new epoch invalidates the previous enumerator. Not thread-safe.
/// </remarks>
/// <example>
/// A plain loop (each batch is allocated in whatever scope is current, here none: the GC owns it):
/// <code>
/// var loader = new DataLoader(train, batchSize: 128, shuffle: true, seed: 0);
/// foreach (var (x, y) in loader)               // x [B, 1, 28, 28], y [B]
///     ...
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
public sealed class DataLoader : IEnumerable<(Tensor X, Tensor Y)>
{
    private readonly int[] _order;
    private readonly Shape _fullX, _fullY, _lastX, _lastY;
    private int _epochToken;

    /// <summary>A loader over <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch (B), at least 1.</param>
    /// <param name="shuffle">Draw a new random order every epoch; when false, batches follow the dataset order.</param>
    /// <param name="seed">Seed of the loader's own <see cref="Rng"/>; the same seed gives the same orders.</param>
    /// <param name="dropLast">Skip the last batch when it would be smaller than <paramref name="batchSize"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is zero or negative.</exception>
    public DataLoader(Dataset dataset, int batchSize, bool shuffle = true, int seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(batchSize), batchSize, "the batch size must be at least 1 sample");
        }
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Rng = new Rng(seed);
        _order = new int[dataset.Count];
        int last = dataset.Count % batchSize;
        _fullX = dataset.Features.Shape.With(0, batchSize);
        _fullY = dataset.Labels.Shape.With(0, batchSize);
        _lastX = dataset.Features.Shape.With(0, last);
        _lastY = dataset.Labels.Shape.With(0, last);
    }

    /// <summary>The samples this loader iterates over.</summary>
    public Dataset Dataset { get; }

    /// <summary>Samples per batch (B); the last batch may be smaller unless <see cref="DropLast"/>.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch draws a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a last, incomplete batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The loader's random generator: save its state in a checkpoint to resume the same orders.</summary>
    public Rng Rng { get; }

    /// <summary>Number of batches per epoch: <c>ceil(N / B)</c>, or <c>floor(N / B)</c> with
    /// <see cref="DropLast"/>.</summary>
    public int BatchCount => DropLast || Dataset.Count % BatchSize == 0
        ? Dataset.Count / BatchSize
        : Dataset.Count / BatchSize + 1;

    /// <summary>Starts an epoch: draws its order (when shuffling) and returns an enumerator over its batches.</summary>
    public Enumerator GetEnumerator()
    {
        for (int i = 0; i < _order.Length; i++)
            _order[i] = i;
        if (Shuffle)
            Rng.Shuffle(_order.AsSpan());
        return new Enumerator(this, ++_epochToken);
    }

    IEnumerator<(Tensor X, Tensor Y)> IEnumerable<(Tensor X, Tensor Y)>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private (Tensor X, Tensor Y) MakeBatch(int batch, int token)
    {
        if (token != _epochToken)
            throw new InvalidOperationException("this DataLoader started a new epoch; the old enumerator is invalid");
        int start = batch * BatchSize;
        int count = Math.Min(BatchSize, Dataset.Count - start);
        bool full = count == BatchSize;
        var x = Tensor.Empty(full ? _fullX : _lastX);
        var y = Tensor.Empty(full ? _fullY : _lastY);
        ReadOnlySpan<int> indices = _order.AsSpan(start, count);
        Dataset.GatherRows(Dataset.Features.AsReadOnlySpan(), indices, x.AsSpan());
        Dataset.GatherRows(Dataset.Labels.AsReadOnlySpan(), indices, y.AsSpan());
        return (x, y);
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

        /// <summary>The current batch: X [B, ...] and Y [B] or [B, classes].</summary>
        public (Tensor X, Tensor Y) Current { get; private set; }

        object IEnumerator.Current => Current;

        /// <summary>Gathers the next batch; false after the last one.</summary>
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

        public void Dispose()
        {
        }
    }
}
