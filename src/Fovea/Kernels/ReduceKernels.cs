namespace Fovea.Kernels;

/// <summary>
/// Reductions over any set of axes. The reduced shape keeps those axes as 1 ("keepdims"); <c>map</c> gives, for
/// every input element, the output element it reduces into (a broadcast index map of the reduced shape, see
/// <see cref="IndexMaps"/>). Sums use <see cref="Broadcast.SumTo"/>; max and min are single passes over the map.
/// The loops are their own reference.
/// </summary>
internal static class ReduceKernels
{
    /// <summary>For each element of <paramref name="inShape"/>, its position in the reduced shape.</summary>
    public static int[] OutputIndexMap(int[] inShape, int[] reducedShape)
    {
        var sources = new int[inShape.Length][];
        for (int d = 0; d < inShape.Length; d++)
            sources[d] = IndexMaps.BroadcastAxis(reducedShape[d], inShape[d]);
        return IndexMaps.Separable(reducedShape, sources);
    }

    /// <summary>y = max (or min) of x over the elements that map to each output.</summary>
    public static void Extreme(ReadOnlySpan<float> x, ReadOnlySpan<int> map, Span<float> y, bool max)
    {
        y.Fill(max ? float.NegativeInfinity : float.PositiveInfinity);
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            ref float t = ref y[map[i]];
            if (max ? v > t : v < t)
                t = v;
            else if (float.IsNaN(v))
                t = v;
        }
    }

    /// <summary>
    /// dx[i] = dy[map[i]]/t where x[i] is the extreme y[map[i]] and t is how many elements tie for it, else 0: the
    /// gradient is shared evenly among ties, as PyTorch's <c>amax</c>/<c>amin</c> and TensorFlow's <c>reduce_max</c>
    /// do (one extreme receives all of it).
    /// </summary>
    public static void ExtremeBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy,
        ReadOnlySpan<int> map, Span<float> dx)
    {
        var ties = System.Buffers.ArrayPool<int>.Shared.Rent(y.Length);
        try
        {
            Array.Clear(ties, 0, y.Length);
            for (int i = 0; i < x.Length; i++)
                if (x[i] == y[map[i]])
                    ties[map[i]]++;
            for (int i = 0; i < x.Length; i++)
                dx[i] = x[i] == y[map[i]] ? dy[map[i]] / ties[map[i]] : 0f;
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(ties);
        }
    }
}
