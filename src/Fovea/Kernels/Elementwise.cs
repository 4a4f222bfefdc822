using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Elementwise arithmetic over equal-length spans. Add and Multiply, which run on whole activation tensors, go through
/// <see cref="ElementwiseDriver"/> (split across threads); the rest call TensorPrimitives, which dispatches
/// Vector512 → Vector256 → Vector128 → scalar itself.
/// </summary>
internal static class Elementwise
{
    public static void AddInPlace(Span<float> dst, ReadOnlySpan<float> src) =>
        ElementwiseDriver.Map(dst, src, dst, new ArithmeticOps.Add());

    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) =>
        ElementwiseDriver.Map(a, b, dst, new ArithmeticOps.Add());

    public static void Subtract(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) =>
        TensorPrimitives.Subtract(a, b, dst);

    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) =>
        ElementwiseDriver.Map(a, b, dst, new ArithmeticOps.Multiply());

    public static void Divide(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) =>
        TensorPrimitives.Divide(a, b, dst);

    public static void Scale(ReadOnlySpan<float> a, float s, Span<float> dst) => TensorPrimitives.Multiply(a, s, dst);

    public static void AddScalar(ReadOnlySpan<float> a, float s, Span<float> dst) => TensorPrimitives.Add(a, s, dst);

    /// <summary>dst += a·s.</summary>
    public static void AddScaled(Span<float> dst, ReadOnlySpan<float> a, float s) =>
        TensorPrimitives.MultiplyAdd(a, s, dst, dst);

    /// <summary>y = x·a + b.</summary>
    public static void ScaleShift(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            for (; i <= x.Length - 16; i += 16)
                Vector512.FusedMultiplyAdd(Vector512.Create(x.Slice(i, 16)), va, vb).CopyTo(y.Slice(i, 16));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            var vb = Vector256.Create(b);
            for (; i <= x.Length - 8; i += 8)
                Vector256.FusedMultiplyAdd(Vector256.Create(x.Slice(i, 8)), va, vb).CopyTo(y.Slice(i, 8));
        }
        for (; i < x.Length; i++)
            y[i] = MathF.FusedMultiplyAdd(x[i], a, b);
    }

    /// <summary>(Σ(x − k), Σ(x − k)²) of one row, vectorised, returned in double.</summary>
    public static (double Sum, double SumSquares) ShiftedSums(ReadOnlySpan<float> x, float k)
    {
        int i = 0;
        double sum = 0, sq = 0;
        if (Vector512.IsHardwareAccelerated && x.Length >= 16)
        {
            var vk = Vector512.Create(k);
            var s0 = Vector512<float>.Zero;
            var q0 = Vector512<float>.Zero;
            // Blocks of at most 1024 values in float, then into double, to bound float rounding.
            for (int block = 0; block <= x.Length - 16; block += 1024)
            {
                int end = Math.Min(block + 1024, x.Length - 15);
                s0 = Vector512<float>.Zero;
                q0 = Vector512<float>.Zero;
                for (i = block; i < end; i += 16)
                {
                    var d = Vector512.Create(x.Slice(i, 16)) - vk;
                    s0 += d;
                    q0 = Vector512.FusedMultiplyAdd(d, d, q0);
                }
                sum += Vector512.Sum(s0);
                sq += Vector512.Sum(q0);
            }
        }
        for (; i < x.Length; i++)
        {
            double d = x[i] - k;
            sum += d;
            sq += d * d;
        }
        return (sum, sq);
    }

    /// <summary>Sum accumulated in double, in a fixed order (deterministic).</summary>
    public static double Sum(ReadOnlySpan<float> a)
    {
        double total = 0;
        const int Block = 1024;
        for (int i = 0; i < a.Length; i += Block)
            total += TensorPrimitives.Sum(a.Slice(i, Math.Min(Block, a.Length - i)));
        return total;
    }

    public static double SumOfSquares(ReadOnlySpan<float> a)
    {
        double total = 0;
        const int Block = 1024;
        for (int i = 0; i < a.Length; i += Block)
            total += TensorPrimitives.SumOfSquares(a.Slice(i, Math.Min(Block, a.Length - i)));
        return total;
    }
}
