using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>
/// Elementwise y = f(a, b) over equal-length spans, and the partial derivatives for the differentiable kinds:
/// Pow (∂a = b·a^(b−1), ∂b = a^b·ln a), Max and Min (the gradient goes to the chosen input; ties to a). Mod is
/// Python's (sign of the divisor), FMod C's (sign of the dividend); comparisons and logic give 1 or 0 and have no
/// gradient. The scalar loops are their own reference.
/// </summary>
internal static class BinaryKernels
{
    public static bool IsDifferentiable(BinaryKind kind) => kind is BinaryKind.Pow or BinaryKind.Max or BinaryKind.Min;

    public static void Forward(BinaryKind kind, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (kind)
        {
            case BinaryKind.Max: TensorPrimitives.Max(a, b, y); return;
            case BinaryKind.Min: TensorPrimitives.Min(a, b, y); return;
            default:
                for (int i = 0; i < y.Length; i++)
                    y[i] = Value(kind, a[i], b[i]);
                return;
        }
    }

    public static float Value(BinaryKind kind, float a, float b) => kind switch
    {
        BinaryKind.Pow => MathF.Pow(a, b),
        BinaryKind.Max => MathF.Max(a, b),
        BinaryKind.Min => MathF.Min(a, b),
        BinaryKind.Mod => a - b * MathF.Floor(a / b),
        BinaryKind.FMod => a % b,
        BinaryKind.Equal => a == b ? 1f : 0f,
        BinaryKind.Less => a < b ? 1f : 0f,
        BinaryKind.LessOrEqual => a <= b ? 1f : 0f,
        BinaryKind.Greater => a > b ? 1f : 0f,
        BinaryKind.GreaterOrEqual => a >= b ? 1f : 0f,
        BinaryKind.And => a != 0 && b != 0 ? 1f : 0f,
        BinaryKind.Or => a != 0 || b != 0 ? 1f : 0f,
        _ => (a != 0) != (b != 0) ? 1f : 0f,
    };

    /// <summary>da = dy·∂f/∂a and db = dy·∂f/∂b (either destination may be empty to skip it).</summary>
    public static void Backward(BinaryKind kind, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, Span<float> da, Span<float> db)
    {
        for (int i = 0; i < dy.Length; i++)
        {
            float g = dy[i];
            switch (kind)
            {
                case BinaryKind.Pow:
                    if (!da.IsEmpty)
                        da[i] = b[i] == 0 ? 0 : (float)(g * b[i] * Math.Pow(a[i], b[i] - 1.0));
                    if (!db.IsEmpty)
                        db[i] = a[i] > 0 ? (float)(g * y[i] * Math.Log(a[i])) : 0;
                    break;
                case BinaryKind.Max or BinaryKind.Min:
                    bool toA = kind == BinaryKind.Max ? a[i] >= b[i] : a[i] <= b[i];
                    if (!da.IsEmpty)
                        da[i] = toA ? g : 0;
                    if (!db.IsEmpty)
                        db[i] = toA ? 0 : g;
                    break;
                default:
                    if (!da.IsEmpty)
                        da[i] = 0;
                    if (!db.IsEmpty)
                        db[i] = 0;
                    break;
            }
        }
    }
}
