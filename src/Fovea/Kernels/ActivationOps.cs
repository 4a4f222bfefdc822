using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>Operator structs of the activations (see <see cref="ActivationKernels"/> for the formulas).</summary>
internal static partial class ActivationOps
{
    public readonly struct Relu : IUnaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);
        public Vector256<float> Invoke(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);
        public Vector128<float> Invoke(Vector128<float> x) => Vector128.Max(x, Vector128<float>.Zero);
        public float Invoke(float x) => x > 0 ? x : 0f;
    }

    /// <summary>(x, dy) → dy·[x &gt; 0].</summary>
    public readonly struct ReluBackward : IBinaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) =>
            Vector512.BitwiseAnd(dy, Vector512.GreaterThan(x, Vector512<float>.Zero));
        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) =>
            Vector256.BitwiseAnd(dy, Vector256.GreaterThan(x, Vector256<float>.Zero));
        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy) =>
            Vector128.BitwiseAnd(dy, Vector128.GreaterThan(x, Vector128<float>.Zero));
        public float Invoke(float x, float dy) => x > 0 ? dy : 0f;
    }

    public readonly struct LeakyRelu(float alpha) : IUnaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * alpha);
        public Vector256<float> Invoke(Vector256<float> x) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * alpha);
        public Vector128<float> Invoke(Vector128<float> x) =>
            Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x, x * alpha);
        public float Invoke(float x) => x > 0 ? x : alpha * x;
    }

    /// <summary>(x, dy) → x &gt; 0 ? dy : α·dy.</summary>
    public readonly struct LeakyReluBackward(float alpha) : IBinaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), dy, dy * alpha);
        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), dy, dy * alpha);
        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy) =>
            Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), dy, dy * alpha);
        public float Invoke(float x, float dy) => x > 0 ? dy : alpha * dy;
    }

    public readonly struct Sigmoid : IUnaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + FastMath.Exp(-x));
        public Vector256<float> Invoke(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + FastMath.Exp(-x));
        public Vector128<float> Invoke(Vector128<float> x) => Vector128<float>.One / (Vector128<float>.One + FastMath.Exp(-x));
        public float Invoke(float x) => 1f / (1f + FastMath.Exp(-x));
    }

    /// <summary>(y, dy) → dy·y·(1 − y), y = σ(x).</summary>
    public readonly struct SigmoidBackward : IBinaryOp
    {
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => dy * y * (Vector512<float>.One - y);
        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => dy * y * (Vector256<float>.One - y);
        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) => dy * y * (Vector128<float>.One - y);
        public float Invoke(float y, float dy) => dy * y * (1f - y);
    }

    /// <summary>(y, dy) → dy·(1 − y²), y = tanh(x).</summary>
    public readonly struct TanhBackward : IBinaryOp
    {
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy) => dy * (Vector512<float>.One - y * y);
        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);
        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy) => dy * (Vector128<float>.One - y * y);
        public float Invoke(float y, float dy) => dy * (1f - y * y);
    }

    public readonly struct Silu : IUnaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x) => x / (Vector512<float>.One + FastMath.Exp(-x));
        public Vector256<float> Invoke(Vector256<float> x) => x / (Vector256<float>.One + FastMath.Exp(-x));
        public Vector128<float> Invoke(Vector128<float> x) => x / (Vector128<float>.One + FastMath.Exp(-x));
        public float Invoke(float x) => x / (1f + FastMath.Exp(-x));
    }

    /// <summary>(x, dy) → dy·σ(x)·(1 + x·(1 − σ(x))).</summary>
    public readonly struct SiluBackward : IBinaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy)
        {
            var one = Vector512<float>.One;
            var s = one / (one + FastMath.Exp(-x));
            return dy * s * Vector512.FusedMultiplyAdd(x, one - s, one);
        }

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy)
        {
            var one = Vector256<float>.One;
            var s = one / (one + FastMath.Exp(-x));
            return dy * s * Vector256.FusedMultiplyAdd(x, one - s, one);
        }

        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy)
        {
            var one = Vector128<float>.One;
            var s = one / (one + FastMath.Exp(-x));
            return dy * s * Vector128.FusedMultiplyAdd(x, one - s, one);
        }

        public float Invoke(float x, float dy)
        {
            float s = 1f / (1f + FastMath.Exp(-x));
            return dy * s * (1f + x * (1f - s));
        }
    }
}
