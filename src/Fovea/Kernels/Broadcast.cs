using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>
/// NumPy-style broadcasting for binary elementwise ops. Shapes are aligned at the right; a dimension of 1
/// stretches. The innermost dimension runs through TensorPrimitives (vector-vector, vector-scalar or
/// scalar-vector); outer dimensions walk an odometer. Reference: the index formula, checked in tests.
/// </summary>
internal static class Broadcast
{
    public enum Op { Add, Subtract, Multiply, Divide }

    /// <summary>The broadcast result shape, or an exception naming both shapes.</summary>
    public static int[] ResultShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"shapes [{string.Join(", ", a.ToArray())}] and [{string.Join(", ", b.ToArray())}] cannot be broadcast together");
            r[i] = da == 1 ? db : da;
        }
        return r;
    }

    /// <summary>Element strides of <paramref name="shape"/> seen through <paramref name="outShape"/> (0 on stretched dims).</summary>
    public static int[] Strides(ReadOnlySpan<int> shape, ReadOnlySpan<int> outShape)
    {
        int rank = outShape.Length, offset = rank - shape.Length;
        var s = new int[rank];
        int stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i + offset] = shape[i] == 1 && outShape[i + offset] != 1 ? 0 : stride;
            stride *= shape[i];
        }
        return s;
    }

    public static void Binary(Op op, ReadOnlySpan<float> a, ReadOnlySpan<int> aShape, ReadOnlySpan<float> b,
        ReadOnlySpan<int> bShape, Span<float> y, ReadOnlySpan<int> yShape)
    {
        if (aShape.SequenceEqual(bShape))
        {
            Apply(op, a, b, y);
            return;
        }
        int rank = yShape.Length;
        if (rank == 0)
        {
            Apply(op, a, b, y);
            return;
        }
        int[] sa = Strides(aShape, yShape), sb = Strides(bShape, yShape);
        int inner = yShape[rank - 1];
        int outer = inner == 0 ? 0 : y.Length / inner;
        Span<int> idx = stackalloc int[rank];
        idx.Clear();
        int ia = 0, ib = 0;
        for (int o = 0; o < outer; o++)
        {
            var yr = y.Slice(o * inner, inner);
            int strideA = sa[rank - 1], strideB = sb[rank - 1];
            if (strideA == 1 && strideB == 1)
                Apply(op, a.Slice(ia, inner), b.Slice(ib, inner), yr);
            else if (strideA == 1)
                ApplyScalarRight(op, a.Slice(ia, inner), b[ib], yr);
            else if (strideB == 1)
                ApplyScalarLeft(op, a[ia], b.Slice(ib, inner), yr);
            else
                yr.Fill(Scalar(op, a[ia], b[ib]));
            // advance the odometer over the outer dimensions
            for (int d = rank - 2; d >= 0; d--)
            {
                idx[d]++;
                ia += sa[d];
                ib += sb[d];
                if (idx[d] < yShape[d])
                    break;
                ia -= sa[d] * yShape[d];
                ib -= sb[d] * yShape[d];
                idx[d] = 0;
            }
        }
    }

    /// <summary>dst (shape dstShape) = sum of src (shape srcShape) over the dimensions that were broadcast.</summary>
    public static void SumTo(ReadOnlySpan<float> src, ReadOnlySpan<int> srcShape, Span<float> dst, ReadOnlySpan<int> dstShape)
    {
        if (srcShape.SequenceEqual(dstShape))
        {
            src.CopyTo(dst);
            return;
        }
        dst.Clear();
        int rank = srcShape.Length;
        if (rank == 0)
        {
            dst[0] = src[0];
            return;
        }
        int[] sd = Strides(dstShape, srcShape);
        int inner = srcShape[rank - 1];
        int outer = inner == 0 ? 0 : src.Length / inner;
        Span<int> idx = stackalloc int[rank];
        idx.Clear();
        int id = 0;
        for (int o = 0; o < outer; o++)
        {
            var sr = src.Slice(o * inner, inner);
            if (sd[rank - 1] == 1)
                TensorPrimitives.Add(dst.Slice(id, inner), sr, dst.Slice(id, inner));
            else
                dst[id] += (float)Elementwise.Sum(sr);
            for (int d = rank - 2; d >= 0; d--)
            {
                idx[d]++;
                id += sd[d];
                if (idx[d] < srcShape[d])
                    break;
                id -= sd[d] * srcShape[d];
                idx[d] = 0;
            }
        }
    }

    private static void Apply(Op op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        if (a.Length == 1 && b.Length != 1)
        {
            ApplyScalarLeft(op, a[0], b, y);
            return;
        }
        if (b.Length == 1 && a.Length != 1)
        {
            ApplyScalarRight(op, a, b[0], y);
            return;
        }
        switch (op)
        {
            case Op.Add: TensorPrimitives.Add(a, b, y); break;
            case Op.Subtract: TensorPrimitives.Subtract(a, b, y); break;
            case Op.Multiply: TensorPrimitives.Multiply(a, b, y); break;
            default: TensorPrimitives.Divide(a, b, y); break;
        }
    }

    private static void ApplyScalarRight(Op op, ReadOnlySpan<float> a, float b, Span<float> y)
    {
        switch (op)
        {
            case Op.Add: TensorPrimitives.Add(a, b, y); break;
            case Op.Subtract: TensorPrimitives.Subtract(a, b, y); break;
            case Op.Multiply: TensorPrimitives.Multiply(a, b, y); break;
            default: TensorPrimitives.Divide(a, b, y); break;
        }
    }

    private static void ApplyScalarLeft(Op op, float a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (op)
        {
            case Op.Add: TensorPrimitives.Add(b, a, y); break;
            case Op.Subtract: TensorPrimitives.Subtract(a, b, y); break;
            case Op.Multiply: TensorPrimitives.Multiply(b, a, y); break;
            default: TensorPrimitives.Divide(a, b, y); break;
        }
    }

    private static float Scalar(Op op, float a, float b) => op switch
    {
        Op.Add => a + b,
        Op.Subtract => a - b,
        Op.Multiply => a * b,
        _ => a / b,
    };
}
