using System.Numerics.Tensors;

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
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => ElementwiseDriver.Map(x, y, new ActivationOps.Relu());

    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseDriver.Map(x, dy, dx, new ActivationOps.ReluBackward());

    public static void LeakyRelu(ReadOnlySpan<float> x, float alpha, Span<float> y) =>
        ElementwiseDriver.Map(x, y, new ActivationOps.LeakyRelu(alpha));

    public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float alpha, Span<float> dx) =>
        ElementwiseDriver.Map(x, dy, dx, new ActivationOps.LeakyReluBackward(alpha));

    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => ElementwiseDriver.Map(x, y, new ActivationOps.Sigmoid());

    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseDriver.Map(y, dy, dx, new ActivationOps.SigmoidBackward());

    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseDriver.Map(y, dy, dx, new ActivationOps.TanhBackward());

    public static void Silu(ReadOnlySpan<float> x, Span<float> y) => ElementwiseDriver.Map(x, y, new ActivationOps.Silu());

    public static void SiluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseDriver.Map(x, dy, dx, new ActivationOps.SiluBackward());

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
