using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>Operator structs of elementwise arithmetic, for <see cref="ElementwiseDriver"/>.</summary>
internal static class ArithmeticOps
{
    public readonly struct Add : IBinaryOp
    {
        public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a + b;
        public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a + b;
        public Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a + b;
        public float Invoke(float a, float b) => a + b;
    }

    public readonly struct Multiply : IBinaryOp
    {
        public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a * b;
        public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a * b;
        public Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a * b;
        public float Invoke(float a, float b) => a * b;
    }
}
