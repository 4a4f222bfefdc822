using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Elementwise activations and their derivatives over equal-length spans (any layout).
///   ReLU  y = max(x, 0)                  dx = dy·[x > 0]
///   LeakyReLU y = x > 0 ? x : αx         dx = dy·(x > 0 ? 1 : α)
///   SiLU  y = x·σ(x)                     dx = dy·σ(x)·(1 + x·(1 − σ(x)))
///   Sigmoid y = σ(x)                     dx = dy·y·(1 − y)
///   Tanh  y = tanh(x)                    dx = dy·(1 − y²)
/// The derivative at a kink (x = 0) is taken from the right-open side, as PyTorch does (ReLU'(0) = 0).
/// Reference: the scalar formulas above (tests evaluate them directly).
/// </summary>
internal static class ActivationKernels
{
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 16; i += 16)
            {
                var m = Vector512.GreaterThan(Vector512.Create(x.Slice(i, 16)), Vector512<float>.Zero);
                Vector512.BitwiseAnd(Vector512.Create(dy.Slice(i, 16)), m).CopyTo(dx.Slice(i, 16));
            }
        }
        for (; i < x.Length; i++)
            dx[i] = x[i] > 0 ? dy[i] : 0f;
    }

    public static void LeakyRelu(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = x[i] > 0 ? x[i] : alpha * x[i];
    }

    public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float alpha, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
            dx[i] = x[i] > 0 ? dy[i] : alpha * dy[i];
    }

    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < y.Length; i++)
            dx[i] = dy[i] * y[i] * (1f - y[i]);
    }

    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < y.Length; i++)
            dx[i] = dy[i] * (1f - y[i] * y[i]);
    }

    public static void Silu(ReadOnlySpan<float> x, Span<float> y)
    {
        TensorPrimitives.Sigmoid(x, y);
        TensorPrimitives.Multiply(x, y, y);
    }

    public static void SiluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        TensorPrimitives.Sigmoid(x, dx); // dx holds σ(x) for now
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var one = Vector512<float>.One;
            for (; i <= x.Length - 16; i += 16)
            {
                var s = Vector512.Create(dx.Slice(i, 16));
                var xv = Vector512.Create(x.Slice(i, 16));
                var d = Vector512.Create(dy.Slice(i, 16)) * s * Vector512.FusedMultiplyAdd(xv, one - s, one);
                d.CopyTo(dx.Slice(i, 16));
            }
        }
        for (; i < x.Length; i++)
        {
            float s = dx[i];
            dx[i] = dy[i] * s * (1f + x[i] * (1f - s));
        }
    }

    /// <summary>PReLU with one slope per channel: x is [N, C, S] (S = product of the remaining dims).</summary>
    public static void PRelu(ReadOnlySpan<float> x, ReadOnlySpan<float> alpha, Span<float> y, int n, int c, int s)
    {
        for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
        {
            int o = (i * c + ch) * s;
            float a = alpha[ch];
            for (int j = o; j < o + s; j++)
                y[j] = x[j] > 0 ? x[j] : a * x[j];
        }
    }

    /// <summary>dx (if not empty) and dα (accumulated, if not empty) of <see cref="PRelu"/>.</summary>
    public static void PReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> alpha, ReadOnlySpan<float> dy,
        Span<float> dx, Span<float> dalpha, int n, int c, int s)
    {
        for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
        {
            int o = (i * c + ch) * s;
            float a = alpha[ch];
            double da = 0;
            for (int j = o; j < o + s; j++)
            {
                bool pos = x[j] > 0;
                if (!dx.IsEmpty)
                    dx[j] = pos ? dy[j] : a * dy[j];
                if (!pos)
                    da += (double)dy[j] * x[j];
            }
            if (!dalpha.IsEmpty)
                dalpha[ch] += (float)da;
        }
    }
}
