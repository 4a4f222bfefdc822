namespace Fovea.Kernels;

/// <summary>A unit of parallel kernel work: <see cref="Execute"/> runs index range [begin, end).</summary>
internal interface IParallelJob
{
    void Execute(int begin, int end);
}

/// <summary>
/// The kernels' own thread team: one worker per extra core, woken for each parallel loop. Work is split into
/// fixed contiguous chunks (chunk t of T gets [t·n/T, (t+1)·n/T)), so every element is computed by the same code
/// path whatever the timing, and results are deterministic. Nested calls, calls from several user threads at
/// once, and tiny loops run inline on the calling thread, so cores are never oversubscribed.
/// No allocation per call: the job is a struct handed to the workers through a per-type static slot.
/// </summary>
internal static class KernelThreads
{
    private static readonly object s_gate = new();
    private static readonly Worker[] s_workers;
    private static volatile int s_pending;

    [ThreadStatic]
    private static bool t_inside;

    static KernelThreads()
    {
        int threads = Environment.ProcessorCount;
        string? env = Environment.GetEnvironmentVariable("FOVEA_NUM_THREADS");
        if (int.TryParse(env, out int requested) && requested >= 1)
            threads = Math.Min(requested, Environment.ProcessorCount * 4);
        ThreadCount = Math.Max(1, threads);
        s_workers = new Worker[ThreadCount - 1];
        for (int i = 0; i < s_workers.Length; i++)
            s_workers[i] = new Worker(i + 1);
    }

    /// <summary>Threads a kernel loop may use (the calling thread plus the workers).</summary>
    public static int ThreadCount { get; }

    /// <summary>Whether the current thread is already running part of a parallel loop.</summary>
    public static bool IsInsideParallelRegion => t_inside;

    /// <summary>
    /// Runs <paramref name="job"/> over [0, <paramref name="count"/>) in at most <see cref="ThreadCount"/> chunks.
    /// <paramref name="minPerChunk"/> keeps tiny loops on one thread.
    /// </summary>
    public static void For<TJob>(int count, in TJob job, int minPerChunk = 1)
        where TJob : struct, IParallelJob
    {
        if (count <= 0)
            return;
        int chunks = Math.Min(ThreadCount, count / Math.Max(1, minPerChunk));
        if (chunks <= 1 || t_inside || !Monitor.TryEnter(s_gate))
        {
            job.Execute(0, count);
            return;
        }
        try
        {
            JobSlot<TJob>.Job = job;
            s_pending = chunks - 1;
            for (int t = 1; t < chunks; t++)
                s_workers[t - 1].Start(JobSlot<TJob>.Run, (int)((long)t * count / chunks), (int)((long)(t + 1) * count / chunks));
            Exception? mainFault = null;
            t_inside = true;
            try
            {
                job.Execute(0, (int)((long)count / chunks));
            }
            catch (Exception e)
            {
                mainFault = e;
            }
            finally
            {
                t_inside = false;
            }
            var spin = new SpinWait();
            while (s_pending != 0)
                spin.SpinOnce(sleep1Threshold: -1);
            JobSlot<TJob>.Job = default;
            if (mainFault is not null)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(mainFault);
            foreach (var w in s_workers)
                w.ThrowIfFaulted();
        }
        finally
        {
            Monitor.Exit(s_gate);
        }
    }

    private static class JobSlot<TJob>
        where TJob : struct, IParallelJob
    {
        public static TJob Job;
        public static readonly Action<int, int> Run = static (begin, end) => Job.Execute(begin, end);
    }

    /// <summary>How long an idle worker keeps polling for the next loop before it blocks. A blocked worker takes tens
    /// of microseconds to wake, and a batch-1 forward pass runs a hundred loops a few hundred microseconds apart
    /// (ResNet-18 at batch 1 took 15.7 ms when workers blocked at once, 11.1-11.8 ms with 100 to 2000 µs of polling).
    /// While polling it yields the core to any other ready thread, so a data loader or the caller's
    /// own threads still run. FOVEA_SPIN_US overrides it (0: block at once).</summary>
    private static readonly long s_spinTicks = SpinTicks();

    private static long SpinTicks()
    {
        double us = 500;
        if (double.TryParse(Environment.GetEnvironmentVariable("FOVEA_SPIN_US"),
                System.Globalization.CultureInfo.InvariantCulture, out double requested) && requested >= 0)
            us = requested;
        return (long)(us * 1e-6 * System.Diagnostics.Stopwatch.Frequency);
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim _wake = new(false, spinCount: 1);
        private Action<int, int>? _action;
        private int _begin, _end;
        private Exception? _fault;
        private volatile int _hasWork, _sleeping;

        public Worker(int id)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"fovea-kernel-{id}" };
            thread.Start();
        }

        public void Start(Action<int, int> action, int begin, int end)
        {
            _action = action;
            _begin = begin;
            _end = end;
            _hasWork = 1;
            // Either the worker sees the work before it blocks or this sees it asleep (both fences are full).
            Interlocked.MemoryBarrier();
            if (_sleeping == 1)
                _wake.Set();
        }

        public void ThrowIfFaulted()
        {
            var f = _fault;
            if (f is null)
                return;
            _fault = null;
            throw new AggregateException("a kernel worker thread failed", f);
        }

        private void Loop()
        {
            t_inside = true;
            while (true)
            {
                WaitForWork();
                _hasWork = 0;
                try
                {
                    _action!(_begin, _end);
                }
                catch (Exception e)
                {
                    _fault = e;
                }
                _action = null;
                Interlocked.Decrement(ref s_pending);
            }
        }

        private void WaitForWork()
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + s_spinTicks;
            int polls = 0;
            while (_hasWork == 0)
            {
                if (System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
                {
                    if (++polls % 32 == 0)
                        Thread.Yield();
                    else
                        Thread.SpinWait(16);
                    continue;
                }
                _wake.Reset();
                _sleeping = 1;
                Interlocked.MemoryBarrier();
                if (_hasWork == 0)
                    _wake.Wait();
                _sleeping = 0;
                deadline = System.Diagnostics.Stopwatch.GetTimestamp() + s_spinTicks;
            }
        }
    }
}
