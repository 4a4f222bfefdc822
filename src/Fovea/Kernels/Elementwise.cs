using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Elementwise arithmetic over equal-length spans. TensorPrimitives is as fast as a hand loop for these
/// (it dispatches Vector512 → Vector256 → Vector128 → scalar), so it does the work.
/// </summary>
internal static class Elementwise
{
    public static void AddInPlace(Span<float> dst, ReadOnlySpan<float> src) => TensorPrimitives.Add(dst, src, dst);

    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) => TensorPrimitives.Add(a, b, dst);

    public static void Subtract(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) =>
        TensorPrimitives.Subtract(a, b, dst);

    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) =>
        TensorPrimitives.Multiply(a, b, dst);

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
