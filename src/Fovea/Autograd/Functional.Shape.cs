using Fovea.Autograd.Functions;
using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd;

public static partial class Functional
{
    /// <summary>Reorders the axes: output axis d is input axis <paramref name="perm"/>[d] (PyTorch
    /// <c>permute</c>).</summary>
    public static Tensor Permute(Tensor x, params int[] perm)
    {
        if (perm.Length != x.Rank || perm.Distinct().Count() != perm.Length || perm.Any(p => p < 0 || p >= x.Rank))
            throw new ArgumentException($"Permute: [{string.Join(", ", perm)}] is not a permutation of the axes of " +
                $"{x.Shape}");
        if (perm.Select((p, i) => p == i).All(b => b))
            return x;
        var outShape = new Shape(perm.Select(p => x.Shape[p]).ToArray());
        return IndexMapFunction.Apply(x, IndexMaps.Permute(x.Shape.Dims, perm), outShape, 0f, "Permute");
    }

    /// <summary>
    /// Elements start, start + step, ... before end along each of <paramref name="axes"/> (ONNX Slice / NumPy
    /// <c>x[start:end:step]</c>): negative start and end count from the end, out-of-range values are clamped, and a
    /// negative step walks backwards.
    /// </summary>
    public static Tensor Slice(Tensor x, long[] starts, long[] ends, int[] axes, long[] steps)
    {
        if (starts.Length != axes.Length || ends.Length != axes.Length || steps.Length != axes.Length)
            throw new ArgumentException("Slice: starts, ends, axes and steps must have the same length");
        int rank = x.Rank;
        var sources = new int[rank][];
        for (int d = 0; d < rank; d++)
            sources[d] = IndexMaps.Range(0, 1, x.Shape[d]);
        for (int i = 0; i < axes.Length; i++)
        {
            int axis = x.Shape.NormalizeAxis(axes[i]);
            var (start, step, count) = SliceRange(x.Shape[axis], starts[i], ends[i], steps[i]);
            sources[axis] = IndexMaps.Range(start, step, count);
        }
        var outShape = new Shape(sources.Select(s => s.Length).ToArray());
        if (outShape == x.Shape)
            return x;
        return IndexMapFunction.Apply(x, IndexMaps.Separable(x.Shape.Dims, sources), outShape, 0f, "Slice");
    }

    /// <summary>First index, step and element count of x[start:end:step] along an axis of <paramref
    /// name="dim"/>.</summary>
    internal static (int Start, int Step, int Count) SliceRange(int dim, long start, long end, long step)
    {
        if (step == 0)
            throw new ArgumentException("Slice: step must not be 0");
        if (start < 0)
            start += dim;
        if (end < 0)
            end += dim;
        long count;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, dim);
            end = Math.Clamp(end, 0, dim);
            count = end > start ? (end - start + step - 1) / step : 0;
        }
        else
        {
            start = Math.Clamp(start, -1, dim - 1);
            end = Math.Clamp(end, -1, dim - 1);
            count = start > end ? (start - end + (-step) - 1) / -step : 0;
        }
        return ((int)start, (int)Math.Clamp(step, -dim - 1L, dim + 1L), (int)count);
    }

    /// <summary>
    /// Pads (or crops, for negative amounts) every axis: <paramref name="before"/>[d] elements before and
    /// <paramref name="after"/>[d] after, filled as <paramref name="mode"/> says.
    /// </summary>
    public static Tensor Pad(Tensor x, int[] before, int[] after, PadMode mode = PadMode.Constant, float value = 0f)
    {
        if (before.Length != x.Rank || after.Length != x.Rank)
            throw new ArgumentException($"Pad: {before.Length} + {after.Length} amounts for the {x.Rank} axes of " +
                $"{x.Shape}");
        var sources = new int[x.Rank][];
        for (int d = 0; d < x.Rank; d++)
        {
            int size = x.Shape[d];
            if (size + before[d] + after[d] < 0)
                throw new ArgumentException($"Pad: amounts ({before[d]}, {after[d]}) remove more than axis {d} of " +
                    $"{x.Shape} holds");
            if (mode != PadMode.Constant && size == 0 && before[d] + after[d] > 0)
                throw new ArgumentException($"Pad: {mode} padding of the empty axis {d} of {x.Shape}");
            sources[d] = IndexMaps.PadAxis(size, before[d], after[d], mode);
        }
        var outShape = new Shape(sources.Select(s => s.Length).ToArray());
        return IndexMapFunction.Apply(x, IndexMaps.Separable(x.Shape.Dims, sources), outShape, value, "Pad");
    }

    /// <summary>Broadcasts x to <paramref name="shape"/> (NumPy rules in both directions, as ONNX Expand).</summary>
    public static Tensor Expand(Tensor x, params int[] shape)
    {
        var outDims = Broadcast.ResultShape(x.Shape.Dims, shape);
        if (outDims.AsSpan().SequenceEqual(x.Shape.Dims))
            return x;
        var inDims = Aligned(x.Shape.Dims, outDims.Length);
        var sources = new int[outDims.Length][];
        for (int d = 0; d < outDims.Length; d++)
            sources[d] = IndexMaps.BroadcastAxis(inDims[d], outDims[d]);
        return IndexMapFunction.Apply(x, IndexMaps.Separable(inDims, sources), new Shape(outDims), 0f, "Expand");
    }

    /// <summary>Repeats x <paramref name="repeats"/>[d] times along each axis d (ONNX Tile, NumPy
    /// <c>tile</c>).</summary>
    public static Tensor Tile(Tensor x, params int[] repeats)
    {
        if (repeats.Length != x.Rank || repeats.Any(r => r < 0))
            throw new ArgumentException($"Tile: repeats [{string.Join(", ", repeats)}] for {x.Shape}");
        var sources = new int[x.Rank][];
        for (int d = 0; d < x.Rank; d++)
            sources[d] = IndexMaps.TileAxis(x.Shape[d], repeats[d]);
        var outShape = new Shape(sources.Select(s => s.Length).ToArray());
        return IndexMapFunction.Apply(x, IndexMaps.Separable(x.Shape.Dims, sources), outShape, 0f, "Tile");
    }

    /// <summary>
    /// Takes the entries <paramref name="indices"/> (of shape <paramref name="indicesShape"/>; negative counts from
    /// the end) along <paramref name="axis"/> (ONNX Gather): the output shape is x's with that axis replaced by
    /// indicesShape. The gradient scatters back into x.
    /// </summary>
    public static Tensor Gather(Tensor x, int axis, int[] indices, int[] indicesShape)
    {
        int ax = x.Shape.NormalizeAxis(axis);
        int dim = x.Shape[ax];
        var source = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int k = indices[i] < 0 ? indices[i] + dim : indices[i];
            if (k < 0 || k >= dim)
                throw new ArgumentException($"Gather: index {indices[i]} is out of range for axis {axis} of {x.Shape}");
            source[i] = k;
        }
        var sources = new int[x.Rank][];
        for (int d = 0; d < x.Rank; d++)
            sources[d] = d == ax ? source : IndexMaps.Range(0, 1, x.Shape[d]);
        var dims = x.Shape.Dims;
        var outShape = new Shape([.. dims[..ax], .. indicesShape, .. dims[(ax + 1)..]]);
        return IndexMapFunction.Apply(x, IndexMaps.Separable(dims, sources), outShape, 0f, "Gather");
    }

    /// <summary>
    /// y[i] = x[map[i]] (flat indices), or <paramref name="fill"/> where map[i] = −1: the general element move behind
    /// the ops above; the gradient scatters back.
    /// </summary>
    internal static Tensor Remap(Tensor x, int[] map, Shape shape, float fill = 0f, string name = "Remap") =>
        IndexMapFunction.Apply(x, map, shape, fill, name);

    /// <summary><paramref name="dims"/> with leading 1s up to <paramref name="rank"/> axes.</summary>
    internal static int[] Aligned(int[] dims, int rank)
    {
        var r = new int[rank];
        Array.Fill(r, 1);
        dims.CopyTo(r, rank - dims.Length);
        return r;
    }
}
