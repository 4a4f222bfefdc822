namespace Fovea.Kernels;

/// <summary>
/// Ops that only move elements (transpose, slice, pad, expand, tile, gather, nearest resize) as an index map:
/// y[i] = x[map[i]], or a fill value where map[i] = −1; their backward is the scatter-add dx[map[i]] += dy[i].
/// Shapes are row-major int[] (rank ≤ 8 in practice). Separable maps are described per output axis by the input
/// coordinate each output coordinate reads (−1: the fill value), which covers slicing with steps, every ONNX pad
/// mode, broadcasting, tiling, one-axis gathers and nearest-neighbour resizing. This file is its own reference: the
/// loops are the definition.
/// </summary>
internal static class IndexMaps
{
    /// <summary>Row-major element strides of <paramref name="shape"/>.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            s[d] = stride;
            stride *= shape[d];
        }
        return s;
    }

    /// <summary>Transpose: output axis d is input axis perm[d].</summary>
    public static int[] Permute(ReadOnlySpan<int> shape, ReadOnlySpan<int> perm)
    {
        var inStrides = Strides(shape);
        int rank = shape.Length;
        var outShape = new int[rank];
        var axisSources = new int[rank][];
        for (int d = 0; d < rank; d++)
        {
            outShape[d] = shape[perm[d]];
            var src = new int[outShape[d]];
            for (int o = 0; o < src.Length; o++)
                src[o] = o * inStrides[perm[d]];
            axisSources[d] = src;
        }
        return FromOffsets(outShape, axisSources);
    }

    /// <summary>
    /// A separable map: output axis d has axisSources[d].Length elements, and output coordinate o reads input
    /// coordinate
    /// axisSources[d][o] along input axis d (−1 means the fill value).
    /// </summary>
    public static int[] Separable(ReadOnlySpan<int> inShape, int[][] axisSources)
    {
        var strides = Strides(inShape);
        var offsets = new int[axisSources.Length][];
        for (int d = 0; d < axisSources.Length; d++)
        {
            var src = axisSources[d];
            var off = new int[src.Length];
            for (int o = 0; o < src.Length; o++)
                off[o] = src[o] < 0 ? int.MinValue : src[o] * strides[d];
            offsets[d] = off;
        }
        return FromOffsets(axisSources.Select(a => a.Length).ToArray(), offsets);
    }

    /// <summary>map[i] = Σ_d offsets[d][o_d] over the output coordinates o of element i; −1 if any term is
    /// "fill".</summary>
    private static int[] FromOffsets(int[] outShape, int[][] offsets)
    {
        long total = 1;
        foreach (int d in outShape)
            total *= d;
        var map = new int[total];
        int rank = outShape.Length;
        if (total == 0)
            return map;
        if (rank == 0)
            return [0];
        int inner = outShape[rank - 1];
        var innerOff = offsets[rank - 1];
        Span<int> idx = stackalloc int[rank];
        idx.Clear();
        int outer = (int)(total / inner);
        for (int o = 0; o < outer; o++)
        {
            long baseOff = 0;
            for (int d = 0; d < rank - 1; d++)
            {
                int v = offsets[d][idx[d]];
                baseOff = v == int.MinValue || baseOff < 0 ? -1 : baseOff + v;
            }
            var row = map.AsSpan(o * inner, inner);
            for (int j = 0; j < inner; j++)
                row[j] = baseOff < 0 || innerOff[j] == int.MinValue ? -1 : (int)(baseOff + innerOff[j]);
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++idx[d] < outShape[d])
                    break;
                idx[d] = 0;
            }
        }
        return map;
    }

    /// <summary>Input coordinates of a slice: start, start + step, ... (<paramref name="count"/> of them).</summary>
    public static int[] Range(int start, int step, int count)
    {
        var r = new int[count];
        for (int i = 0; i < count; i++)
            r[i] = start + i * step;
        return r;
    }

    /// <summary>Input coordinates of a padded axis: −1 in constant mode outside, reflected or clamped
    /// otherwise.</summary>
    public static int[] PadAxis(int size, int before, int after, PadMode mode)
    {
        int n = size + before + after;
        var r = new int[Math.Max(n, 0)];
        for (int o = 0; o < r.Length; o++)
        {
            int i = o - before;
            if (i >= 0 && i < size)
            {
                r[o] = i;
                continue;
            }
            r[o] = mode switch
            {
                PadMode.Edge => Math.Clamp(i, 0, size - 1),
                PadMode.Reflect => Reflect(i, size),
                PadMode.Wrap => ((i % size) + size) % size,
                _ => -1,
            };
        }
        return r;
    }

    private static int Reflect(int i, int size)
    {
        if (size == 1)
            return 0;
        int period = 2 * (size - 1);
        i = ((i % period) + period) % period;
        return i < size ? i : period - i;
    }

    /// <summary>Input coordinates of a broadcast axis: 0 everywhere when the input size is 1.</summary>
    public static int[] BroadcastAxis(int size, int outSize) =>
        size == outSize ? Range(0, 1, outSize) : new int[outSize];

    /// <summary>Input coordinates of a tiled axis: o mod size.</summary>
    public static int[] TileAxis(int size, int repeats)
    {
        var r = new int[size * repeats];
        for (int o = 0; o < r.Length; o++)
            r[o] = o % size;
        return r;
    }

    /// <summary>y[i] = x[map[i]], or <paramref name="fill"/> where map[i] &lt; 0.</summary>
    public static void Gather<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> map, Span<T> y, T fill)
    {
        for (int i = 0; i < map.Length; i++)
        {
            int m = map[i];
            y[i] = m < 0 ? fill : x[m];
        }
    }

    /// <summary>dx = 0, then dx[map[i]] += dy[i] (the adjoint of <see cref="Gather{T}"/>).</summary>
    public static void ScatterAdd(ReadOnlySpan<float> dy, ReadOnlySpan<int> map, Span<float> dx)
    {
        dx.Clear();
        for (int i = 0; i < map.Length; i++)
        {
            int m = map[i];
            if (m >= 0)
                dx[m] += dy[i];
        }
    }
}
