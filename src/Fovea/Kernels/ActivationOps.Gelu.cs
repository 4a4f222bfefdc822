using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// GELU's operator structs. Exact: y = x·Φ(x), Φ(x) = ½·erfc(−x/√2), with erfc(z) for z ≥ 0 from the Chebyshev fit
/// erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2) (Numerical Recipes' erfcc, fractional error below 1.2e−7 for every z),
/// so Φ is accurate relative to itself in the left tail and to 1 in the right; dx = dy·(Φ(x) + x·φ(x)),
/// φ(x) = exp(−x²/2)/√(2π). Tanh approximation: y = ½x·(1 + tanh(u)) = x·σ(2u), u = √(2/π)·(x + 0.044715x³);
/// dx = dy·(s + x·s·(1 − s)·2√(2/π)·(1 + 3·0.044715x²)), s = σ(2u).
/// </summary>
internal static partial class ActivationOps
{
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;
    private const float TanhC = 0.79788456080286536f; // √(2/π)
    private const float TanhK = 0.044715f;

    // erfc(z) = t·exp(−z² + P(t)), P(t) = −1.26551223 + t·(1.00002368 + t·(0.37409196 + ...)).
    private const float E0 = -1.26551223f, E1 = 1.00002368f, E2 = 0.37409196f, E3 = 0.09678418f, E4 = -0.18628806f;
    private const float E5 = 0.27886807f, E6 = -1.13520398f, E7 = 1.48851587f, E8 = -0.82215223f, E9 = 0.17087277f;

    /// <summary>Φ(x), the standard normal CDF (scalar; the vector paths below are the same steps).</summary>
    public static float NormalCdf(float x)
    {
        float z = MathF.Abs(x) * InvSqrt2;
        float t = 1f / (1f + 0.5f * z);
        float p = E0 + t * (E1 + t * (E2 + t * (E3 + t * (E4 + t * (E5 + t * (E6 + t * (E7 + t * (E8 + t * E9))))))));
        float half = 0.5f * t * FastMath.Exp(p - z * z);   // ½·erfc(|x|/√2) = Φ(−|x|)
        return x < 0 ? half : 1f - half;
    }

    private static Vector512<float> NormalCdf(Vector512<float> x)
    {
        var z = Vector512.Abs(x) * InvSqrt2;
        var one = Vector512<float>.One;
        var t = one / Vector512.FusedMultiplyAdd(z, Vector512.Create(0.5f), one);
        var p = Vector512.FusedMultiplyAdd(t, Vector512.Create(E9), Vector512.Create(E8));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(E7));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(E6));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(E5));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(E4));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(E3));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(E2));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(E1));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(E0));
        var half = 0.5f * t * FastMath.Exp(p - z * z);
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), half, one - half);
    }

    private static Vector256<float> NormalCdf(Vector256<float> x)
    {
        var z = Vector256.Abs(x) * InvSqrt2;
        var one = Vector256<float>.One;
        var t = one / Vector256.FusedMultiplyAdd(z, Vector256.Create(0.5f), one);
        var p = Vector256.FusedMultiplyAdd(t, Vector256.Create(E9), Vector256.Create(E8));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(E7));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(E6));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(E5));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(E4));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(E3));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(E2));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(E1));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(E0));
        var half = 0.5f * t * FastMath.Exp(p - z * z);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), half, one - half);
    }

    private static Vector128<float> NormalCdf(Vector128<float> x)
    {
        var z = Vector128.Abs(x) * InvSqrt2;
        var one = Vector128<float>.One;
        var t = one / Vector128.FusedMultiplyAdd(z, Vector128.Create(0.5f), one);
        var p = Vector128.FusedMultiplyAdd(t, Vector128.Create(E9), Vector128.Create(E8));
        p = Vector128.FusedMultiplyAdd(t, p, Vector128.Create(E7));
        p = Vector128.FusedMultiplyAdd(t, p, Vector128.Create(E6));
        p = Vector128.FusedMultiplyAdd(t, p, Vector128.Create(E5));
        p = Vector128.FusedMultiplyAdd(t, p, Vector128.Create(E4));
        p = Vector128.FusedMultiplyAdd(t, p, Vector128.Create(E3));
        p = Vector128.FusedMultiplyAdd(t, p, Vector128.Create(E2));
        p = Vector128.FusedMultiplyAdd(t, p, Vector128.Create(E1));
        p = Vector128.FusedMultiplyAdd(t, p, Vector128.Create(E0));
        var half = 0.5f * t * FastMath.Exp(p - z * z);
        return Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), half, one - half);
    }

    public readonly struct Gelu : IUnaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x) => x * NormalCdf(x);
        public Vector256<float> Invoke(Vector256<float> x) => x * NormalCdf(x);
        public Vector128<float> Invoke(Vector128<float> x) => x * NormalCdf(x);
        public float Invoke(float x) => x * NormalCdf(x);
    }

    /// <summary>(x, dy) → dy·(Φ(x) + x·φ(x)).</summary>
    public readonly struct GeluBackward : IBinaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) =>
            dy * Vector512.FusedMultiplyAdd(x * InvSqrt2Pi, FastMath.Exp(-0.5f * x * x), NormalCdf(x));
        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) =>
            dy * Vector256.FusedMultiplyAdd(x * InvSqrt2Pi, FastMath.Exp(-0.5f * x * x), NormalCdf(x));
        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy) =>
            dy * Vector128.FusedMultiplyAdd(x * InvSqrt2Pi, FastMath.Exp(-0.5f * x * x), NormalCdf(x));
        public float Invoke(float x, float dy) => dy * (NormalCdf(x) + x * InvSqrt2Pi * FastMath.Exp(-0.5f * x * x));
    }

    public readonly struct GeluTanh : IUnaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x)
        {
            var u2 = 2f * TanhC * x * Vector512.FusedMultiplyAdd(x * x, Vector512.Create(TanhK), Vector512<float>.One);
            return x / (Vector512<float>.One + FastMath.Exp(-u2));
        }

        public Vector256<float> Invoke(Vector256<float> x)
        {
            var u2 = 2f * TanhC * x * Vector256.FusedMultiplyAdd(x * x, Vector256.Create(TanhK), Vector256<float>.One);
            return x / (Vector256<float>.One + FastMath.Exp(-u2));
        }

        public Vector128<float> Invoke(Vector128<float> x)
        {
            var u2 = 2f * TanhC * x * Vector128.FusedMultiplyAdd(x * x, Vector128.Create(TanhK), Vector128<float>.One);
            return x / (Vector128<float>.One + FastMath.Exp(-u2));
        }

        public float Invoke(float x) => x / (1f + FastMath.Exp(-2f * TanhC * x * (1f + TanhK * x * x)));
    }

    /// <summary>(x, dy) → dy·(s + x·s·(1 − s)·2√(2/π)·(1 + 3·0.044715·x²)), s = σ(2u).</summary>
    public readonly struct GeluTanhBackward : IBinaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy)
        {
            var one = Vector512<float>.One;
            var x2 = x * x;
            var u2 = 2f * TanhC * x * Vector512.FusedMultiplyAdd(x2, Vector512.Create(TanhK), one);
            var s = one / (one + FastMath.Exp(-u2));
            var du = 2f * TanhC * Vector512.FusedMultiplyAdd(x2, Vector512.Create(3f * TanhK), one);
            return dy * Vector512.FusedMultiplyAdd(x * s * (one - s), du, s);
        }

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy)
        {
            var one = Vector256<float>.One;
            var x2 = x * x;
            var u2 = 2f * TanhC * x * Vector256.FusedMultiplyAdd(x2, Vector256.Create(TanhK), one);
            var s = one / (one + FastMath.Exp(-u2));
            var du = 2f * TanhC * Vector256.FusedMultiplyAdd(x2, Vector256.Create(3f * TanhK), one);
            return dy * Vector256.FusedMultiplyAdd(x * s * (one - s), du, s);
        }

        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy)
        {
            var one = Vector128<float>.One;
            var x2 = x * x;
            var u2 = 2f * TanhC * x * Vector128.FusedMultiplyAdd(x2, Vector128.Create(TanhK), one);
            var s = one / (one + FastMath.Exp(-u2));
            var du = 2f * TanhC * Vector128.FusedMultiplyAdd(x2, Vector128.Create(3f * TanhK), one);
            return dy * Vector128.FusedMultiplyAdd(x * s * (one - s), du, s);
        }

        public float Invoke(float x, float dy)
        {
            float s = 1f / (1f + FastMath.Exp(-2f * TanhC * x * (1f + TanhK * x * x)));
            return dy * (s + x * s * (1f - s) * 2f * TanhC * (1f + 3f * TanhK * x * x));
        }
    }
}
