using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Fovea.Data;

/// <summary>
/// One epoch of background batch preparation for a <see cref="DataLoader"/>: a worker thread fills a ring of
/// garbage-collected buffers (the loader's slots, reused every epoch) in batch order, at most one ring ahead of the
/// training thread, which copies each batch out into its own tensors (<see cref="Take"/>) and hands the slot back.
/// </summary>
/// <remarks>
/// Memory rule: the worker never makes tensors, so it never touches a <see cref="Tensors.TensorScope"/> or the
/// per-thread tensor pool; the training thread allocates the batch in its own scope, exactly as without
/// prefetching. An exception in the worker is kept and rethrown, with its type, message and stack, by the
/// <see cref="Take"/> of the batch that failed (and of any later one). <see cref="Stop"/> ends the thread.
/// </remarks>
internal sealed class BatchPrefetcher
{
    private readonly DataLoader _loader;
    private readonly float[][] _x, _y;
    private readonly float[][][] _extras;
    private readonly int _batches;
    private readonly SemaphoreSlim _free, _ready;
    private readonly Thread _thread;
    private readonly Tensors.Rng _rng = new(0);
    private volatile bool _stop;
    private volatile ExceptionDispatchInfo? _error;
    private int _errorBatch = int.MaxValue;

    public BatchPrefetcher(DataLoader loader, int batches, float[][] x, float[][] y, float[][][] extras)
    {
        _extras = extras;
        _loader = loader;
        _batches = batches;
        _x = x;
        _y = y;
        _free = new SemaphoreSlim(x.Length);
        _ready = new SemaphoreSlim(0);
        _thread = new Thread(Run) { IsBackground = true, Name = "Fovea DataLoader prefetch" };
        _thread.Start();
    }

    /// <summary>Whether the worker thread is still running.</summary>
    public bool IsAlive => _thread.IsAlive;

    private void Run()
    {
        for (int b = 0; b < _batches; b++)
        {
            _free.Wait();
            if (_stop)
                return;
            int slot = b % _x.Length;
            try
            {
                var (xLength, yLength) = _loader.BatchLengths(b);
                _loader.FillBatch(b, _x[slot].AsSpan(0, xLength), _y[slot].AsSpan(0, yLength), _rng);
                for (int k = 0; k < _loader.ExtraCount; k++)
                    _loader.FillExtra(b, k, _extras[slot][k].AsSpan(0, _loader.ExtraLength(b, k)));
            }
            catch (Exception e)
            {
                // Kept for the training thread: an exception escaping a thread would end the process.
                _errorBatch = b;
                _error = ExceptionDispatchInfo.Capture(e);
                _ready.Release();
                return;
            }
            _ready.Release();
        }
    }

    /// <summary>Waits for batch <paramref name="batch"/> (the next in order), copies it out (the first input, the
    /// first target and the <paramref name="extras"/>) and frees its slot; returns the ticks spent waiting.</summary>
    public long Take(int batch, Span<float> x, Span<float> y, Tensors.Tensor[] extras)
    {
        ThrowIfFailed(batch);
        long start = Stopwatch.GetTimestamp();
        _ready.Wait();
        long waited = Stopwatch.GetTimestamp() - start;
        ThrowIfFailed(batch);
        int slot = batch % _x.Length;
        _x[slot].AsSpan(0, x.Length).CopyTo(x);
        _y[slot].AsSpan(0, y.Length).CopyTo(y);
        for (int k = 0; k < extras.Length; k++)
            _extras[slot][k].AsSpan(0, extras[k].Length).CopyTo(extras[k].AsSpan());
        _free.Release();
        return waited;
    }

    private void ThrowIfFailed(int batch)
    {
        var error = _error;
        if (error is null || batch < _errorBatch)
            return;
        _thread.Join();   // the worker returns right after publishing the error
        error.Throw();
    }

    /// <summary>Stops the worker after the batch it is preparing, if any, and waits for its thread to end.</summary>
    public void Stop()
    {
        _stop = true;
        _free.Release();
        _thread.Join();
        _free.Dispose();
        _ready.Dispose();
    }
}
