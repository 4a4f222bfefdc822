using System.Diagnostics;

namespace Fovea.Tensors;

/// <summary>
/// Per-thread pool of float arrays keyed by exact length. Training steps repeat the same shapes, so after the
/// first step every per-step tensor is served from here and the GC sees (almost) nothing. Arrays come back
/// uninitialised (callers that need zeros clear them). Debug builds fill returned arrays with NaN and detect
/// double returns.
/// </summary>
internal static class TensorPool
{
    [ThreadStatic]
    private static Dictionary<int, Stack<float[]>>? t_buckets;

#if DEBUG
    [ThreadStatic]
    private static HashSet<float[]>? t_inPool;
#endif

    /// <summary>Bytes of arrays currently sitting in this thread's pool (for diagnostics and tests).</summary>
    [ThreadStatic]
    private static long t_pooledBytes;

    public static long PooledBytes => t_pooledBytes;

    public static float[] Rent(int length)
    {
        var buckets = t_buckets ??= new Dictionary<int, Stack<float[]>>();
        if (buckets.TryGetValue(length, out var stack) && stack.Count > 0)
        {
            float[] a = stack.Pop();
            t_pooledBytes -= 4L * a.Length;
#if DEBUG
            t_inPool!.Remove(a);
#endif
            return a;
        }
        return GC.AllocateUninitializedArray<float>(length);
    }

    public static void Return(float[] array)
    {
        var buckets = t_buckets ??= new Dictionary<int, Stack<float[]>>();
#if DEBUG
        t_inPool ??= new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        Debug.Assert(t_inPool.Add(array), "a pooled array was returned twice");
        array.AsSpan().Fill(float.NaN);
#endif
        if (!buckets.TryGetValue(array.Length, out var stack))
        {
            stack = new Stack<float[]>();
            buckets[array.Length] = stack;
        }
        stack.Push(array);
        t_pooledBytes += 4L * array.Length;
    }

    /// <summary>Drops every pooled array of this thread (for example after training, to give memory back).</summary>
    public static void Clear()
    {
        t_buckets?.Clear();
        t_pooledBytes = 0;
#if DEBUG
        t_inPool?.Clear();
#endif
    }
}
