using System.Buffers;
using System.Diagnostics;
using Fovea.Tensors;

namespace Fovea.Data;

public sealed partial class DataLoader
{
    private readonly Shape _rawSampleShape, _rawFullY, _rawLastY;

    /// <summary>The inputs after the first, then the targets after the first: batched by gathering rows.</summary>
    private readonly Tensor[] _extraSources;
    private readonly Shape[] _extraFull, _extraLast;

    /// <summary>The current batch: its extra tensors, every input and every target (reused every batch).</summary>
    private readonly Tensor[] _batchExtras, _batchInputs, _batchTargets;

    /// <summary>The generator the calling thread reseeds per sample when not prefetching.</summary>
    private readonly Rng _sampleRng = new(0);

    private ulong _augmentKey;
    private BatchPrefetcher? _prefetcher;
    private float[][]? _slotX, _slotY;
    private float[][][]? _slotExtras;
    private long _prepareTicks, _waitTicks;

    /// <summary>
    /// Seconds spent preparing the batches of the current (or last) epoch: gathering, augmenting and mixing, on the
    /// background thread when prefetching. Compare with <see cref="WaitSeconds"/> to see what prefetching hides.
    /// </summary>
    public double PrepareSeconds => Interlocked.Read(ref _prepareTicks) / (double)Stopwatch.Frequency;

    /// <summary>
    /// Seconds the consuming thread spent in <c>MoveNext</c> getting the batches of the current (or last) epoch
    /// beyond allocating them: the preparation itself without prefetching, the wait for the background thread
    /// with it.
    /// </summary>
    public double WaitSeconds => _waitTicks / (double)Stopwatch.Frequency;

    /// <summary>Whether a background thread is preparing batches now (for tests and diagnostics).</summary>
    internal bool IsPrefetching => _prefetcher?.IsAlive ?? false;

    /// <summary>Float counts of batch <paramref name="batch"/>'s X and Y.</summary>
    internal (int X, int Y) BatchLengths(int batch)
    {
        bool full = (batch + 1) * BatchSize <= Dataset.Count;
        return full ? (_fullX.Length, _fullY.Length) : (_lastX.Length, _lastY.Length);
    }

    /// <summary>Number of tensors batched besides the first input and the first target.</summary>
    internal int ExtraCount => _extraSources.Length;

    /// <summary>Float count of extra tensor <paramref name="k"/> in batch <paramref name="batch"/>.</summary>
    internal int ExtraLength(int batch, int k) =>
        (batch + 1) * BatchSize <= Dataset.Count ? _extraFull[k].Length : _extraLast[k].Length;

    /// <summary>Gathers the rows of extra tensor <paramref name="k"/> for batch <paramref name="batch"/> of the
    /// current epoch (any thread; makes no tensors).</summary>
    internal void FillExtra(int batch, int k, Span<float> destination)
    {
        int start = batch * BatchSize;
        int count = Math.Min(BatchSize, Dataset.Count - start);
        Dataset.GatherRows(_extraSources[k].AsReadOnlySpan(), _order.AsSpan(start, count), destination);
    }

    private (Tensor X, Tensor Y) MakeBatch(int batch, int token)
    {
        if (token != _epochToken)
            throw new InvalidOperationException("this DataLoader started a new epoch; the old enumerator is invalid");
        bool full = (batch + 1) * BatchSize <= Dataset.Count;
        var x = Tensor.Empty(full ? _fullX : _lastX);
        var y = Tensor.Empty(full ? _fullY : _lastY);
        for (int k = 0; k < _batchExtras.Length; k++)
            _batchExtras[k] = Tensor.Empty(full ? _extraFull[k] : _extraLast[k]);
        if (_prefetcher is not null)
        {
            _waitTicks += _prefetcher.Take(batch, x.AsSpan(), y.AsSpan(), _batchExtras);
        }
        else
        {
            long start = Stopwatch.GetTimestamp();
            FillBatch(batch, x.AsSpan(), y.AsSpan(), _sampleRng);
            for (int k = 0; k < _batchExtras.Length; k++)
                FillExtra(batch, k, _batchExtras[k].AsSpan());
            _waitTicks += Stopwatch.GetTimestamp() - start;
        }
        int inputs = _batchInputs.Length;
        _batchInputs[0] = x;
        _batchTargets[0] = y;
        for (int k = 0; k < _batchExtras.Length; k++)
        {
            if (k + 1 < inputs)
                _batchInputs[k + 1] = _batchExtras[k];
            else
                _batchTargets[k + 2 - inputs] = _batchExtras[k];
        }
        return (x, y);
    }

    /// <summary>
    /// Writes batch <paramref name="batch"/> of the current epoch into <paramref name="x"/> and <paramref name="y"/>
    /// (exactly its lengths): gathers the samples, runs the transforms with generators reseeded from the epoch's
    /// key, so the result does not depend on the thread. Runs on the training thread or the prefetch thread; it
    /// makes no tensors.
    /// </summary>
    internal void FillBatch(int batch, Span<float> x, Span<float> y, Rng rng)
    {
        long started = Stopwatch.GetTimestamp();
        int start = batch * BatchSize;
        int count = Math.Min(BatchSize, Dataset.Count - start);
        ReadOnlySpan<int> indices = _order.AsSpan(start, count);
        var features = Dataset.Features.AsReadOnlySpan();
        if (Transform is null)
        {
            Dataset.GatherRows(features, indices, x);
        }
        else
        {
            int inLength = _rawSampleShape.Length, outLength = SampleShape.Length;
            for (int j = 0; j < count; j++)
            {
                rng.Reseed(Rng.StreamSeed(_augmentKey, start + j));
                Transform.Apply(features.Slice(indices[j] * inLength, inLength), x.Slice(j * outLength, outLength),
                    _rawSampleShape, rng);
            }
        }
        if (BatchTransform is null)
            Dataset.GatherRows(Dataset.Labels.AsReadOnlySpan(), indices, y);
        else
            MixBatch(batch, count, x, y, indices, rng);
        Interlocked.Add(ref _prepareTicks, Stopwatch.GetTimestamp() - started);
    }

    private void MixBatch(int batch, int count, Span<float> x, Span<float> y, ReadOnlySpan<int> indices, Rng rng)
    {
        bool full = count == BatchSize;
        var rawY = full ? _rawFullY : _rawLastY;
        float[] labels = ArrayPool<float>.Shared.Rent(rawY.Length);
        try
        {
            var raw = labels.AsSpan(0, rawY.Length);
            Dataset.GatherRows(Dataset.Labels.AsReadOnlySpan(), indices, raw);
            rng.Reseed(Rng.StreamSeed(_augmentKey, -1L - batch));
            BatchTransform!.Apply(x, full ? _fullX : _lastX, raw, rawY, y, rng);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(labels);
        }
    }

    private void ResetTimes()
    {
        Interlocked.Exchange(ref _prepareTicks, 0);
        _waitTicks = 0;
    }

    private void StartPrefetching()
    {
        if (Prefetch == 0 || BatchCount == 0)
            return;
        if (_slotX is null || _slotY is null)
        {
            _slotX = new float[Prefetch][];
            _slotY = new float[Prefetch][];
            _slotExtras = new float[Prefetch][][];
            for (int i = 0; i < Prefetch; i++)
            {
                _slotX[i] = GC.AllocateUninitializedArray<float>(_fullX.Length);
                _slotY[i] = GC.AllocateUninitializedArray<float>(_fullY.Length);
                _slotExtras[i] = _extraFull.Select(s => GC.AllocateUninitializedArray<float>(s.Length)).ToArray();
            }
        }
        _prefetcher = new BatchPrefetcher(this, BatchCount, _slotX, _slotY, _slotExtras!);
    }

    private void StopPrefetching()
    {
        _prefetcher?.Stop();
        _prefetcher = null;
    }

    /// <summary>Called when an enumerator is disposed: ends its epoch's prefetching unless a newer epoch began.
    /// </summary>
    private void EndEpoch(int token)
    {
        if (token == _epochToken)
            StopPrefetching();
    }
}
