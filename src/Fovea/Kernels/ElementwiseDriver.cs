using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>A float → float map at every vector width (operator struct, TensorPrimitives style).</summary>
internal interface IUnaryOp
{
    Vector512<float> Invoke(Vector512<float> x);
    Vector256<float> Invoke(Vector256<float> x);
    Vector128<float> Invoke(Vector128<float> x);
    float Invoke(float x);
}

/// <summary>A (float, float) → float map at every vector width, e.g. (x, dy) → dx for a backward pass.</summary>
internal interface IBinaryOp
{
    Vector512<float> Invoke(Vector512<float> a, Vector512<float> b);
    Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);
    Vector128<float> Invoke(Vector128<float> a, Vector128<float> b);
    float Invoke(float a, float b);
}

/// <summary>
/// Applies an operator struct over spans: dispatch Vector512 → Vector256 → Vector128 → scalar, each its own loop, and
/// large spans split into one contiguous chunk per kernel thread (chunk borders at multiples of 16, so every element
/// takes the same path whatever the thread count). Reference: the op's scalar <c>Invoke</c>.
/// </summary>
internal static unsafe class ElementwiseDriver
{
    private const int MinParallel = 1 << 15;

    public static void Map<TOp>(ReadOnlySpan<float> x, Span<float> y, TOp op)
        where TOp : struct, IUnaryOp
    {
        fixed (float* px = x, py = y)
        {
            if (x.Length < MinParallel || KernelThreads.ThreadCount == 1)
            {
                MapRange(px, py, x.Length, op);
                return;
            }
            var job = new UnaryJob<TOp> { X = px, Y = py, N = x.Length, Chunks = KernelThreads.ThreadCount, Op = op };
            KernelThreads.For(job.Chunks, job);
        }
    }

    public static void Map<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, TOp op)
        where TOp : struct, IBinaryOp
    {
        fixed (float* pa = a, pb = b, py = y)
        {
            if (a.Length < MinParallel || KernelThreads.ThreadCount == 1)
            {
                MapRange(pa, pb, py, a.Length, op);
                return;
            }
            var job = new BinaryJob<TOp> { A = pa, B = pb, Y = py, N = a.Length, Chunks = KernelThreads.ThreadCount, Op = op };
            KernelThreads.For(job.Chunks, job);
        }
    }

    private static (int Start, int End) ChunkRange(int chunk, int chunks, int n)
    {
        int start = (int)((long)chunk * n / chunks) & ~15;
        int end = chunk == chunks - 1 ? n : (int)((long)(chunk + 1) * n / chunks) & ~15;
        return (start, end);
    }

    private static void MapRange<TOp>(float* x, float* y, int n, TOp op)
        where TOp : struct, IUnaryOp
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
                Vector512.Store(op.Invoke(Vector512.Load(x + i)), y + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
                Vector256.Store(op.Invoke(Vector256.Load(x + i)), y + i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4)
                Vector128.Store(op.Invoke(Vector128.Load(x + i)), y + i);
        }
        for (; i < n; i++)
            y[i] = op.Invoke(x[i]);
    }

    private static void MapRange<TOp>(float* a, float* b, float* y, int n, TOp op)
        where TOp : struct, IBinaryOp
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
                Vector512.Store(op.Invoke(Vector512.Load(a + i), Vector512.Load(b + i)), y + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
                Vector256.Store(op.Invoke(Vector256.Load(a + i), Vector256.Load(b + i)), y + i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4)
                Vector128.Store(op.Invoke(Vector128.Load(a + i), Vector128.Load(b + i)), y + i);
        }
        for (; i < n; i++)
            y[i] = op.Invoke(a[i], b[i]);
    }

    private struct UnaryJob<TOp> : IParallelJob
        where TOp : struct, IUnaryOp
    {
        public float* X, Y;
        public int N, Chunks;
        public TOp Op;

        public readonly void Execute(int begin, int end)
        {
            for (int c = begin; c < end; c++)
            {
                var (s, e) = ChunkRange(c, Chunks, N);
                MapRange(X + s, Y + s, e - s, Op);
            }
        }
    }

    private struct BinaryJob<TOp> : IParallelJob
        where TOp : struct, IBinaryOp
    {
        public float* A, B, Y;
        public int N, Chunks;
        public TOp Op;

        public readonly void Execute(int begin, int end)
        {
            for (int c = begin; c < end; c++)
            {
                var (s, e) = ChunkRange(c, Chunks, N);
                MapRange(A + s, B + s, Y + s, e - s, Op);
            }
        }
    }
}
