using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// The piecewise-linear activations of MobileNetV3 (PyTorch's forms, which Keras 3 shares):
///   HardSigmoid y = clamp(x/6 + ½, 0, 1)        dx = dy/6 for −3 &lt; x &lt; 3, else 0
///   HardSwish   y = x·clamp(x/6 + ½, 0, 1)      dx = 0 for x &lt; −3, dy·(x/3 + ½) for x ≤ 3, dy otherwise
/// </summary>
internal static partial class ActivationOps
{
    private const float Sixth = 1f / 6f;

    public readonly struct HardSigmoid : IUnaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x) => Vector512.Min(Vector512.Max(
            Vector512.FusedMultiplyAdd(x, Vector512.Create(Sixth), Vector512.Create(0.5f)), Vector512<float>.Zero),
            Vector512<float>.One);
        public Vector256<float> Invoke(Vector256<float> x) => Vector256.Min(Vector256.Max(
            Vector256.FusedMultiplyAdd(x, Vector256.Create(Sixth), Vector256.Create(0.5f)), Vector256<float>.Zero),
            Vector256<float>.One);
        public Vector128<float> Invoke(Vector128<float> x) => Vector128.Min(Vector128.Max(
            Vector128.FusedMultiplyAdd(x, Vector128.Create(Sixth), Vector128.Create(0.5f)), Vector128<float>.Zero),
            Vector128<float>.One);
        public float Invoke(float x) => Math.Clamp(MathF.FusedMultiplyAdd(x, Sixth, 0.5f), 0f, 1f);
    }

    /// <summary>(x, dy) → dy/6 inside (−3, 3), 0 outside.</summary>
    public readonly struct HardSigmoidBackward : IBinaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) => Vector512.BitwiseAnd(dy * Sixth,
            Vector512.LessThan(Vector512.Abs(x), Vector512.Create(3f)));
        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) => Vector256.BitwiseAnd(dy * Sixth,
            Vector256.LessThan(Vector256.Abs(x), Vector256.Create(3f)));
        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy) => Vector128.BitwiseAnd(dy * Sixth,
            Vector128.LessThan(Vector128.Abs(x), Vector128.Create(3f)));
        public float Invoke(float x, float dy) => MathF.Abs(x) < 3f ? dy * Sixth : 0f;
    }

    public readonly struct HardSwish : IUnaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x) => x * new HardSigmoid().Invoke(x);
        public Vector256<float> Invoke(Vector256<float> x) => x * new HardSigmoid().Invoke(x);
        public Vector128<float> Invoke(Vector128<float> x) => x * new HardSigmoid().Invoke(x);
        public float Invoke(float x) => x * new HardSigmoid().Invoke(x);
    }

    /// <summary>(x, dy) → 0 below −3, dy·(x/3 + ½) up to 3, dy above.</summary>
    public readonly struct HardSwishBackward : IBinaryOp
    {
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy)
        {
            var slope = Vector512.FusedMultiplyAdd(x, Vector512.Create(1f / 3f), Vector512.Create(0.5f));
            var above = Vector512.GreaterThan(x, Vector512.Create(3f));
            var inside = Vector512.ConditionalSelect(above, Vector512<float>.One, slope);
            return Vector512.BitwiseAnd(dy * inside, Vector512.GreaterThanOrEqual(x, Vector512.Create(-3f)));
        }

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy)
        {
            var slope = Vector256.FusedMultiplyAdd(x, Vector256.Create(1f / 3f), Vector256.Create(0.5f));
            var above = Vector256.GreaterThan(x, Vector256.Create(3f));
            var inside = Vector256.ConditionalSelect(above, Vector256<float>.One, slope);
            return Vector256.BitwiseAnd(dy * inside, Vector256.GreaterThanOrEqual(x, Vector256.Create(-3f)));
        }

        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy)
        {
            var slope = Vector128.FusedMultiplyAdd(x, Vector128.Create(1f / 3f), Vector128.Create(0.5f));
            var above = Vector128.GreaterThan(x, Vector128.Create(3f));
            var inside = Vector128.ConditionalSelect(above, Vector128<float>.One, slope);
            return Vector128.BitwiseAnd(dy * inside, Vector128.GreaterThanOrEqual(x, Vector128.Create(-3f)));
        }

        public float Invoke(float x, float dy) =>
            x < -3f ? 0f : x <= 3f ? dy * MathF.FusedMultiplyAdd(x, 1f / 3f, 0.5f) : dy;
    }
}
