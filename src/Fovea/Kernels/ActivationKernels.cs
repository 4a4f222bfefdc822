using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>
/// Elementwise activations and their derivatives over equal-length spans (any layout).
///   ReLU  y = max(x, 0)                  dx = dy·[x > 0]
///   LeakyReLU y = x > 0 ? x : αx         dx = dy·(x > 0 ? 1 : α)
///   SiLU  y = x·σ(x)                     dx = dy·σ(x)·(1 + x·(1 − σ(x)))
///   Sigmoid y = σ(x)                     dx = dy·y·(1 − y)
///   Tanh  y = tanh(x)                    dx = dy·(1 − y²)
///   GELU, GELU (tanh), HardSigmoid, HardSwish: see ActivationOps.Gelu.cs and ActivationOps.Hard.cs
///   Mish  y = x·tanh(softplus(x))        dx = dy·(t + x·σ(x)·(1 − t²)), t = tanh(softplus(x))
///   ELU   y = x > 0 ? x : α(eˣ − 1)      dx = dy·(x > 0 ? 1 : αeˣ)   (SELU: both times λ, with SELU's α and λ)
///   Softplus y = ln(1 + eˣ)              dx = dy·σ(x)                (x for x > 20, as PyTorch)
/// Mish, ELU, SELU and Softplus are scalar loops (not hot paths in the zoo); the others run vectorised.
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

    public static void Gelu(ReadOnlySpan<float> x, Span<float> y) => ElementwiseDriver.Map(x, y, new ActivationOps.Gelu());

    public static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseDriver.Map(x, dy, dx, new ActivationOps.GeluBackward());

    public static void GeluTanh(ReadOnlySpan<float> x, Span<float> y) =>
        ElementwiseDriver.Map(x, y, new ActivationOps.GeluTanh());

    public static void GeluTanhBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseDriver.Map(x, dy, dx, new ActivationOps.GeluTanhBackward());

    public static void HardSigmoid(ReadOnlySpan<float> x, Span<float> y) =>
        ElementwiseDriver.Map(x, y, new ActivationOps.HardSigmoid());

    public static void HardSigmoidBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseDriver.Map(x, dy, dx, new ActivationOps.HardSigmoidBackward());

    public static void HardSwish(ReadOnlySpan<float> x, Span<float> y) =>
        ElementwiseDriver.Map(x, y, new ActivationOps.HardSwish());

    public static void HardSwishBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseDriver.Map(x, dy, dx, new ActivationOps.HardSwishBackward());

    /// <summary>tanh(softplus(x)) without a logarithm: with n = eˣ(eˣ + 2), tanh(ln(1 + eˣ)) = n/(n + 2); x is capped
    /// at 20, where the ratio is 1 in float32.</summary>
    private static float TanhSoftplus(float x)
    {
        float e = MathF.Exp(Math.Min(x, 20f));
        float n = e * (e + 2f);
        return n / (n + 2f);
    }

    public static void Mish(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = x[i] * TanhSoftplus(x[i]);
    }

    public static void MishBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float t = TanhSoftplus(x[i]);
            float s = 1f / (1f + MathF.Exp(-x[i]));
            dx[i] = dy[i] * (t + x[i] * s * (1f - t * t));
        }
    }

    /// <summary>λ·(x &gt; 0 ? x : α(eˣ − 1)): ELU with λ = 1, SELU with its fixed α and λ.</summary>
    public static void Elu(ReadOnlySpan<float> x, float alpha, float scale, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = x[i] > 0 ? scale * x[i] : scale * alpha * (float)(Math.Exp((double)x[i]) - 1.0);
    }

    public static void EluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float alpha, float scale, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
            dx[i] = x[i] > 0 ? scale * dy[i] : dy[i] * scale * alpha * MathF.Exp(x[i]);
    }

    public static void Softplus(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = v > 20f ? v : (float)(Math.Max(v, 0.0) + Math.Log(1.0 + Math.Exp(-Math.Abs((double)v))));
        }
    }

    public static void SoftplusBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++)
            dx[i] = x[i] > 20f ? dy[i] : dy[i] / (1f + MathF.Exp(-x[i]));
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
